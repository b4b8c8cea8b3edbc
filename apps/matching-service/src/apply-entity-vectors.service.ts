import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TOPICS, decodeVector, entityVectorEvent, formatIssues } from '@matchstream/contracts';
import type {
  EntityType,
  EntityVectorEvent,
  MatchEvent,
  MatchRankingEvent,
  MatchRetractedEvent,
  RankedMatch,
} from '@matchstream/contracts';
import { DeadLetterPublisher, EventPublisher } from '@matchstream/kafka';
import { foldIntoRanking, toRankedMatches } from '@matchstream/matching';
import type { ScoredCounterpart } from '@matchstream/matching';
import type { ConsumedRecord, DeadLetter } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { ChunkRankings, splitKey } from './chunk-rankings';
import type { Cause } from './chunk-rankings';
import type { ApplyOutcome } from './entity-state';
import { EntityState } from './entity-state';
import { MatchEngine } from './match-engine';
import { RankingStore } from './ranking.store';

/**
 * The matching use case for one chunk of entity-vector records: apply each change to the indexes
 * (idempotently, by version), then update every ranking it may change — the subject's own (one
 * search of its candidate pool) and its counterparts' (the counterparts in that pool, and those
 * whose ranking lists it): each counterpart's ranking is folded incrementally with the pair's new
 * score, and searched again only when that cannot be exact (an entry left a full list). Changed
 * rankings are published; retractions go out for removed subjects.
 */
@Injectable()
export class ApplyEntityVectorsService {
  private readonly logger = new Logger(ApplyEntityVectorsService.name);
  /** Next offset per partition whose effects are in the state: what a snapshot covers. */
  readonly appliedOffsets = new Map<number, bigint>();
  /** Chunks between applying state and publishing their events: no snapshot while > 0. */
  private inFlight = 0;
  /** The chunk in progress (settled), which the next one waits for. */
  private previousChunk: Promise<unknown> = Promise.resolve();

  get isIdle(): boolean {
    return this.inFlight === 0;
  }

  constructor(
    private readonly state: EntityState,
    private readonly engine: MatchEngine,
    private readonly rankings: RankingStore,
    private readonly publisher: EventPublisher,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: MetricsService,
  ) {}

  /** Applies state only (start-up replay up to the committed offsets): publishes nothing. */
  applyStateOnly(records: ConsumedRecord[]): void {
    for (const record of records) {
      const event = this.decode(record);
      if (event) this.applyToState(event);
    }
    this.markApplied(records);
  }

  private markApplied(records: ConsumedRecord[]): void {
    const last = records.at(-1);
    if (last) this.appliedOffsets.set(last.partition, BigInt(last.offset) + 1n);
  }

  /**
   * Chunks are processed one at a time, whatever CONSUMER_PARTITIONS_CONCURRENTLY says: rankings
   * are folded from the stored ones, so a chunk must see the rankings every earlier chunk saved
   * (two interleaved chunks updating one profile would lose one of the updates).
   */
  async process(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.inFlight++;
    const turn = this.previousChunk.then(() => this.processChunk(records));
    this.previousChunk = turn.catch(() => undefined);
    try {
      await turn;
    } finally {
      this.inFlight--;
    }
  }

