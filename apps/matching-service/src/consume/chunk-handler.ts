import type { ConsumedRecord } from '@matchstream/kafka';

/**
 * What the consumer hands each chunk of entity-vector records to (ChunkProcessor in `settle/`):
 * the promise settles once the chunk's effects are durable, and only then are its offsets
 * committed.
 */
export abstract class ChunkHandler {
  /** `heartbeat` keeps the consumer's group membership while the chunk waits for its turn. */
  abstract process(records: ConsumedRecord[], heartbeat?: () => Promise<void>): Promise<void>;
}
