import { z } from 'zod';
import { identifier, nonEmptyText, text } from './common.schema';
import { jobPayload } from './job.schema';
import { LIMITS } from './limits';
import { profilePayload } from './profile.schema';
import { TOPICS } from './topics';

/** Schema versions this build accepts, per event type. Bump with a new payload shape. */
export const SUPPORTED_SCHEMA_VERSIONS = [1] as const;
export const INPUT_EVENT_TYPES = [
  'profile.upserted',
  'profile.deleted',
  'job.upserted',
  'job.closed',
] as const;
export type InputEventType = (typeof INPUT_EVENT_TYPES)[number];
export type EntityType = 'profile' | 'job';

/**
 * The envelope every upstream event carries. `entityId` is also the Kafka key, so all events of
 * one entity land on one partition, in order. `entityVersion` is the upstream revision number:
 * an event older than the one already applied is skipped, never applied over it.
 */
const envelope = {
  eventId: identifier,
  schemaVersion: z.literal(1),
  occurredAt: z.iso.datetime({ offset: true }),
  source: nonEmptyText(LIMITS.shortText),
  entityId: identifier,
  entityVersion: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
};

const removalPayload = z
  .object({ reason: text(LIMITS.shortText).optional() })
  .strict()
  .default({});

export const profileUpsertedEvent = z
  .object({ ...envelope, type: z.literal('profile.upserted'), payload: profilePayload })
  .strict();
export const profileDeletedEvent = z
  .object({ ...envelope, type: z.literal('profile.deleted'), payload: removalPayload })
  .strict();
export const jobUpsertedEvent = z
  .object({ ...envelope, type: z.literal('job.upserted'), payload: jobPayload })
  .strict();
export const jobClosedEvent = z
  .object({ ...envelope, type: z.literal('job.closed'), payload: removalPayload })
  .strict();

export const inputEvent = z.discriminatedUnion('type', [
  profileUpsertedEvent,
  profileDeletedEvent,
  jobUpsertedEvent,
  jobClosedEvent,
]);

export type ProfileUpsertedEvent = z.infer<typeof profileUpsertedEvent>;
export type ProfileDeletedEvent = z.infer<typeof profileDeletedEvent>;
export type JobUpsertedEvent = z.infer<typeof jobUpsertedEvent>;
export type JobClosedEvent = z.infer<typeof jobClosedEvent>;
export type InputEvent = z.infer<typeof inputEvent>;
/** What a producer writes; defaults are filled in on parse. */
export type InputEventInput = z.input<typeof inputEvent>;
export type UpsertEvent = ProfileUpsertedEvent | JobUpsertedEvent;

export function entityTypeOf(type: InputEventType): EntityType {
  return type.startsWith('profile.') ? 'profile' : 'job';
}

export function isRemoval(event: InputEvent): event is ProfileDeletedEvent | JobClosedEvent {
  return event.type === 'profile.deleted' || event.type === 'job.closed';
}

/** The topic each entity type's events are published to. */
export function inputTopicFor(entityType: EntityType): string {
  return entityType === 'profile' ? TOPICS.profileEvents : TOPICS.jobEvents;
}
