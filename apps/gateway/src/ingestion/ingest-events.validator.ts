import { LIMITS, entityTypeOf, inputEvent, validateInputEvent } from '@matchstream/contracts';
import type { DeadLetterReason, EntityType, InputEvent } from '@matchstream/contracts';

/** The most events one batch request may carry. */
export const MAX_BATCH_EVENTS = 500;

export interface IngestIssue {
  path: string;
  message: string;
}

/** Why one posted event was refused: the contract's reasons, plus the route's own. */
export interface IngestError {
  index: number;
  eventId?: string;
  reason: DeadLetterReason | 'wrong-entity-type';
  detail: string;
  issues?: IngestIssue[];
}

export interface ValidEvent {
  index: number;
  event: InputEvent;
  /** What is produced: the posted JSON re-serialized, not the parsed (defaults-filled) value. */
  value: string;
}

/**
 * Validates posted events with the same contract the Kafka consumers apply, so an event the
 * gateway accepts is never dead-lettered downstream for its shape. Every problem of every item is
 * reported, so a client fixes a batch in one round trip.
 */
export function validateIngestEvents(
  items: readonly unknown[],
  entityType: EntityType,
): { valid: ValidEvent[]; errors: IngestError[] } {
  const valid: ValidEvent[] = [];
  const errors: IngestError[] = [];
  items.forEach((item, index) => {
    const eventId = eventIdOf(item);
    const value = JSON.stringify(item);
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > LIMITS.maxEventBytes) {
      errors.push({
        index,
        eventId,
        reason: 'oversized',
        detail: `event is ${bytes} bytes; the limit is ${LIMITS.maxEventBytes}`,
      });
      return;
    }
    const result = validateInputEvent(item);
    if (!result.ok) {
      const error: IngestError = { index, eventId, reason: result.reason, detail: result.detail };
      if (result.reason === 'schema-violation') {
        // validateInputEvent's detail is bounded for dead-letter headers; HTTP lists them all.
        const parsed = inputEvent.safeParse(item);
        if (!parsed.success) {
          error.issues = parsed.error.issues.map((i) => ({
            path: i.path.map(String).join('.'),
            message: i.message,
          }));
        }
      }
      errors.push(error);
      return;
    }
    const actual = entityTypeOf(result.event.type);
    if (actual !== entityType) {
      errors.push({
        index,
        eventId,
        reason: 'wrong-entity-type',
        detail: `a ${result.event.type} event belongs on /v1/events/${actual}s, not /v1/events/${entityType}s`,
      });
      return;
    }
    valid.push({ index, event: result.event, value });
  });
  return { valid, errors };
}

function eventIdOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const id = (item as { eventId?: unknown }).eventId;
  return typeof id === 'string' && id.length <= LIMITS.idLength ? id : undefined;
}
