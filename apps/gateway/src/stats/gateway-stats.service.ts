import type { EntityType } from '@matchstream/contracts';
import type { MetricsService } from '@matchstream/observability';
import { Counter } from 'prom-client';

export type IngestOutcome = 'accepted' | 'duplicate' | 'rejected';

/** What /v1/stats answers: counts since this gateway process started. */
export interface GatewayStatsSnapshot {
  since: string;
  eventsAccepted: number;
  eventsDuplicate: number;
  eventsRejected: number;
  matchesRelayed: number;
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
  matchesRelayed = 0;
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
      matchesRelayed: this.matchesRelayed,
      deadLettersSeen: this.deadLetters,
      deadLettersByReason: Object.fromEntries(this.deadLetterReasons),
      streamClients: this.streamClients,
      streamClientsDropped: this.streamClientsDropped,
    };
  }
}