  private async processChunk(records: ConsumedRecord[]): Promise<void> {
    const topic = records[0].topic;
    const letters: DeadLetter[] = [];
    const chunk = new ChunkRankings(this.rankings);
    const retractions: MatchRetractedEvent[] = [];
    const outcomes: Record<ApplyOutcome, number> = { applied: 0, duplicate: 0, stale: 0 };

    // The 'search' stage: ranking work only (index updates are timed as 'index'), once per chunk.
    let searchSeconds = 0;
    const timedSearch = <T>(work: () => T): T => {
      const started = performance.now();
      try {
        return work();
      } finally {
        searchSeconds += (performance.now() - started) / 1000;
      }
    };
    for (const record of records) {
      const event = this.decode(record, letters);
      if (!event) continue;
      const stopIndex = this.metrics.timeStage('index');
      const outcome = this.applyToState(event);
      stopIndex();
      outcomes[outcome]++;
      if (outcome !== 'applied') continue;
      if (event.type === 'entity.removed') {
        chunk.forget(`${event.entityType}:${event.entityId}`);
        // The stored ranking (what subscribers last saw) is saved only after the chunk.
        const previousCounterparts = this.counterpartsOf(event.entityType, event.entityId);
        retractions.push(this.retraction(event, previousCounterparts));
      }
      timedSearch(() => this.updateRankings(event, chunk));
    }
    const rankingEvents = timedSearch(() => [
      ...this.changedRankings(chunk),
      ...this.searchedRankings(chunk),
    ]);
    this.metrics.stageDuration.observe({ stage: 'search' }, searchSeconds);

    const stopPublish = this.metrics.timeStage('publish');
    const serialised = new Map<MatchEvent, string>(
      [...retractions, ...rankingEvents].map((e) => [e, JSON.stringify(e)]),
    );
    const toMessages = (events: MatchEvent[]) =>
      events.map((e) => ({
        key: `${e.subject.type}:${e.subject.id}`,
        value: serialised.get(e)!,
        headers: { 'x-event-id': e.eventId, 'x-causation-id': e.causationEventId },
      }));
    // The answers to this chunk's own events go in a small request of their own, beside the
    // (often much larger) batch of counterparts' updated rankings: waiting subscribers get them
    // sooner. No key is in both, so per-key order is unaffected; both are acknowledged before
    // the chunk's offsets are committed.
    const answers = rankingEvents.filter((e) => e.trigger === 'subject-changed');
    const updates = rankingEvents.filter((e) => e.trigger !== 'subject-changed');
    await Promise.all([
      this.publisher.publish(TOPICS.matches, toMessages([...retractions, ...answers])),
      this.publisher.publish(TOPICS.matches, toMessages(updates)),
    ]);
    await this.deadLetters.publish(letters);
    stopPublish();

    const stopStore = this.metrics.timeStage('store');
    // Removals first: an entity removed and added again within the chunk keeps its new ranking.
    for (const r of retractions) await this.rankings.remove(r.subject.type, r.subject.id);
    await this.rankings.save(
      rankingEvents.map((ranking) => ({ ranking, json: serialised.get(ranking)! })),
    );
    stopStore();

    this.markApplied(records);
    this.observe(topic, outcomes, letters.length, rankingEvents);
  }

  /**
   * The rankings one applied change affects: the subject's own from one search of its pool, then
   * each counterpart's, folded with the pair's new score (or its removal).
   */
  private updateRankings(event: EntityVectorEvent, chunk: ChunkRankings): void {
    const { entityType: type, entityId: id } = event;
    const counterpartType: EntityType = type === 'job' ? 'profile' : 'job';
    const removed = event.type === 'entity.removed';
    const cause: Cause = {
      trigger: removed ? 'counterpart-removed' : 'counterpart-changed',
      causationEventId: event.sourceEventId,
    };
    const pool = removed ? [] : this.engine.scoredPool(type, id);
    if (!removed) {
      chunk.set(`${type}:${id}`, toRankedMatches(pool, this.engine.topK), {
        trigger: 'subject-changed',
        causationEventId: event.sourceEventId,
        occurredAt: event.occurredAt,
      });
    }
    // Seen from each counterpart, this entity now scores as in its pool (a pair scores the same
    // both ways); counterparts listing it outside the pool (kNN is not symmetric) get the pair
    // scored directly: null when it is no longer eligible, or gone.
    const changes = new Map<string, ScoredCounterpart | null>();
    for (const m of pool) {
      changes.set(m.id, { ...m, id, version: event.entityVersion });
    }
    for (const subjectId of chunk.subjectsListing(type, id)) {
      if (!changes.has(subjectId)) {
        changes.set(
          subjectId,
          removed ? null : this.engine.scoredPair(counterpartType, subjectId, id),
        );
      }
    }
    for (const [counterpartId, scored] of changes) {
      const key = `${counterpartType}:${counterpartId}`;
      const current = chunk.current(counterpartType, counterpartId);
      if (current === null) {
        if (!chunk.toSearch.has(key)) chunk.search(key, cause);
        continue;
      }
      const update = foldIntoRanking(current, { id, scored }, this.engine.topK);
      if (update.kind === 'updated') chunk.set(key, update.matches, cause);
      else if (update.kind === 'recompute') chunk.search(key, cause);
    }
  }

