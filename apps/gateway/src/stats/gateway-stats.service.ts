import type { EntityType } from '@matchstream/contracts';
import type { MetricsService } from '@matchstream/observability';
import { Counter } from 'prom-client';

export type IngestOutcome = 'accepted' | 'duplicate' | 'rejected';

/** Match events relayed, by what they are. */
export interface RelayedCounts {
  /** A job's ranked candidates. */
  jobRankings: number;
  /** A candidate's ranked jobs (the live view shows jobs only; other clients may not). */
  candidateRankings: number;
  /** A removed job's or candidate's matches withdrawn. */
  retractions: number;
}

/**
 * What /v1/stats answers: counts since this gateway process started. `events*` count HTTP
 * ingestion by this process; `inputTopicRecords` counts what reached the input topics from any
 * producer (null until the offsets are first read).
 */
export interface GatewayStatsSnapshot {
  since: string;
  eventsAccepted: number;
  eventsDuplicate: number;
  eventsRejected: number;
  inputTopicRecords: { profiles: number; jobs: number } | null;
  matchesRelayed: number;
  matchesRelayedBy: RelayedCounts;
  deadLettersSeen: number;
  deadLettersByReason: Record<string, number>;
  streamClients: number;
  streamClientsDropped: number;
}

/**
 * The gateway's own counters, kept as plain numbers for the live view's /v1/stats (which must not
 * parse Prometheus text) and mirrored into Prometheus where a dashboard wants them.
 */
export class GatewayStats {
  private readonly since = new Date().toISOString();
  private readonly ingested = { accepted: 0, duplicate: 0, rejected: 0 };
  private readonly deadLetterReasons = new Map<string, number>();
  private deadLetters = 0;
  private readonly relayed: RelayedCounts = {
    jobRankings: 0,
    candidateRankings: 0,
    retractions: 0,
  };
  inputTopicRecords: { profiles: number; jobs: number } | null = null;
  streamClients = 0;
  streamClientsDropped = 0;
  private readonly ingestCounter: Counter<'entity_type' | 'outcome'>;

  constructor(metrics: MetricsService) {
    this.ingestCounter = new Counter({
      name: 'matchstream_ingest_events_total',
      help: 'Events posted to the HTTP ingestion API, by entity type and outcome',
      labelNames: ['entity_type', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  countIngested(entityType: EntityType, outcome: IngestOutcome, count: number): void {
    if (count <= 0) return;
    this.ingested[outcome] += count;
    this.ingestCounter.inc({ entity_type: entityType, outcome }, count);
  }

  countRelayed(schema: 'match.ranking' | 'match.retracted', subjectType: 'job' | 'profile'): void {
    if (schema === 'match.retracted') this.relayed.retractions += 1;
    else if (subjectType === 'job') this.relayed.jobRankings += 1;
    else this.relayed.candidateRankings += 1;
  }

  countDeadLetter(reason: string | undefined): void {
    this.deadLetters += 1;
    // Reasons are a closed set written by our own services; anything else is grouped, so a
    // foreign producer cannot grow this map without bound.
    const key = reason && /^[a-z-]{1,40}$/.test(reason) ? reason : 'other';
    if (this.deadLetterReasons.has(key) || this.deadLetterReasons.size < 32) {
      this.deadLetterReasons.set(key, (this.deadLetterReasons.get(key) ?? 0) + 1);
    }
  }

  snapshot(): GatewayStatsSnapshot {
    return {
      since: this.since,
      eventsAccepted: this.ingested.accepted,
      eventsDuplicate: this.ingested.duplicate,
      eventsRejected: this.ingested.rejected,
      inputTopicRecords: this.inputTopicRecords && { ...this.inputTopicRecords },
      matchesRelayed:
        this.relayed.jobRankings + this.relayed.candidateRankings + this.relayed.retractions,
      matchesRelayedBy: { ...this.relayed },
      deadLettersSeen: this.deadLetters,
      deadLettersByReason: Object.fromEntries(this.deadLetterReasons),
      streamClients: this.streamClients,
      streamClientsDropped: this.streamClientsDropped,
    };
  }
}
