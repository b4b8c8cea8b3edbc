import { Injectable } from '@nestjs/common';
import type { ConsumedRecord } from '@matchstream/kafka';

/**
 * The next offset per partition of the vector topic whose effects are durable: what a snapshot
 * covers and how far a handover has caught up.
 */
@Injectable()
export class AppliedOffsets {
  private readonly next = new Map<number, bigint>();

  get(partition: number): bigint | undefined {
    return this.next.get(partition);
  }

  set(partition: number, offset: bigint): void {
    this.next.set(partition, offset);
  }

  /** Moves a partition forward to `offset`, never back. */
  advance(partition: number, offset: bigint): void {
    if ((this.next.get(partition) ?? -1n) < offset) this.next.set(partition, offset);
  }

  /** The records of a chunk (one partition's, in order) are done. */
  markChunk(records: readonly ConsumedRecord[]): void {
    const last = records.at(-1);
    if (last) this.next.set(last.partition, BigInt(last.offset) + 1n);
  }

  entries(): IterableIterator<[number, bigint]> {
    return this.next.entries();
  }
}
