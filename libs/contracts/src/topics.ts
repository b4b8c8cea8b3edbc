/**
 * Every Kafka topic matchstream reads or writes, with the settings it is created with.
 * Topics are created explicitly (scripts and services call ensureTopics); the broker's
 * auto-creation is off, so a topic that is not listed here does not exist.
 */
export const TOPICS = {
  profileEvents: 'matchstream.profile-events.v1',
  jobEvents: 'matchstream.job-events.v1',
  entityVectors: 'matchstream.entity-vectors.v1',
  matches: 'matchstream.matches.v1',
  deadLetters: 'matchstream.dead-letters.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  topic: TopicName;
  partitions: number;
  /** Kafka topic-level configs, e.g. cleanup.policy. */
  config: Record<string, string>;
}

/**
 * Partition counts bound the parallelism of each consumer group (one partition is consumed by
 * one instance), so they are sized for growth, not for today's single process.
 * The vector topic is compacted: it is the durable, replayable state of every live entity,
 * which the matching service rebuilds its index from.
 */
export const TOPIC_SPECS: readonly TopicSpec[] = [
  { topic: TOPICS.profileEvents, partitions: 6, config: { 'retention.ms': String(7 * 86400000) } },
  { topic: TOPICS.jobEvents, partitions: 6, config: { 'retention.ms': String(7 * 86400000) } },
  {
    topic: TOPICS.entityVectors,
    partitions: 6,
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
  },
  { topic: TOPICS.matches, partitions: 6, config: { 'retention.ms': String(3 * 86400000) } },
  { topic: TOPICS.deadLetters, partitions: 1, config: { 'retention.ms': String(30 * 86400000) } },
];

export const INPUT_TOPICS = [TOPICS.profileEvents, TOPICS.jobEvents] as const;
