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
import type { ConsumedRecord, DeadLetter } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import type { ApplyOutcome } from './entity-state';
import { EntityState } from './entity-state';
import { MatchEngine } from './match-engine';
import { RankingStore } from './ranking.store';

type Trigger = MatchRankingEvent['trigger'];
interface Dirty {
  trigger: Trigger;
  causationEventId: string;
  occurredAt?: string;
}

/**
 * The matching use case for one chunk of entity-vector records: apply each change to the indexes
 * (idempotently, by version), then recompute every ranking the chunk may have changed — the
 * changed subjects' own, and the counterparts' whose top-K they enter, leave or move in — and
 * publish those that changed. Retractions go out for removed subjects.
 */
@Injectable()
export class ApplyEntityVectorsService {
  private readonly logger = new Logger(ApplyEntityVectorsService.name);
  /** Next offset per partition whose effects are in the state: what a snapshot covers. */
  readonly appliedOffsets = new Map<number, bigint>();
  /** Chunks between applying state and publishing their events: no snapshot while > 0. */
  private inFlight = 0;

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

  async process(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.inFlight++;
    try {
      await this.processChunk(records);
    } finally {
      this.inFlight--;
    }
  }

  private async processChunk(records: ConsumedRecord[]): Promise<void> {
    const topic = records[0].topic;
    const letters: DeadLetter[] = [];
    const dirty = new Map<string, Dirty>();
    const retractions: MatchRetractedEvent[] = [];
    const outcomes: Record<ApplyOutcome, number> = { applied: 0, duplicate: 0, stale: 0 };

    for (const record of records) {
      const event = this.decode(record, letters);
      if (!event) continue;
      const previousCounterparts = this.counterpartsOf(event.entityType, event.entityId);
      const stopIndex = this.metrics.timeStage('index');
      const outcome = this.applyToState(event);
      stopIndex();
      outcomes[outcome]++;
      if (outcome !== 'applied') continue;

      const key = `${event.entityType}:${event.entityId}`;
      // Rankings that list this entity must be recomputed whether it changed or went.
      for (const [type, id] of this.rankings.subjectsListing(event.entityType, event.entityId)) {
        markDirty(dirty, `${type}:${id}`, {
          trigger: event.type === 'entity.removed' ? 'counterpart-removed' : 'counterpart-changed',
          causationEventId: event.sourceEventId,
        });
      }
      if (event.type === 'entity.removed') {
        dirty.delete(key);
        retractions.push(this.retraction(event, previousCounterparts));
        continue;
      }
      markDirty(dirty, key, {
        trigger: 'subject-changed',
        causationEventId: event.sourceEventId,
        occurredAt: event.occurredAt,
      });
      // Counterparts the new entity may now enter the top-K of.
      for (const id of this.enteringCandidates(event.entityType, event.entityId)) {
        const type: EntityType = event.entityType === 'job' ? 'profile' : 'job';
        markDirty(dirty, `${type}:${id}`, {
          trigger: 'counterpart-changed',
          causationEventId: event.sourceEventId,
        });
      }
    }

    const rankingEvents = this.recompute(dirty);
    const stopPublish = this.metrics.timeStage('publish');
    const events: MatchEvent[] = [...retractions, ...rankingEvents];
    await this.publisher.publish(
      TOPICS.matches,
      events.map((e) => ({
        key: `${e.subject.type}:${e.subject.id}`,
        value: JSON.stringify(e),
        headers: { 'x-event-id': e.eventId, 'x-causation-id': e.causationEventId },
      })),
    );
    await this.deadLetters.publish(letters);
    stopPublish();

    const stopStore = this.metrics.timeStage('store');
    await this.rankings.save(rankingEvents);
    for (const r of retractions) await this.rankings.remove(r.subject.type, r.subject.id);
    stopStore();

    this.markApplied(records);
    this.observe(topic, outcomes, letters.length, rankingEvents, dirty);
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

  /** Counterparts (within the candidate pool) whose top-K this entity would now enter. */
  private enteringCandidates(type: EntityType, id: string): string[] {
    const pool =
      type === 'job'
        ? this.engine.rankCandidatesForJob(id, this.engine.candidatePool)
        : this.engine.rankJobsForProfile(id, this.engine.candidatePool);
    const counterpartType: EntityType = type === 'job' ? 'profile' : 'job';
    return pool
      .filter((m) => {
        const theirs = this.rankings.get(counterpartType, m.counterpartId);
        if (!theirs || theirs.matches.length < this.engine.topK) return true;
        return m.score >= theirs.matches[theirs.matches.length - 1].score;
      })
      .map((m) => m.counterpartId);
  }

  private recompute(dirty: Map<string, Dirty>): MatchRankingEvent[] {
    const stopSearch = this.metrics.timeStage('search');
    const events: MatchRankingEvent[] = [];
    for (const [key, why] of dirty) {
      const [type, id] = splitKey(key);
      const exists = type === 'job' ? this.state.jobs.get(id) : this.state.profiles.get(id);
      if (!exists) continue;
      const matches =
        type === 'job' ? this.engine.rankCandidatesForJob(id) : this.engine.rankJobsForProfile(id);
      const previous = this.rankings.get(type, id);
      if (why.trigger !== 'subject-changed' && previous && sameRanking(previous.matches, matches))
        continue;
      const ids = new Set(matches.map((m) => m.counterpartId));
      events.push({
        schema: 'match.ranking',
        schemaVersion: 1,
        eventId: randomUUID(),
        producedAt: new Date().toISOString(),
        subject: { type, id, version: exists.version },
        trigger: why.trigger,
        causationEventId: why.causationEventId,
        modelId: exists.modelId,
        indexVersion: this.state.indexVersion,
        matches,
        retracted: (previous?.matches ?? []).map((m) => m.counterpartId).filter((c) => !ids.has(c)),
      });
      if (why.occurredAt) {
        this.metrics.endToEnd.observe(
          { subject_type: type },
          (Date.now() - Date.parse(why.occurredAt)) / 1000,
        );
      }
    }
    stopSearch();
    return events;
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
    dirty: Map<string, Dirty>,
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
      this.logger.debug(`recomputed ${dirty.size} rankings, published ${rankingEvents.length}`);
    }
  }
}

function markDirty(dirty: Map<string, Dirty>, key: string, why: Dirty): void {
  const current = dirty.get(key);
  // The subject's own change wins: its ranking event is the answer to its event.
  if (!current || why.trigger === 'subject-changed') dirty.set(key, why);
}

function splitKey(key: string): [EntityType, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at) as EntityType, key.slice(at + 1)];
}

function sameRanking(a: RankedMatch[], b: RankedMatch[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (m, i) => m.counterpartId === b[i].counterpartId && Math.abs(m.score - b[i].score) < 1e-4,
    )
  );
}
