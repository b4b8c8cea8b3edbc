/**
 * Why an event could not be processed. Machine-readable: the dead-letter header
 * `x-dead-letter-reason` and the `reason` label of matchstream_dead_letters_total carry it.
 */
export const DEAD_LETTER_REASONS = [
  'empty-message',
  'oversized',
  'invalid-encoding',
  'malformed-json',
  'hostile-structure',
  'unknown-type',
  'unsupported-version',
  'schema-violation',
  'key-mismatch',
  'unembeddable-text',
  'processing-failed',
  /**
   * An entity vector from another model than the matching service's: vectors of two models are not
   * comparable, so one index never mixes them (a model switch re-embeds everything first).
   */
  'model-mismatch',
  /**
   * The consumer could not decompress or decode a record batch (corrupt bytes, a codec it lacks):
   * one dead letter per batch, keyless, its value the batch's compressed bytes when small enough.
   */
  'undecodable-record',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * A dead letter is the original message, bytes and key untouched, with these headers added.
 * Replaying one is publishing its value back to `x-dead-letter-source-topic` with its key.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  detail: 'x-dead-letter-detail',
  sourceTopic: 'x-dead-letter-source-topic',
  sourcePartition: 'x-dead-letter-source-partition',
  sourceOffset: 'x-dead-letter-source-offset',
  failedAt: 'x-dead-letter-failed-at',
  service: 'x-dead-letter-service',
} as const;
