import type { ConsumedRecord } from './consumed-record';
import type { UndecodableBatch } from './codecs/undecodable-batch';
import { undecodableBatchOf } from './codecs/undecodable-batch';

/** A run of records the consumer handles as one unit, then commits. */
export type RecordSegment =
  | { kind: 'records'; records: ConsumedRecord[] }
  | { kind: 'undecodable'; records: ConsumedRecord[]; batch: UndecodableBatch };

/**
 * Splits a partition's fetched records, in offset order, into chunks of at most `maxChunkSize`
 * decodable records and, between them, one segment per record batch kafkajs could not decode
 * (its placeholders), so each undecodable batch becomes one dead letter.
 */
export function recordSegments(records: ConsumedRecord[], maxChunkSize: number): RecordSegment[] {
  const segments: RecordSegment[] = [];
  let current: RecordSegment | null = null;
  for (const record of records) {
    const batch = undecodableBatchOf(record.headers);
    const fits = batch
      ? current?.kind === 'undecodable' && current.batch.firstOffset === batch.firstOffset
      : current?.kind === 'records' && current.records.length < maxChunkSize;
    if (current && fits) {
      current.records.push(record);
      continue;
    }
    current = batch
      ? { kind: 'undecodable', records: [record], batch }
      : { kind: 'records', records: [record] };
    segments.push(current);
  }
  return segments;
}
