import { entityKey } from '@matchstream/contracts';
import { Partitioners } from 'kafkajs';
import type { EntityType } from '@matchstream/contracts';

/**
 * fenced: a rebalance began (or none has ended yet): publish nothing; catching-up: partitions are
 * assigned, but the state has not yet reached the log's end as of the assignment; ready.
 */
export type OwnershipPhase = 'fenced' | 'catching-up' | 'ready';

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition a subject's own events land on (the Java client's and kafkajs's default
 * partitioner: murmur2 of the key `type:id`): the instance that owns it owns the subject.
 */
export function partitionOfSubject(type: EntityType, id: string, partitions: number): number {
  return partitioner({
    topic: 'entity-vectors',
    partitionMetadata: PARTITION_METADATA(partitions),
    message: { key: entityKey(type, id), value: null },
  });
}

const metadataCache = new Map<number, { partitionId: number; leader: number }[]>();
function PARTITION_METADATA(partitions: number) {
  let metadata = metadataCache.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
    }));
    metadataCache.set(partitions, metadata);
  }
  return metadata as never;
}

/**
 * Which subjects this instance keeps rankings for and may publish, as the consumer group divides
 * the vector topic's partitions between the instances. Pure: the group membership feeds it.
 *
 * Handover rule: after an assignment, nothing is published until this instance's state has caught
 * up with the end of the log as of that moment (every partition, since any counterpart can affect
 * a ranking); the previous owner stopped publishing when the rebalance began, so the new owner's
 * first rankings are never older than the last ones the previous owner published.
 */
export class PartitionOwnership {
  private heldPartitions: ReadonlySet<number> = new Set();
  private partitions = 0;
  private phaseValue: OwnershipPhase = 'fenced';
  private targets = new Map<number, bigint>();
  /** Bumped by every fence and assignment: work that began under another epoch must not publish. */
  epoch = 0;
  assignedAt = 0;
  /** Whether a handover ever completed (the instance is ready to serve only after the first). */
  everReady = false;

  /**
   * At start-up, once the topic's partition count is known; `provisional` are the partitions held
   * until the group's first assignment (those of the snapshot this instance started from).
   */
  configure(partitionCount: number, provisional: Iterable<number> = []): this {
    this.partitions = partitionCount;
    this.heldPartitions = new Set([...provisional].filter((p) => p < partitionCount));
    return this;
  }

  get partitionCount(): number {
    return this.partitions;
  }

  get phase(): OwnershipPhase {
    return this.phaseValue;
  }

  get held(): number[] {
    return [...this.heldPartitions].sort((a, b) => a - b);
  }

  /** Positions still to reach before the assigned partitions become ready. */
  get pendingTargets(): ReadonlyMap<number, bigint> {
    return this.targets;
  }

  partitionOf(type: EntityType, id: string): number {
    if (this.partitions === 0) throw new Error('partition ownership is not configured');
    return partitionOfSubject(type, id, this.partitions);
  }

  /** Whether this instance keeps the subject's ranking (assigned to it, ready or not). */
  holds(type: EntityType, id: string): boolean {
    return this.heldPartitions.has(this.partitionOf(type, id));
  }

  holdsPartition(partition: number): boolean {
    return this.heldPartitions.has(partition);
  }

  /** Whether this instance may publish the subject's ranking now. */
  publishes(type: EntityType, id: string): boolean {
    return this.phaseValue === 'ready' && this.holds(type, id);
  }

  /** A rebalance began: stop publishing at once. */
  fence(): void {
    this.phaseValue = 'fenced';
    this.epoch++;
  }

  /**
   * The group assigned these partitions; `ends` are the log-end offsets read after the
   * assignment. Returns the partitions lost and gained.
   */
  assign(
    partitions: readonly number[],
    ends: ReadonlyMap<number, bigint>,
    now = Date.now(),
  ): { lost: number[]; gained: number[] } {
    const next = new Set(partitions);
    const lost = [...this.heldPartitions].filter((p) => !next.has(p));
    const gained = [...next].filter((p) => !this.heldPartitions.has(p));
    this.heldPartitions = next;
    this.targets = new Map(ends);
    this.phaseValue = 'catching-up';
    this.epoch++;
    this.assignedAt = now;
    return { lost, gained };
  }

  /**
   * While catching up: whether the state has reached every target (`position` is the next
   * offset whose effects this instance has applied, per partition).
   */
  caughtUp(position: (partition: number) => bigint | undefined): boolean {
    if (this.phaseValue !== 'catching-up') return false;
    for (const [partition, target] of this.targets) {
      if ((position(partition) ?? -1n) < target) return false;
    }
    return true;
  }

  /** Caught up and reconciled: publish from now on. */
  markReady(): void {
    this.phaseValue = 'ready';
    this.everReady = true;
    this.targets = new Map();
  }
}