  /** Ranking events for the incrementally updated rankings that differ from the stored ones. */
  private changedRankings(chunk: ChunkRankings): MatchRankingEvent[] {
    const events: MatchRankingEvent[] = [];
    for (const [key, { matches, cause }] of chunk.updated) {
      const event = this.rankingEvent(key, matches, cause);
      if (event) events.push(event);
    }
    return events;
  }

  /** Ranking events for the rankings that needed a new search, on the chunk's final state. */
  private searchedRankings(chunk: ChunkRankings): MatchRankingEvent[] {
    const events: MatchRankingEvent[] = [];
    for (const [key, cause] of chunk.toSearch) {
      const [type, id] = splitKey(key);
      const matches =
        type === 'job' ? this.engine.rankCandidatesForJob(id) : this.engine.rankJobsForProfile(id);
      const event = this.rankingEvent(key, matches, cause);
      if (event) events.push(event);
    }
    return events;
  }

  /** The event for a subject's new ranking; null when it is gone or nothing changed for it. */
  private rankingEvent(
    key: string,
    matches: RankedMatch[],
    cause: Cause,
  ): MatchRankingEvent | null {
    const [type, id] = splitKey(key);
    const exists = type === 'job' ? this.state.jobs.get(id) : this.state.profiles.get(id);
    if (!exists) return null;
    const previous = this.rankings.get(type, id);
    if (cause.trigger !== 'subject-changed' && previous && sameRanking(previous.matches, matches))
      return null;
    const ids = new Set(matches.map((m) => m.counterpartId));
    if (cause.occurredAt) {
      this.metrics.endToEnd.observe(
        { subject_type: type },
        (Date.now() - Date.parse(cause.occurredAt)) / 1000,
      );
    }
    return {
      schema: 'match.ranking',
      schemaVersion: 1,
      eventId: randomUUID(),
      producedAt: new Date().toISOString(),
      subject: { type, id, version: exists.version },
      trigger: cause.trigger,
      causationEventId: cause.causationEventId,
      modelId: exists.modelId,
      indexVersion: this.state.indexVersion,
      matches,
      retracted: (previous?.matches ?? []).map((m) => m.counterpartId).filter((c) => !ids.has(c)),
    };
  }

  private decode(record: ConsumedRecord, letters?: DeadLetter[]): EntityVectorEvent | null {
    let value: unknown;
    try {
      value = JSON.parse(record.value?.toString('utf8') ?? '');
    } catch {
      letters?.push({
        record,
        reason: 'malformed-json',
        detail: 'entity-vector event is not JSON',
      });
      return null;
    }
    const parsed = entityVectorEvent.safeParse(value);
    if (!parsed.success) {
      letters?.push({
        record,
        reason: 'schema-violation',
        detail: formatIssues(parsed.error.issues),
      });
      return null;
    }
    return parsed.data;
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

  private retraction(event: EntityVectorEvent, previous: string[]): MatchRetractedEvent {
    return {
      schema: 'match.retracted',
      schemaVersion: 1,
      eventId: randomUUID(),
      producedAt: new Date().toISOString(),
      subject: { type: event.entityType, id: event.entityId, version: event.entityVersion },
      reason: 'subject-removed',
      causationEventId: event.sourceEventId,
      retracted: previous,
    };
  }

  private counterpartsOf(type: EntityType, id: string): string[] {
    return (this.rankings.get(type, id)?.matches ?? []).map((m) => m.counterpartId);
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

function sameRanking(a: RankedMatch[], b: RankedMatch[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (m, i) => m.counterpartId === b[i].counterpartId && Math.abs(m.score - b[i].score) < 1e-4,
    )
  );
}
