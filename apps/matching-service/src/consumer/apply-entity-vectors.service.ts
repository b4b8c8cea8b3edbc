import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TOPICS, decodeVector, entityKey, parseEntityKey } from '@matchstream/contracts';
import type {
  EntityType,
  EntityVectorEvent,
  MatchEvent,
  MatchRankingEvent,
  MatchRetractedEvent,
} from '@matchstream/contracts';
import { DeadLetterPublisher, EventPublisher } from '@matchstream/kafka';
import type { ConsumedRecord, DeadLetter } from '@matchstream/kafka';
import type { MaintainedRanking } from '@matchstream/matching';
import { MetricsService } from '@matchstream/observability';
import { EntityState, RankingMaintainer } from '@matchstream/ranking';
import type { ApplyOutcome } from '@matchstream/ranking';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';
import { RankingStore } from '../ranking/ranking.store';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { decodeEntityVector } from './entity-vector.decoder';
import { rankingEvent, retractionEvent, sameRanking } from '../ranking/ranking-events';
import type { Cause } from '../ranking/ranking-events';

/**
 * How a settle treats rankings: live (a chunk's changes), reconcile (after a handover: publish
 * what differs from the stored ranking), restore (Redis lost them: store every ranking, publish
 * only what differs from what this instance last stored).
 */
type SettleMode = 'live' | 'reconcile' | 'restore';

/**
 * The matching use case for one chunk of entity-vector records: apply each change to the state
 * (idempotently, by version), bring every affected ranking up to date (RankingMaintainer: exact,
 * both directions), then publish and store what changed.
 *
 * Retry-safe: the subjects a chunk affected stay "unsettled" until their rankings are both
 * published and stored. A chunk retried after any failure (Redis, broker) finds its events
 * already applied (duplicates) yet still settles every unsettled subject, comparing the
 * maintained ranking with the last stored one; nothing is marked applied before its effects are
 * durable. The served rankings (RankingStore) change only once stored, so they never run ahead of
 * what was published.
 *
 * Several instances divide the subjects (PartitionOwnership): each applies every change, but
 * keeps, publishes and stores the rankings of its own subjects only, and none while a handover is
 * in progress (`handover` and `completeHandover` bring the gained subjects up to date first).
 */
@Injectable()
export class ApplyEntityVectorsService {
  private readonly logger = new Logger(ApplyEntityVectorsService.name);
  /** Next offset per partition whose effects are durable: what a snapshot covers. */
  readonly appliedOffsets = new Map<number, bigint>();
  /** Subjects whose maintained ranking may differ from the stored one, with why. */
  private readonly unsettled = new Map<string, Cause>();
  /** Chunks in progress: no snapshot while > 0. */
  private inFlight = 0;
  /** The chunk in progress (settled), which the next one waits for. */
  private previousChunk: Promise<unknown> = Promise.resolve();

  /** Between chunks with every effect durable: what a snapshot may capture. */
  get isIdle(): boolean {
    return this.inFlight === 0 && this.isSettled;
  }

  /** No subject's ranking awaits publication (a failure leaves some until its retry). */
  get isSettled(): boolean {
    return this.unsettled.size === 0;
  }

  constructor(
    private readonly state: EntityState,
    private readonly maintainer: RankingMaintainer,
    private readonly rankings: RankingStore,
    private readonly publisher: EventPublisher,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: MetricsService,
    private readonly ownership: PartitionOwnership,
    @Inject(MATCHING_SERVICE_CONFIG)
    private readonly config: Pick<MatchingServiceConfig, 'EMBEDDING_MODEL_ID'>,
  ) {}

  /** Partitions whose stored rankings' summaries are in memory. */
  private readonly summarised = new Set<number>();

  /**
   * Start-up replay up to the committed offsets: applies state and maintains rankings exactly as
   * live processing does, but publishes nothing (those effects were made durable before the
   * offsets were committed; `reconcile` settles any difference afterwards).
   */
  replay(records: ConsumedRecord[]): void {
    const changed = new Set<string>();
    for (const record of records) {
      const decoded = decodeEntityVector(record, this.config.EMBEDDING_MODEL_ID);
      if ('letter' in decoded) continue;
      const { event } = decoded;
      if (this.applyToState(event) === 'applied')
        changed.add(entityKey(event.entityType, event.entityId));
    }
    this.maintainer.apply(changed);
    this.markApplied(records);
  }

