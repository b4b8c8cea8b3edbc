import { z } from 'zod';
import { identifier } from './common.schema';
import { jobPayload } from './job.schema';
import { profilePayload } from './profile.schema';

/**
 * What the embedding service publishes for the matching service: the validated document with its
 * embedding, or its removal. Keyed `<entityType>:<entityId>` on a compacted topic, so the topic
 * always holds the latest state of every entity and the index can be rebuilt from it.
 */
const common = {
  schemaVersion: z.literal(1),
  /** The input event this was derived from: the idempotency key downstream. */
  sourceEventId: identifier,
  entityId: identifier,
  entityVersion: z.number().int().nonnegative(),
  occurredAt: z.iso.datetime({ offset: true }),
  producedAt: z.iso.datetime({ offset: true }),
};

const embedding = {
  modelId: z.string().min(1).max(200),
  textBuilderVersion: z.number().int().positive(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Little-endian float32 vector, base64: a quarter the size of a JSON number array. */
  vector: z.string().min(1).max(65536),
  dimension: z.number().int().positive().max(4096),
};

export const profileEmbeddedEvent = z
  .object({
    ...common,
    ...embedding,
    type: z.literal('entity.embedded'),
    entityType: z.literal('profile'),
    document: profilePayload,
  })
  .strict();
export const jobEmbeddedEvent = z
  .object({
    ...common,
    ...embedding,
    type: z.literal('entity.embedded'),
    entityType: z.literal('job'),
    document: jobPayload,
  })
  .strict();
export const entityRemovedEvent = z
  .object({
    ...common,
    type: z.literal('entity.removed'),
    entityType: z.enum(['profile', 'job']),
  })
  .strict();

export const entityVectorEvent = z.union([
  profileEmbeddedEvent,
  jobEmbeddedEvent,
  entityRemovedEvent,
]);

export type ProfileEmbeddedEvent = z.infer<typeof profileEmbeddedEvent>;
export type JobEmbeddedEvent = z.infer<typeof jobEmbeddedEvent>;
export type EntityEmbeddedEvent = ProfileEmbeddedEvent | JobEmbeddedEvent;
export type EntityRemovedEvent = z.infer<typeof entityRemovedEvent>;
export type EntityVectorEvent = z.infer<typeof entityVectorEvent>;

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(encoded: string, dimension: number): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== dimension * 4) {
    throw new Error(`vector has ${bytes.length / 4} dimensions, expected ${dimension}`);
  }
  // Copy into an aligned buffer: Buffer slices may start at an odd offset.
  const out = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
