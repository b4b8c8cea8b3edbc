import { Injectable, Logger } from '@nestjs/common';
import type { MatchRankingEvent } from '@matchstream/contracts';
import type { ConsumedRecord } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { EntityState } from '@matchstream/ranking';
import type { ApplyOutcome } from '@matchstream/ranking';
import { StateLock } from '../lock/state-lock';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { ChunkHandler } from '../consume/chunk-handler';
import { AppliedOffsets } from '../apply/applied-offsets';
import { ChunkApplier } from '../apply/chunk-applier';
import { RankingSettler } from './ranking-settler';
import { UnsettledSubjects } from './unsettled-subjects';

/** Work that follows every chunk within its turn of the lock (a handover waiting to complete). */
export type AfterChunk = () => Promise<unknown>;

/**
 * One chunk of entity-vector records through the flow: applied (ChunkApplier), then settled
 * (RankingSettler), then marked applied, so its offsets are committed only once its effects are
 * durable. Chunks run one at a time, whatever CONSUMER_PARTITIONS_CONCURRENTLY says: each chunk's
 * maintenance must see the state and rankings every earlier chunk left.
 *
 * Retry-safe: the subjects a chunk affected stay unsettled until published and stored; a retried
 * chunk finds its events already applied (duplicates) yet still settles them.
 */
@Injectable()
export class ChunkProcessor implements ChunkHandler {
  private readonly logger = new Logger(ChunkProcessor.name);
  private readonly after: AfterChunk[] = [];

  constructor(
    private readonly lock: StateLock,
    private readonly applier: ChunkApplier,
    private readonly unsettled: UnsettledSubjects,
    private readonly settler: RankingSettler,
    private readonly offsets: AppliedOffsets,
    private readonly ownership: PartitionOwnership,
    private readonly state: EntityState,
    private readonly metrics: MetricsService,
  ) {}

  /** Runs `work` after each chunk; its failure is logged, never the chunk's. */
  afterEachChunk(work: AfterChunk): void {
    this.after.push(work);
  }

  process(records: ConsumedRecord[], heartbeat?: () => Promise<void>): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.lock.runExclusive(() => this.processChunk(records), heartbeat);
  }

  private async processChunk(records: ConsumedRecord[]): Promise<void> {
    const { letters, outcomes, causes, touched } = this.applier.apply(records);
    // While a handover is in progress the rankings are maintained, not published: completing
    // the handover settles every one of them.
    if (this.ownership.phase === 'ready') this.unsettled.noteChunk(touched, causes);
    const { events } = await this.settler.settle(letters, 'live');
    this.offsets.markChunk(records);
    this.observe(records[0].topic, outcomes, letters.length, events);
    // The chunk itself is done: what follows must not fail it (its records would be retried).
    for (const work of this.after)
      await work().catch((error: unknown) => this.logger.warn(String(error)));
  }

  private observe(
    topic: string,
    outcomes: Record<ApplyOutcome, number>,
    deadLettered: number,
    rankingEvents: MatchRankingEvent[],
  ): void {
    this.metrics.countConsumed(topic, 'processed', outcomes.applied);
    this.metrics.countConsumed(topic, 'duplicate', outcomes.duplicate);
    this.metrics.countConsumed(topic, 'stale', outcomes.stale);
    this.metrics.countConsumed(topic, 'dead-lettered', deadLettered);
    for (const r of rankingEvents) {
      if (r.trigger === 'subject-changed' && r.matches.length) {
        this.metrics.matchTopScore.observe({ subject_type: r.subject.type }, r.matches[0].score);
      }
    }
    for (const [name, index] of [
      ['profiles', this.state.profileIndex],
      ['jobs', this.state.jobIndex],
    ] as const) {
      this.metrics.indexEntries.set({ index: name }, index.size);
      this.metrics.indexCapacity.set({ index: name }, index.capacity);
    }
    if (rankingEvents.length || deadLettered) {
      this.logger.debug(`published ${rankingEvents.length} rankings`);
    }
  }
}
