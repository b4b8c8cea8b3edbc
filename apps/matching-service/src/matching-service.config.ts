import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  embeddingModelEnv,
  envInt,
  envNumber,
  infrastructureEnv,
  loadConfig,
} from '@matchstream/config';
import { KNOWN_EMBEDDING_MODELS, embeddingModelSpec } from '@matchstream/embedding';
import { z } from 'zod';

const schema = z
  .object({
    ...infrastructureEnv,
    MATCHING_HTTP_PORT: envInt(3002, 0, 65535),
    /**
     * The group whose assignment divides the subjects between the matching instances; each
     * instance also reads every partition through a group of its own, `<this>.replica.<instance>`.
     */
    MATCHING_CONSUMER_GROUP: z.string().min(1).default('matchstream-matching'),
    /** Stable per instance (its replica group and Redis marker are named after it). */
    MATCHING_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default(hostname()),
    /** How soon the group notices a dead instance and hands its subjects to the others. */
    MATCHING_SESSION_TIMEOUT_MS: envInt(30000, 6000, 300000),
    ...embeddingModelEnv,
    MATCH_TOP_K: envInt(10, 1, 100),
    /** Eligible neighbours re-ranked by the hybrid score; larger finds more skill-strong pairs. */
    MATCH_CANDIDATE_POOL: envInt(50, 1, 1000),
    /**
     * Pairs scoring below it are no match (the hybrid score is 0..1). Unset: the floor calibrated
     * for EMBEDDING_MODEL_ID in the model registry, the model whose vectors this index holds (any
     * other model's are dead-lettered), since similarity ranges differ between models. Resolved
     * once by loadMatchingServiceConfig, so everything downstream reads one number.
     */
    MATCH_MIN_SCORE: z.coerce.number().min(0).max(1).optional(),
    /**
     * Entries kept beyond the top K in each maintained ranking, so that a counterpart leaving it
     * is replaced without scanning the other side again.
     */
    MATCH_RANKING_RESERVE: envInt(10, 0, 1000),
    /** Subjects re-ranked from scratch by each background consistency audit; 0 turns it off. */
    MATCHING_AUDIT_SAMPLE: envInt(100, 0, 100000),
    MATCHING_AUDIT_INTERVAL_MS: envInt(60000, 1000),
    HNSW_M: envInt(16, 4, 64),
    HNSW_EF_CONSTRUCTION: envInt(200, 10, 1000),
    HNSW_EF_SEARCH: envInt(100, 10, 1000),
    HNSW_INITIAL_CAPACITY: envInt(10000, 16),
    MATCH_WEIGHT_SIMILARITY: envNumber(0.55, 0, 1),
    MATCH_WEIGHT_REQUIRED_SKILLS: envNumber(0.25, 0, 1),
    MATCH_WEIGHT_NICE_TO_HAVE_SKILLS: envNumber(0.05, 0, 1),
    MATCH_WEIGHT_SENIORITY: envNumber(0.1, 0, 1),
    MATCH_WEIGHT_LOCATION: envNumber(0.05, 0, 1),
    MATCHING_SNAPSHOT_DIR: z
      .string()
      .default('.run/snapshots/matching')
      .transform((p) => resolve(p)),
    /** How often the state is snapshotted when it changed; 0 snapshots only at shutdown. */
    MATCHING_SNAPSHOT_INTERVAL_MS: envInt(30000, 0),
    /** Complete snapshots kept, the newest included: the older ones are fallbacks for a damaged one. */
    MATCHING_SNAPSHOT_KEEP: envInt(2, 1, 100),
    /**
     * For fault tests where no small filesystem can be mounted: snapshot writes that would take
     * the snapshot folder beyond this many bytes fail with ENOSPC, as on a full disk; 0: no limit.
     */
    MATCHING_SNAPSHOT_TEST_CAPACITY_BYTES: envInt(0, 0),
    /**
     * A start that finds at least this many records between its state and the log end loads them
     * in bulk: applied to the state with no ranking maintenance, every ranking then computed in
     * one pass and published once; 0 always does.
     */
    MATCHING_BULK_LOAD_MIN_RECORDS: envInt(20000, 0),
    CONSUMER_CHUNK_SIZE: envInt(64, 1, 1000),
    /** Partitions fetched and committed concurrently; their chunks are still applied one at a time. */
    CONSUMER_PARTITIONS_CONCURRENTLY: envInt(1, 1, 64),
  })
  .refine(
    (c) =>
      Math.abs(
        c.MATCH_WEIGHT_SIMILARITY +
          c.MATCH_WEIGHT_REQUIRED_SKILLS +
          c.MATCH_WEIGHT_NICE_TO_HAVE_SKILLS +
          c.MATCH_WEIGHT_SENIORITY +
          c.MATCH_WEIGHT_LOCATION -
          1,
      ) < 1e-6,
    { message: 'MATCH_WEIGHT_* must sum to 1', path: ['MATCH_WEIGHT_SIMILARITY'] },
  )
  .refine(
    (c) => c.MATCH_MIN_SCORE !== undefined || KNOWN_EMBEDDING_MODELS.includes(c.EMBEDDING_MODEL_ID),
    {
      message: 'the model registry has no calibrated floor for this model: set MATCH_MIN_SCORE',
      path: ['MATCH_MIN_SCORE'],
    },
  );

/** The config as the service reads it: MATCH_MIN_SCORE resolved to one number. */
export type MatchingServiceConfig = Omit<z.infer<typeof schema>, 'MATCH_MIN_SCORE'> & {
  MATCH_MIN_SCORE: number;
  /** Where MATCH_MIN_SCORE came from, for the start-up log. */
  matchMinScoreSource: 'MATCH_MIN_SCORE' | 'model registry';
};
export const MATCHING_SERVICE_CONFIG = Symbol('MATCHING_SERVICE_CONFIG');

export function loadMatchingServiceConfig(
  env: Record<string, string | undefined> = process.env,
): MatchingServiceConfig {
  const parsed = loadConfig(schema as unknown as z.ZodObject, env) as z.infer<typeof schema>;
  return {
    ...parsed,
    MATCH_MIN_SCORE:
      parsed.MATCH_MIN_SCORE ?? embeddingModelSpec(parsed.EMBEDDING_MODEL_ID).minScore,
    matchMinScoreSource:
      parsed.MATCH_MIN_SCORE === undefined ? 'model registry' : 'MATCH_MIN_SCORE',
  };
}
