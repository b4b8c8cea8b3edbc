import type { JobPayloadInput, ProfilePayloadInput } from '@matchstream/contracts';
import { inputEvent } from '@matchstream/testing';
import type { EnvelopeFields } from '@matchstream/testing';
import type { GeneratedEntity } from './load-generator';

/** A generated event happens now, from the bench, unless told otherwise. */
export interface EventOptions extends EnvelopeFields {
  eventId: string;
}

function generated(options: EventOptions): EnvelopeFields {
  return {
    ...options,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    source: options.source ?? 'bench',
  };
}

export function profileUpsertedEvent(
  entity: GeneratedEntity<ProfilePayloadInput>,
  options: EventOptions,
) {
  return inputEvent('profile.upserted', entity.id, entity.payload, generated(options));
}

export function jobUpsertedEvent(entity: GeneratedEntity<JobPayloadInput>, options: EventOptions) {
  return inputEvent('job.upserted', entity.id, entity.payload, generated(options));
}
