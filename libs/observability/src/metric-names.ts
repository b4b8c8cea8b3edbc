/**
 * Every metric matchstream exports, in one place: dashboards, alert rules and tests refer to
 * these names. Labels are bounded sets (topics, stages, reasons), never ids.
 */
export const METRIC_NAMES = {
  eventsConsumed: 'matchstream_events_consumed_total',
  eventsProduced: 'matchstream_events_produced_total',
  deadLetters: 'matchstream_dead_letters_total',
  retries: 'matchstream_retries_total',
  dependencyErrors: 'matchstream_dependency_errors_total',
  stageDuration: 'matchstream_stage_duration_seconds',
  endToEnd: 'matchstream_end_to_end_seconds',
  embeddingBatchSize: 'matchstream_embedding_batch_size',
  embeddingCache: 'matchstream_embedding_cache_requests_total',
  embeddingNorm: 'matchstream_embedding_norm',
  embeddingCentroidShift: 'matchstream_embedding_centroid_shift',
  indexEntries: 'matchstream_index_entries',
  indexCapacity: 'matchstream_index_capacity',
  matchTopScore: 'matchstream_match_top_score',
  consumerLag: 'matchstream_consumer_lag',
  consumerPaused: 'matchstream_consumer_paused',
  rankingConsistency: 'matchstream_ranking_consistency_ratio',
  rankingAudits: 'matchstream_ranking_audited_subjects_total',
  ownedPartitions: 'matchstream_matching_owned_partitions',
  handoverDuration: 'matchstream_matching_handover_seconds',
  consumerUp: 'matchstream_consumer_up',
  snapshotFailing: 'matchstream_snapshot_failing',
  snapshotFailures: 'matchstream_snapshot_failures_total',
  snapshotLastSuccess: 'matchstream_snapshot_last_success_timestamp_seconds',
  snapshotsRejected: 'matchstream_snapshots_rejected_total',
  loadRecords: 'matchstream_matching_load_records',
  loadRankings: 'matchstream_matching_load_rankings',
  httpRequests: 'matchstream_http_requests_total',
  httpDuration: 'matchstream_http_request_duration_seconds',
} as const;

/** Why writing a snapshot failed: each is a value of the `reason` label. */
export const SNAPSHOT_FAILURE_REASONS = ['no-space', 'read-only', 'other'] as const;
export type SnapshotFailureReason = (typeof SNAPSHOT_FAILURE_REASONS)[number];

/** Outcome of one consumed event: each is a value of the `outcome` label. */
export const EVENT_OUTCOMES = ['processed', 'duplicate', 'stale', 'dead-lettered'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export const PIPELINE_STAGES = [
  'decode',
  'embed',
  'cache',
  'index',
  'search',
  'store',
  'publish',
  'batch',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
