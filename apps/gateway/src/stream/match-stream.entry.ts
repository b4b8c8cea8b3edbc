import { matchEvent } from '@matchstream/contracts';
import type { StreamDisplay } from '@matchstream/contracts';
import type { ConsumedRecord } from '@matchstream/kafka';

/** A valid match event read off the matches topic, before the relay gives it its frame. */
export interface MatchRecord {
  /** `partition:offset` on the matches topic: the SSE id a client resumes from. */
  id: string;
  schema: 'match.ranking' | 'match.retracted';
  subjectType: 'job' | 'profile';
  subjectId: string;
  /** Ranked and retracted counterparts. */
  counterpartIds: readonly string[];
  /** The published JSON as it was: fields a newer producer added survive the relay. */
  value: Record<string, unknown>;
}

/**
 * One match event as the stream relays it: what the filters look at, and its SSE frame, built
 * once and shared by every client it is written to.
 */
export interface StreamEntry {
  id: string;
  schema: MatchRecord['schema'];
  subjectType: MatchRecord['subjectType'];
  subjectId: string;
  counterpartIds: readonly string[];
  frame: string;
}

/** A valid match event record; null for anything else (it is never relayed). */
export function parseMatchRecord(
  record: Pick<ConsumedRecord, 'partition' | 'offset' | 'value'>,
): MatchRecord | null {
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
  return {
    id: `${record.partition}:${record.offset}`,
    schema: event.schema,
    subjectType: event.subject.type,
    subjectId: event.subject.id,
    counterpartIds:
      event.schema === 'match.ranking'
        ? [...event.matches.map((m) => m.counterpartId), ...event.retracted]
        : event.retracted,
    value: value as Record<string, unknown>,
  };
}

/**
 * The entry for a record, its display fields (when any are known) added to the published JSON.
 * The frame is one line of data: an SSE data field ends at a newline.
 */
export function toStreamEntry(match: MatchRecord, display?: StreamDisplay): StreamEntry {
  const data = display ? { ...match.value, display } : match.value;
  return {
    id: match.id,
    schema: match.schema,
    subjectType: match.subjectType,
    subjectId: match.subjectId,
    counterpartIds: match.counterpartIds,
    frame: `id: ${match.id}\nevent: ${match.schema}\ndata: ${JSON.stringify(data)}\n\n`,
  };
}
