import { Injectable } from '@nestjs/common';
import { TOPICS, entityKey, parseEntityKey } from '@matchstream/contracts';
import type { MatchEvent, MatchRankingEvent, MatchRetractedEvent } from '@matchstream/contracts';
import { DeadLetterPublisher, EventPublisher } from '@matchstream/kafka';
import type { DeadLetter } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { EntityState, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import type { Cause } from '../apply/cause';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { rankingEvent, retractionEvent, sameRanking } from './ranking-events';
import { RankingStore } from './ranking.store';
import { UnsettledSubjects } from './unsettled-subjects';

/**
 * How a settle treats rankings: live (a chunk's changes), reconcile (after a handover: publish
 * what differs from the stored ranking), restore (Redis lost them: store every ranking, publish
 * only what differs from what this instance last stored).
 */
export type SettleMode = 'live' | 'reconcile' | 'restore';

/** Subjects settled together by settleAll. */
const SETTLE_SLICE = 2000;

export interface Settled {
  /** Every ranking event stored (those published among them). */
  events: MatchRankingEvent[];
  published: number;
  stored: number;
}

/**
 * Makes the unsettled subjects' rankings durable: publishes those that differ from the stored
 * ones (and retractions for subjects gone) with a chunk's dead letters, then stores them; the
 * served rankings (RankingStore) change only once stored, so they never run ahead of what was
 * published. Only the subjects this instance holds, and nothing of a rebalance that began
 * meanwhile. Call it within the state lock.
 */
@Injectable()
export class RankingSettler {
  constructor(
    private readonly state: EntityState,
    private readonly book: RankingBook,
    private readonly maintainer: RankingMaintainer,
    private readonly rankings: RankingStore,
    private readonly unsettled: UnsettledSubjects,
    private readonly publisher: EventPublisher,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: MetricsService,
    private readonly ownership: PartitionOwnership,
  ) {}

  /**
   * Settles every subject this instance holds against the stored rankings, a slice of subjects
   * at a time (after a bulk load that is every ranking: one Redis transaction and one set of
   * events each would not fit in memory). A failure leaves the rest to the retry, which finds
   * what was already published equal to what is stored.
   */
  async settleAll(
    causationEventId: string,
    mode: SettleMode,
  ): Promise<{ published: number; stored: number }> {
    const cause: Cause = { trigger: 'counterpart-changed', causationEventId };
    const keys = [...new Set([...this.book.keys(), ...this.rankings.keys()])];
    let published = 0;
    let stored = 0;
    for (let i = 0; i === 0 || i < keys.length; i += SETTLE_SLICE) {
      for (const key of keys.slice(i, i + SETTLE_SLICE)) this.unsettled.set(key, cause);
      const settled = await this.settle([], mode);
      published += settled.published;
      stored += settled.stored;
    }
    return { published, stored };
  }

  /**
   * Publishes and stores what the unsettled subjects owe, with `letters`; then they are settled.
   * Throws (and settles nothing) when any of it fails: the retry does it again.
   */
  async settle(letters: DeadLetter[], mode: SettleMode): Promise<Settled> {
    const epoch = this.ownership.epoch;
    // Chunks publish only while ready; completing a handover settles everything held anyway.
    if (mode === 'live' ? this.ownership.phase !== 'ready' : this.ownership.phase === 'fenced')
      this.unsettled.clear();
    const { retractions, toPublish, toStore } = this.rankingsOwed(mode);
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
    // The answers to a chunk's own events go in a small request of their own, beside the
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

  /** The events the unsettled subjects owe: their new rankings, and retractions. */
  private rankingsOwed(mode: SettleMode) {
    const retractions: MatchRetractedEvent[] = [];
    const toPublish: MatchRankingEvent[] = [];
    const toStore: MatchRankingEvent[] = [];
    const stopSearch = this.metrics.timeStage('search');
    for (const [key, cause] of this.unsettled.entries()) {
      const [type, id] = parseEntityKey(key);
      if (!this.ownership.holds(type, id)) continue;
      const entity = this.state.side(type).entities.get(id);
      const previous = this.rankings.get(type, id);
      const ranking = this.book.get(key);
      if (!entity || !ranking) {
        if (previous || cause.trigger === 'subject-removed') {
          const version = this.state.versionOf(type, id) ?? previous?.version ?? 0;
          retractions.push(retractionEvent({ type, id, version }, cause, previous));
        }
        continue;
      }
      // Most rankings a change touches move only in their reserve: compare before explaining.
      const top = ranking.entries.slice(0, this.book.k);
      const differs = !previous || !sameRanking(previous, top);
      if (!differs && cause.trigger !== 'subject-changed' && mode !== 'restore') continue;
      const event = rankingEvent(
        { type, id, version: entity.version, modelId: entity.modelId },
        this.maintainer.topMatches(key),
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
    return { retractions, toPublish, toStore };
  }
}
