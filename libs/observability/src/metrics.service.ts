import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventOutcome, PipelineStage } from './metric-names';
import { METRIC_NAMES } from './metric-names';

const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * One registry per process (not prom-client's global one, so tests can build several apps in
 * one process), with every metric registered up front.
 */
export class MetricsService {
  readonly registry = new Registry();

  readonly eventsConsumed = new Counter({
    name: METRIC_NAMES.eventsConsumed,
    help: 'Events consumed, by topic and outcome',
    labelNames: ['topic', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly eventsProduced = new Counter({
    name: METRIC_NAMES.eventsProduced,
    help: 'Events produced and acknowledged by the broker, by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: METRIC_NAMES.deadLetters,
    help: 'Events written to the dead-letter topic, by source topic and reason',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: METRIC_NAMES.retries,
    help: 'Retries after transient failures, by operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly dependencyErrors = new Counter({
    name: METRIC_NAMES.dependencyErrors,
    help: 'Errors talking to a dependency, by dependency',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: METRIC_NAMES.stageDuration,
    help: 'Time spent per pipeline stage',
    labelNames: ['stage'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly endToEnd = new Histogram({
    name: METRIC_NAMES.endToEnd,
    help: 'From an input event occurredAt to its match event being published',
    labelNames: ['subject_type'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly embeddingBatchSize = new Histogram({
    name: METRIC_NAMES.embeddingBatchSize,
    help: 'Texts per model inference call',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly embeddingCache = new Counter({
    name: METRIC_NAMES.embeddingCache,
    help: 'Embedding cache look-ups, by result (hit or miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly embeddingNorm = new Histogram({
    name: METRIC_NAMES.embeddingNorm,
    help: 'L2 norm of raw (pre-normalisation) embeddings: a shift means the model or text changed',
    buckets: [0.5, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16],
    registers: [this.registry],
  });
  readonly embeddingCentroidShift = new Gauge({
    name: METRIC_NAMES.embeddingCentroidShift,
    help: 'Cosine distance between the recent embedding centroid and the reference window centroid',
    labelNames: ['entity_type'] as const,
    registers: [this.registry],
  });
  readonly indexEntries = new Gauge({
    name: METRIC_NAMES.indexEntries,
    help: 'Live vectors in an HNSW index',
    labelNames: ['index'] as const,
    registers: [this.registry],
  });
  readonly indexCapacity = new Gauge({
    name: METRIC_NAMES.indexCapacity,
    help: 'Allocated capacity of an HNSW index',
    labelNames: ['index'] as const,
    registers: [this.registry],
  });
  readonly matchTopScore = new Histogram({
    name: METRIC_NAMES.matchTopScore,
    help: 'Score of the best match per ranking: its distribution drifts when inputs or model change',
    labelNames: ['subject_type'] as const,
    buckets: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: METRIC_NAMES.consumerLag,
    help: 'Messages not yet committed by the consumer group, per topic partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [this.registry],
  });
  readonly consumerPaused = new Gauge({
    name: METRIC_NAMES.consumerPaused,
    help: '1 while consumption is paused (backpressure or a dependency outage)',
    labelNames: ['group'] as const,
    registers: [this.registry],
  });
  readonly rankingConsistency = new Gauge({
    name: METRIC_NAMES.rankingConsistency,
    help: 'Share of the subjects sampled by the last consistency audit whose served and stored rankings equal a fresh ranking of the current state',
    registers: [this.registry],
  });
  readonly rankingAudits = new Counter({
    name: METRIC_NAMES.rankingAudits,
    help: 'Subjects re-ranked by consistency audits, by result (agrees or differs)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly ownedPartitions = new Gauge({
    name: METRIC_NAMES.ownedPartitions,
    help: 'Partitions of the entity-vector topic (and so subjects) this matching instance owns',
    registers: [this.registry],
  });
  readonly handoverDuration = new Histogram({
    name: METRIC_NAMES.handoverDuration,
    help: 'From a partition assignment to publishing for it: catching up, computing and reconciling the gained rankings',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly consumerUp = new Gauge({
    name: METRIC_NAMES.consumerUp,
    help: '1 while the consumer group member consumes or recovers by itself; 0 once it crashed for good or stopped',
    labelNames: ['group'] as const,
    registers: [this.registry],
  });
  readonly snapshotFailing = new Gauge({
    name: METRIC_NAMES.snapshotFailing,
    help: '1 while the last attempt to write a state snapshot failed (full or read-only disk): restarts then replay more of the log',
    registers: [this.registry],
  });
  readonly snapshotFailures = new Counter({
    name: METRIC_NAMES.snapshotFailures,
    help: 'State snapshots that could not be written, by reason (no-space, read-only, other)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly snapshotLastSuccess = new Gauge({
    name: METRIC_NAMES.snapshotLastSuccess,
    help: 'Unix time of the last state snapshot written completely',
    registers: [this.registry],
  });
  readonly snapshotsRejected = new Counter({
    name: METRIC_NAMES.snapshotsRejected,
    help: 'Snapshots set aside at start-up because they failed their checks, by reason (checksum, missing-file, missing, ...)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly loadRecords = new Gauge({
    name: METRIC_NAMES.loadRecords,
    help: 'Start-up recovery of a matching instance: vector records replayed (state="done") of at most how many (state="expected"); mode is replay or bulk',
    labelNames: ['state', 'mode'] as const,
    registers: [this.registry],
  });
  readonly loadRankings = new Gauge({
    name: METRIC_NAMES.loadRankings,
    help: 'Rankings a matching instance computes from scratch (after a bulk load or for partitions gained): computed (state="done") of how many (state="expected")',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: METRIC_NAMES.httpRequests,
    help: 'HTTP requests, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: METRIC_NAMES.httpDuration,
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(private readonly serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Labels every metric with the instance (a service that runs as several instances). */
  identifyInstance(instanceId: string): void {
    this.registry.setDefaultLabels({ service: this.serviceName, instance_id: instanceId });
  }

  countConsumed(topic: string, outcome: EventOutcome, count = 1): void {
    if (count > 0) this.eventsConsumed.inc({ topic, outcome }, count);
  }

  /** Starts a stage timer; call the returned function when the stage ends. */
  timeStage(stage: PipelineStage): () => number {
    return this.stageDuration.startTimer({ stage });
  }
}
