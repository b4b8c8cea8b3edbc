import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { EntityState, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';
import { LOADED_SNAPSHOT } from '../snapshots/loaded-snapshot';
import type { LoadedSnapshot } from '../snapshots/loaded-snapshot';
import { AppliedOffsets } from '../apply/applied-offsets';
import { ChunkApplier } from '../apply/chunk-applier';
import { OwnershipService } from '../handover/ownership.service';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { LoadProgress } from '../apply/load-progress';
import { commitReplicaOffsets, replayBounds, replayVectorTopic } from '../snapshots/state-replay';
import type { ReplayBounds } from '../snapshots/state-replay';
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
    private readonly metrics: MetricsService,
    readonly progress: RecoveryProgress,
  ) {}

  async run(): Promise<void> {
    const started = Date.now();
    const { snapshot, applier, offsets, ownership, state, kafka } = this;
    const partitionCount = await this.ownershipService.partitionCount();
    ownership.configure(partitionCount, snapshotPartitions(snapshot, partitionCount));
    this.maintainer.rescope((type, id) => ownership.holds(type, id));
    const fromSnapshot = this.book.size;
    const from = new Map(
      Object.entries(snapshot?.offsets ?? {}).map(([p, o]) => [Number(p), BigInt(o)]),
    );
    for (const [partition, offset] of from) offsets.set(partition, offset);
    const group = replicaGroupOf(this.config);
    const bounds = await replayBounds(kafka, group, TOPICS.entityVectors);
    const backlog = recordsBehind(bounds, from);
    const bulk = backlog > 0 && backlog >= this.config.MATCHING_BULK_LOAD_MIN_RECORDS;
    const mode = bulk ? 'bulk' : 'replay';
    const source = snapshot ? `snapshot ${snapshot.name}` : 'the start (no usable snapshot)';
    this.progress.replaying(source, () => state.profiles.size + state.jobs.size, bulk);
    const load = new LoadProgress(
      this.logger,
      bulk ? `bulk load from ${source} to the log end` : `replay from ${source}`,
      'records',
      (done, expected) => {
        this.progress.progress(done, expected);
        this.metrics.loadRecords.set({ state: 'done', mode }, done);
        this.metrics.loadRecords.set({ state: 'expected', mode }, expected);
      },
    );
    // A bulk load reads to the log end and maintains nothing on the way: every ranking is then
    // computed from scratch, in one pass, by the first handover, and published once.
    const replayed = await replayVectorTopic(
      kafka,
      group,
      TOPICS.entityVectors,
      bulk ? (records) => applier.load(records) : (records) => applier.replay(records),
      from,
      bulk ? bounds.ends : bounds.committed,
      bounds.starts,
      (done, atMost) => load.update(done, atMost),
    );
    const loaded = load.finish(replayed);
    for (const [partition, offset] of bounds.committed) offsets.advance(partition, offset);
    if (bulk) {
      this.maintainer.dropAll();
      for (const [partition, end] of bounds.ends) offsets.advance(partition, end);
      // The state now holds the log up to its end; the consumer resumes there. Nothing is owed
      // that a restart would not find: the state is the log, and every handover settles every
      // ranking against Redis.
      await commitReplicaOffsets(kafka, group, TOPICS.entityVectors, bounds.ends);
    }
    this.progress.joining();
    this.logger.log(
      `instance ${this.config.MATCHING_INSTANCE_ID} recovered ${state.profiles.size} profiles and ${state.jobs.size} jobs ` +
        `(from ${source}, ${bulk ? 'bulk load: ' : ''}${loaded} from the log); ` +
        (bulk
          ? 'every ranking is computed at the first handover'
          : `${fromSnapshot} rankings from the snapshot (partitions [${ownership.held.join(', ')}] of ${partitionCount})`) +
        `; in ${Date.now() - started} ms; joining the group`,
    );
  }
}

/** Records between the state (a snapshot's offsets, else the log start) and the log end. */
function recordsBehind(bounds: ReplayBounds, from: ReadonlyMap<number, bigint>): number {
  let behind = 0n;
  for (const [partition, end] of bounds.ends) {
    const start = from.get(partition) ?? bounds.starts.get(partition) ?? 0n;
    if (end > start) behind += end - start;
  }
  return Number(behind);
}

/** The partitions whose rankings the snapshot holds (all, for a snapshot from before division). */
function snapshotPartitions(snapshot: LoadedSnapshot, partitionCount: number): number[] {
  const rankings = snapshot?.rankings;
  if (!rankings) return [];
  if (rankings.partitions === undefined) return [...Array(partitionCount).keys()];
  return rankings.partitionCount === partitionCount ? rankings.partitions : [];
}