  /**
   * The group assigned these partitions (`ends`: the log-end offsets read after the assignment).
   * Rankings of subjects lost are dropped, those of subjects gained computed from the current
   * state; publishing waits until the state has caught up with `ends` (completeHandover).
   */
  handover(partitions: readonly number[], ends: ReadonlyMap<number, bigint>): Promise<void> {
    return this.runExclusive(async () => {
      const { lost, gained } = this.ownership.assign(partitions, ends);
      const holds = (type: EntityType, id: string) => this.ownership.holds(type, id);
      const dropped = this.maintainer.rescope(holds);
      for (const p of lost) this.summarised.delete(p);
      this.rankings.forget((key) => holds(...parseEntityKey(key)));
      const created = this.maintainer.fillMissing();
      this.metrics.ownedPartitions.set(partitions.length);
      this.logger.log(
        `assigned [${partitions.join(', ')}] (gained [${gained.join(', ')}], lost [${lost.join(', ')}]): ` +
          `${dropped.length} rankings dropped, ${created} computed; publishing once caught up`,
      );
      await this.completeHandoverIfCaughtUp();
    });
  }

  /** Completes a handover whose catching up is done (see completeHandoverIfCaughtUp). */
  tryCompleteHandover(): Promise<number> {
    return this.runExclusive(() => this.completeHandoverIfCaughtUp());
  }

  /**
   * Once the state has caught up with the log as of the assignment: every subject this instance
   * holds is settled against the stored rankings (loaded from Redis for the partitions gained):
   * what differs or is missing is published and stored; then publishing goes on chunk by chunk.
   * Returns how many rankings were published (-1: not caught up yet).
   */
  private async completeHandoverIfCaughtUp(): Promise<number> {
    if (!this.ownership.caughtUp((p) => this.appliedOffsets.get(p))) return -1;
    const epoch = this.ownership.epoch;
    const unsummarised = this.ownership.held.filter((p) => !this.summarised.has(p));
    let loaded = 0;
    if (unsummarised.length) {
      const wanted = new Set(unsummarised);
      loaded = await this.rankings.load((key) =>
        wanted.has(this.ownership.partitionOf(...parseEntityKey(key))),
      );
    }
    // Summaries kept in memory may describe rankings Redis lost (it restarted empty); those just
    // loaded are what Redis holds.
    const kept = this.ownership.held.length > unsummarised.length;
    const mode: SettleMode = kept && !(await this.rankings.isPresent()) ? 'restore' : 'reconcile';
    if (epoch !== this.ownership.epoch) return -1; // another rebalance began meanwhile
    for (const p of unsummarised) this.summarised.add(p);
    const { published, stored } = await this.settleAll(`handover:${randomUUID()}`, mode);
    await this.rankings.markPresent();
    if (epoch !== this.ownership.epoch) return -1;
    this.ownership.markReady();
    const seconds = (Date.now() - this.ownership.assignedAt) / 1000;
    this.metrics.handoverDuration.observe(seconds);
    this.logger.log(
      `ready for [${this.ownership.held.join(', ')}] after ${seconds.toFixed(1)} s: ` +
        `${loaded} stored rankings loaded, ${published} published, ${stored - published} stored only (${mode})`,
    );
    return published;
  }

  /**
   * Redis restarted empty (checked on each reconnect): every ranking this instance owns is
   * written back. Returns how many (0 when Redis still had them).
   */
  restoreIfLost(): Promise<number> {
    return this.runExclusive(async () => {
      if (this.ownership.phase !== 'ready' || (await this.rankings.isPresent())) return 0;
      const { stored } = await this.settleAll(`restore:${randomUUID()}`, 'restore');
      await this.rankings.markPresent();
      return stored;
    });
  }

  /**
   * Repairs what a consistency audit found (call it within runExclusive): each differing
   * subject's maintained ranking is replaced by the fresh one and published and stored again,
   * whatever this instance remembers of it; an orphan (a stored ranking of a subject gone) is
   * retracted. Nothing while a handover or a failed chunk is pending (those settle anyway).
   * Returns how many events were published.
   */
  async repair(fresh: ReadonlyMap<string, MaintainedRanking | null>, orphans: string[]) {
    if (this.ownership.phase !== 'ready' || !this.isSettled) return 0;
    const causationEventId = `repair:${randomUUID()}`;
    for (const [key, ranking] of fresh) {
      if (ranking) this.maintainer.book.set(key, ranking);
      else this.maintainer.book.delete(key);
      this.rankings.forgetSubject(key);
      this.unsettled.set(key, { trigger: 'counterpart-changed', causationEventId });
    }
    for (const key of orphans)
      this.unsettled.set(key, { trigger: 'subject-removed', causationEventId });
    const { published } = await this.settle([], 'live');
    return published + orphans.length;
  }

