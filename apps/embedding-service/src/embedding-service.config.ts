import { embeddingModelEnv, envInt, infrastructureEnv, loadConfig } from '@matchstream/config';
import { z } from 'zod';

const schema = z.object({
  ...infrastructureEnv,
  EMBEDDING_HTTP_PORT: envInt(3001, 0, 65535),
  EMBEDDING_CONSUMER_GROUP: z.string().min(1).default('matchstream-embedding'),
  ...embeddingModelEnv,
  /** Texts handed to the model worker at once (merged across concurrent chunks). */
  EMBEDDING_BATCH_SIZE: envInt(32, 1, 256),
  /** Texts per ONNX run within that, sorted by length: small runs waste least on padding. */
  EMBEDDING_INFERENCE_BATCH_SIZE: envInt(4, 1, 256),
  EMBEDDING_BATCH_MAX_WAIT_MS: envInt(0, 0, 1000),
  EMBEDDING_MAX_QUEUED: envInt(512, 1, 100000),
  CONSUMER_CHUNK_SIZE: envInt(64, 1, 1000),
  CONSUMER_PARTITIONS_CONCURRENTLY: envInt(3, 1, 64),
});

export type EmbeddingServiceConfig = z.infer<typeof schema>;
export const EMBEDDING_SERVICE_CONFIG = Symbol('EMBEDDING_SERVICE_CONFIG');

export function loadEmbeddingServiceConfig(
  env: Record<string, string | undefined> = process.env,
): EmbeddingServiceConfig {
  return loadConfig(schema, env);
}
