import { matchEvent } from '@matchstream/contracts';
import type { ConsumedRecord } from '@matchstream/kafka';

/**
 * One match event as the stream relays it: what the filters look at, and its SSE frame, built
 * once and shared by every client it is written to.
 */
export interface StreamEntry {
  /** `partition:offset` on the matches topic: the SSE id a client resumes from. */
  id: string;
  schema: 'match.ranking' | 'match.retracted';
  subjectType: 'job' | 'profile';
  subjectId: string;
  /** Ranked and retracted counterparts. */
  counterpartIds: readonly string[];
  frame: string;
}

/** A valid match event record as an entry; null for anything else (it is never relayed). */
export function toStreamEntry(
  record: Pick<ConsumedRecord, 'partition' | 'offset' | 'value'>,
): StreamEntry | null {
  if (!record.value) return null;
  let value: unknown;
  try {
    value = JSON.parse(record.value.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = matchEvent.safeParse(value);
  if (!parsed.success) return null;
  const event = parsed.data;
  const id = `${record.partition}:${record.offset}`;
  const counterpartIds =
    event.schema === 'match.ranking'
      ? [...event.matches.map((m) => m.counterpartId), ...event.retracted]
      : event.retracted;
  return {
    id,
    schema: event.schema,
    subjectType: event.subject.type,
    subjectId: event.subject.id,
    counterpartIds,
    // The published JSON as it was (fields a newer producer added survive), on one line: an SSE
    // data field ends at a newline.
    frame: `id: ${id}\nevent: ${event.schema}\ndata: ${JSON.stringify(value)}\n\n`,
  };
}