  /** Settles every subject this instance holds against the stored rankings. */
  private settleAll(causationEventId: string, mode: SettleMode) {
    const cause: Cause = { trigger: 'counterpart-changed', causationEventId };
    for (const key of this.maintainer.book.keys()) this.unsettled.set(key, cause);
    for (const key of this.rankings.keys()) this.unsettled.set(key, cause);
    return this.settle([], mode);
  }

  /**
   * Chunks are processed one at a time, whatever CONSUMER_PARTITIONS_CONCURRENTLY says: each
   * chunk's maintenance must see the state and rankings every earlier chunk left.
   */
  process(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.runExclusive(() => this.processChunk(records));
  }

  /** Runs work between chunks (no chunk interleaves with it). */
  async runExclusive<T>(work: () => Promise<T> | T): Promise<T> {
    this.inFlight++;
    const turn = this.previousChunk.then(work);
    this.previousChunk = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      this.inFlight--;
    }
  }

  private async processChunk(records: ConsumedRecord[]): Promise<void> {
    const topic = records[0].topic;
    const letters: DeadLetter[] = [];
    const outcomes: Record<ApplyOutcome, number> = { applied: 0, duplicate: 0, stale: 0 };
    const causes = new Map<string, Cause>();

    const stopIndex = this.metrics.timeStage('index');
    for (const record of records) {
      const decoded = decodeEntityVector(record, this.config.EMBEDDING_MODEL_ID);
      if ('letter' in decoded) {
        // Every instance reads every record; the owner of its partition dead-letters it.
        if (this.ownership.holdsPartition(record.partition)) letters.push(decoded.letter);
        continue;
      }
      const { event } = decoded;
      const outcome = this.applyToState(event);
      outcomes[outcome]++;
      if (outcome !== 'applied') continue;
      const removed = event.type === 'entity.removed';
      causes.set(entityKey(event.entityType, event.entityId), {
        trigger: removed ? 'subject-removed' : 'subject-changed',
        causationEventId: event.sourceEventId,
        occurredAt: event.occurredAt,
      });
    }
    stopIndex();

    const stopSearch = this.metrics.timeStage('search');
    const touched = this.maintainer.apply(causes.keys());
    stopSearch();
    const publishing = this.ownership.phase === 'ready';
    for (const [key, by] of touched) {
      // While a handover is in progress the rankings are maintained, not published: completing
      // the handover settles every one of them.
      if (!publishing) break;
      const own = causes.get(key);
      const cause: Cause = own ?? {
        trigger:
          causes.get(by)?.trigger === 'subject-removed'
            ? 'counterpart-removed'
            : 'counterpart-changed',
        causationEventId: causes.get(by)?.causationEventId ?? '',
      };
      // A subject's own change is the cause that wins over a counterpart's.
      const pending = this.unsettled.get(key);
      if (
        !pending ||
        own ||
        (pending.trigger !== 'subject-changed' && pending.trigger !== 'subject-removed')
      )
        this.unsettled.set(key, cause);
    }

    const { events } = await this.settle(letters, 'live');
    this.markApplied(records);
    this.observe(topic, outcomes, letters.length, events);
    // The chunk itself is done: a handover that cannot complete yet must not fail it (its
    // records would be retried, or dead-lettered); the ownership service retries it.
    await this.completeHandoverIfCaughtUp().catch((error: unknown) =>
      this.logger.warn(`handover not completed yet: ${String(error)}`),
    );
  }

  /**
   * Publishes and stores the rankings of every unsettled subject that differ from the stored
   * ones (and retractions for subjects gone), with the chunk's dead letters; then the subjects
   * are settled. Throws (and settles nothing) when any of it fails: the retry does it again.
   */
  private async settle(
    letters: DeadLetter[],
    mode: SettleMode,
  ): Promise<{ events: MatchRankingEvent[]; published: number; stored: number }> {
    const epoch = this.ownership.epoch;
    // Chunks publish only while ready; completing a handover settles everything held anyway.
    if (mode === 'live' ? this.ownership.phase !== 'ready' : this.ownership.phase === 'fenced')
      this.unsettled.clear();
    const retractions: MatchRetractedEvent[] = [];
    const toPublish: MatchRankingEvent[] = [];
    const toStore: MatchRankingEvent[] = [];
    const stopSearch = this.metrics.timeStage('search');
    for (const [key, cause] of this.unsettled) {
      const [type, id] = parseEntityKey(key);
      if (!this.ownership.holds(type, id)) continue;
      const entity = this.state.side(type).entities.get(id);
      const previous = this.rankings.get(type, id);
      if (!entity || !this.maintainer.book.get(key)) {
        if (previous || cause.trigger === 'subject-removed') {
          const version = this.state.versionOf(type, id) ?? previous?.version ?? 0;
          retractions.push(retractionEvent({ type, id, version }, cause, previous));
        }
        continue;
      }
      // Most rankings a change touches move only in their reserve: compare before explaining.
      const top = this.maintainer.book.get(key)!.entries.slice(0, this.maintainer.book.k);
      const differs = !previous || !sameRanking(previous, top);
      if (!differs && cause.trigger !== 'subject-changed' && mode !== 'restore') continue;
      const matches = this.maintainer.topMatches(key);
      const event = rankingEvent(
        { type, id, version: entity.version, modelId: entity.modelId },
        matches,
        cause,
        previous,
        this.state.indexVersion,
      );
      if (cause.occurredAt && cause.trigger === 'subject-changed') {
        const seconds = (Date.now() - Date.parse(cause.occurredAt)) / 1000;
        this.metrics.endToEnd.observe({ subject_type: type }, seconds);
      }
      toStore.push(event);
      if (differs || cause.trigger === 'subject-changed') toPublish.push(event);
    }
    stopSearch();
    // A rebalance began while this was computed: the subjects may be another instance's now
    // (its handover settles them); only the dead letters still go out.
    if (epoch !== this.ownership.epoch) {
      retractions.length = toPublish.length = toStore.length = 0;
    }

    const stopPublish = this.metrics.timeStage('publish');
    const serialised = new Map<MatchEvent, string>(
      [...retractions, ...toStore].map((e) => [e, JSON.stringify(e)]),
    );
    const toMessages = (events: MatchEvent[]) =>
      events.map((e) => ({
        key: entityKey(e.subject.type, e.subject.id),
        value: serialised.get(e)!,
        headers: { 'x-event-id': e.eventId, 'x-causation-id': e.causationEventId },
      }));
    // The answers to this chunk's own events go in a small request of their own, beside the
    // (often much larger) batch of counterparts' updated rankings: waiting subscribers get them
    // sooner. No key is in both, so per-key order is unaffected; both are acknowledged before
    // the chunk's offsets are committed.
    const answers = toPublish.filter((e) => e.trigger === 'subject-changed');
    const updates = toPublish.filter((e) => e.trigger !== 'subject-changed');
    await Promise.all([
      this.publisher.publish(TOPICS.matches, toMessages([...retractions, ...answers])),
      this.publisher.publish(TOPICS.matches, toMessages(updates)),
    ]);
    await this.deadLetters.publish(letters);
    stopPublish();

    const stopStore = this.metrics.timeStage('store');
    await this.rankings.replace(
      retractions.map((r) => r.subject),
      toStore.map((ranking) => ({ ranking, json: serialised.get(ranking)! })),
    );
    stopStore();
    this.unsettled.clear();
    return { events: toStore, published: toPublish.length, stored: toStore.length };
  }

  private markApplied(records: ConsumedRecord[]): void {
    const last = records.at(-1);
    if (last) this.appliedOffsets.set(last.partition, BigInt(last.offset) + 1n);
  }

  private applyToState(event: EntityVectorEvent): ApplyOutcome {
    if (event.type === 'entity.removed')
      return this.state.remove(event.entityType, event.entityId, event.entityVersion);
    const vector = decodeVector(event.vector, event.dimension);
    const base = { id: event.entityId, version: event.entityVersion, modelId: event.modelId };
    return event.entityType === 'profile'
      ? this.state.upsertProfile({ ...base, document: event.document }, vector)
      : this.state.upsertJob({ ...base, document: event.document }, vector);
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
