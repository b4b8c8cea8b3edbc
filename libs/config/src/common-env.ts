import { resolve } from 'node:path';
import { z } from 'zod';

/** Building blocks for each app's config schema: numbers and flags arrive as strings. */
export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const envNumber = (fallback: number, min = -Infinity, max = Infinity) =>
  z.coerce.number().min(min).max(max).default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** Connection settings every service shares. */
export const infrastructureEnv = {
  KAFKA_BROKERS: envList('127.0.0.1:9092').pipe(
    z.array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port')).min(1),
  ),
  KAFKA_CLIENT_ID: z.string().min(1).default('matchstream'),
  KAFKA_SSL: envBool(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /**
   * Codec of produced batches: none on one machine; lz4 or zstd where the network is the cost.
   * Consumers read every codec whatever this says.
   */
  KAFKA_COMPRESSION: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('ms:'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  /** Comma-separated API keys for the HTTP API; empty leaves it open (local runs only). */
  API_KEYS: envList(''),
  SHUTDOWN_TIMEOUT_MS: envInt(25000, 1000, 600000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
} as const;

/** SASL settings for the Kafka client, when all three variables are set. */
export function kafkaSaslFromConfig(config: {
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}) {
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = config;
  return mechanism && username && password ? { mechanism, username, password } : undefined;
}

/**
 * The model the services embed with unless EMBEDDING_MODEL_ID says otherwise: the measured
 * configuration with the best worst-case ratio to BM25 across the labelled sets (npm run
 * bench:quality; bench/results/README.md). Its token budget, instructions and match-score floor
 * are its registry entry's. The shell scripts, docker-compose.yml and the tests name the same id.
 */
export const DEFAULT_EMBEDDING_MODEL_ID = 'Xenova/bge-small-en-v1.5';

/** The local embedding model: every service that embeds text reads the same variables. */
export const embeddingModelEnv = {
  EMBEDDING_MODEL_ID: z.string().min(1).default(DEFAULT_EMBEDDING_MODEL_ID),
  EMBEDDING_MODEL_PATH: z
    .string()
    .default('.cache/models')
    .transform((p) => resolve(p)),
  EMBEDDING_RUNTIME_CACHE_DIR: z
    .string()
    .default('.cache/transformers')
    .transform((p) => resolve(p)),
  /**
   * Model inputs per entity: 1 cuts a text at the model's token budget; more splits a long text
   * into chunks of the budget and averages their vectors (chosen by npm run bench:quality; see
   * bench/results/README.md).
   */
  EMBEDDING_MAX_CHUNKS: envInt(1, 1, 16),
  /**
   * Token budget of one model input, at most the model's own. 0 (the default): the model's budget
   * in the registry (libs/embedding/src/embedding-models.json), chosen per model by
   * npm run bench:quality (bench/results/README.md).
   */
  EMBEDDING_MAX_TOKENS: envInt(0, 0, 8192),
} as const;

/** What the shared infrastructure wiring reads from a service's config. */
export type InfrastructureConfig = z.infer<z.ZodObject<typeof infrastructureEnv>>;
