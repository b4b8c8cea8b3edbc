import { decodeVector } from '@matchstream/contracts';
import type { EntityVectorEvent } from '@matchstream/contracts';
import type { ApplyOutcome, EntityState } from '@matchstream/ranking';

/** One decoded change applied to the state, if its version is newer than the one held. */
export function applyToState(state: EntityState, event: EntityVectorEvent): ApplyOutcome {
  if (event.type === 'entity.removed')
    return state.remove(event.entityType, event.entityId, event.entityVersion);
  const vector = decodeVector(event.vector, event.dimension);
  const base = { id: event.entityId, version: event.entityVersion, modelId: event.modelId };
  return event.entityType === 'profile'
    ? state.upsertProfile({ ...base, document: event.document }, vector)
    : state.upsertJob({ ...base, document: event.document }, vector);
}
