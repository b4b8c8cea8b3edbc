import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT } from '@matchstream/kafka';
import { EntityState, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';
import { LOADED_SNAPSHOT } from '../snapshots/loaded-snapshot';
import type { LoadedSnapshot } from '../snapshots/loaded-snapshot';
import { AppliedOffsets } from '../apply/applied-offsets';
import { ChunkApplier } from '../apply/chunk-applier';
import { OwnershipService } from '../handover/ownership.service';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { replayCommittedState } from '../snapshots/state-replay';
import { RecoveryProgress } from './recovery-progress';

/** The consumer group through which this instance reads every partition of the vector topic. */
export function replicaGroupOf(config: MatchingServiceConfig): string {
  return `${config.MATCHING_CONSUMER_GROUP}.replica.${config.MATCHING_INSTANCE_ID}`;
}

/**
 * Brings the state from the loaded snapshot (the newest that proved itself, or none) up to the
 * offsets the replica group committed, by replaying the vector topic from where the snapshot ends
 * (from the start without one), reporting progress to readiness meanwhile.
 */
@Injectable()
export class StartupRecovery {
  private readonly logger = new Logger('recovery');

  constructor(
    @Inject(MATCHING_SERVICE_CONFIG) private readonly config: MatchingServiceConfig,
    @Inject(LOADED_SNAPSHOT) private readonly snapshot: LoadedSnapshot,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly applier: ChunkApplier,
    private readonly offsets: AppliedOffsets,
    private readonly ownershipService: OwnershipService,
    private readonly ownership: PartitionOwnership,
    private readonly maintainer: RankingMaintainer,
    private readonly book: RankingBook,
    private readonly state: EntityState,
    readonly progress: RecoveryProgress,
  ) {}

  async run(): Promise<void> {
    const started = Date.now();
    const { snapshot, applier, offsets, ownership, state } = this;
    const partitionCount = await this.ownershipService.partitionCount();
    ownership.configure(partitionCount, snapshotPartitions(snapshot, partitionCount));
    this.maintainer.rescope((type, id) => ownership.holds(type, id));
    const fromSnapshot = this.book.size;
    const from = new Map(
      Object.entries(snapshot?.offsets ?? {}).map(([p, o]) => [Number(p), BigInt(o)]),
    );
    for (const [partition, offset] of from) offsets.set(partition, offset);
    const source = snapshot ? `snapshot ${snapshot.name}` : 'the start (no usable snapshot)';
    this.progress.replaying(source, () => state.profiles.size + state.jobs.size);
    const { replayed, committed } = await replayCommittedState(
      this.kafka,
      replicaGroupOf(this.config),
      TOPICS.entityVectors,
      (records) => applier.replay(records),
      from,
      (done, atMost) => this.progress.progress(done, atMost),
    );
    for (const [partition, offset] of committed) offsets.advance(partition, offset);
    this.progress.joining();
    this.logger.log(
      `instance ${this.config.MATCHING_INSTANCE_ID} recovered ${state.profiles.size} profiles and ${state.jobs.size} jobs ` +
        `(from ${source}, ${replayed} records replayed from the log); ` +
        `${fromSnapshot} rankings from the snapshot (partitions [${ownership.held.join(', ')}] of ${partitionCount}); ` +
        `in ${Date.now() - started} ms; joining the group`,
    );
  }
}

/** The partitions whose rankings the snapshot holds (all, for a snapshot from before division). */
function snapshotPartitions(snapshot: LoadedSnapshot, partitionCount: number): number[] {
  const rankings = snapshot?.rankings;
  if (!rankings) return [];
  if (rankings.partitions === undefined) return [...Array(partitionCount).keys()];
  return rankings.partitionCount === partitionCount ? rankings.partitions : [];
}
