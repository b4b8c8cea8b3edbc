import { z } from 'zod';
import { identifier } from './common.schema';

/**
 * Match events, published on the matches topic keyed `<subjectType>:<subjectId>`.
 * A ranking event carries the subject's complete current top-K, so a consumer only ever needs the
 * latest one per key; `retracted` lists the counterparts that dropped out since the previous one.
 */
export const constraintCheck = z.object({
  name: z.enum(['work-mode', 'work-authorization', 'location', 'category']),
  passed: z.boolean(),
  detail: z.string(),
});
export type ConstraintCheck = z.infer<typeof constraintCheck>;

export const matchExplanation = z.object({
  /** Cosine similarity of the two embeddings, -1..1. */
  similarity: z.number(),
  /**
   * Share of the job's required skills the candidate has, 0..1 (1 when none are required). A job
   * without a requiredSkills list is read for the skills its prose names (libs/scoring).
   */
  requiredSkillCoverage: z.number(),
  matchedRequiredSkills: z.array(z.string()),
  missingRequiredSkills: z.array(z.string()),
  matchedNiceToHaveSkills: z.array(z.string()),
  /** 1 for the same seniority, less the further apart. */
  seniorityFit: z.number(),
  /** 1 when location or remote policy fit without relocation, lower when they need it. */
  locationFit: z.number(),
  /** Each weighted term of the score, so the sum is explained. */
  contributions: z.record(z.string(), z.number()),
  constraints: z.array(constraintCheck),
  summary: z.string(),
});
export type MatchExplanation = z.infer<typeof matchExplanation>;

export const rankedMatch = z.object({
  rank: z.number().int().positive(),
  counterpartId: identifier,
  counterpartVersion: z.number().int().nonnegative(),
  score: z.number(),
  explanation: matchExplanation,
});
export type RankedMatch = z.infer<typeof rankedMatch>;

const subject = z.object({
  type: z.enum(['profile', 'job']),
  id: identifier,
  version: z.number().int().nonnegative(),
});
export type MatchSubject = z.infer<typeof subject>;

export const MATCH_TRIGGERS = [
  'subject-changed',
  'counterpart-changed',
  'counterpart-removed',
] as const;

export const matchRankingEvent = z.object({
  schema: z.literal('match.ranking'),
  schemaVersion: z.literal(1),
  eventId: z.string(),
  producedAt: z.iso.datetime({ offset: true }),
  subject,
  trigger: z.enum(MATCH_TRIGGERS),
  /** The input event that caused this ranking. */
  causationEventId: z.string(),
  modelId: z.string(),
  /** Monotonic count of index mutations when the ranking was computed. */
  indexVersion: z.number().int().nonnegative(),
  matches: z.array(rankedMatch),
  retracted: z.array(identifier),
});
export type MatchRankingEvent = z.infer<typeof matchRankingEvent>;

export const matchRetractedEvent = z.object({
  schema: z.literal('match.retracted'),
  schemaVersion: z.literal(1),
  eventId: z.string(),
  producedAt: z.iso.datetime({ offset: true }),
  subject,
  reason: z.enum(['subject-removed']),
  causationEventId: z.string(),
  retracted: z.array(identifier),
});
export type MatchRetractedEvent = z.infer<typeof matchRetractedEvent>;

export const matchEvent = z.discriminatedUnion('schema', [matchRankingEvent, matchRetractedEvent]);
export type MatchEvent = z.infer<typeof matchEvent>;
