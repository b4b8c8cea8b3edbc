import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  DEAD_LETTER_HEADERS,
  TOPICS,
  TOPIC_SPECS,
  entityTypeOf,
  inputTopicFor,
  entityVectorEvent,
  matchEvent,
  entityKey,
} from '@matchstream/contracts';
import type { EntityVectorEvent, InputEventInput, MatchEvent } from '@matchstream/contracts';
import { EventPublisher, TopicTail, createKafkaClient, ensureTopics } from '@matchstream/kafka';
import type { ConsumedRecord } from '@matchstream/kafka';
import { ServiceProcess } from '@matchstream/testing';
import type { Kafka } from 'kafkajs';
// Tests may start both apps in one process; the apps themselves never import each other.
import { startEmbeddingService } from '../../apps/embedding-service/src/main';
import { loadEmbeddingServiceConfig } from '../../apps/embedding-service/src/embedding-service.config';
import { startMatchingService } from '../../apps/matching-service/src/main';
import { loadMatchingServiceConfig } from '../../apps/matching-service/src/matching-service.config';

/**
 * A profile unlike every sample (and ineligible for the sample jobs by category), so suites that
 * publish it never disturb another suite's rankings on the shared broker.
 */
export const UNRELATED_PROFILE = {
  headline: 'Bakery operations lead running early-morning production',
  summary: 'Plans daily bread and pastry production for three shops.',
  lookingFor: 'A larger kitchen to run.',
  skills: ['Baking', 'Food safety'],
  experience: [],
  education: [],
  categories: ['hospitality'],
};

// The suites import their waits from here; the helper itself is shared with the benchmarks.
export { waitFor } from '@matchstream/testing';

export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/** A unique namespace per suite run: entity ids, consumer groups and Redis keys never collide. */
export function runId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Follows a topic from now and keeps what arrives. */
export class Collector<T> {
  readonly items: T[] = [];
  private readonly tail: TopicTail;

  constructor(kafka: Kafka, topic: string, map: (record: ConsumedRecord) => T | null) {
    this.tail = new TopicTail(
      kafka,
      topic,
      (record) => {
        const item = map(record);
        if (item !== null) this.items.push(item);
      },
      'matchstream-test',
    );
  }

  start(): Promise<void> {
    return this.tail.start();
  }

  stop(): Promise<void> {
    return this.tail.stop();
  }
}

export interface DeadLetterSeen {
  key: string | null;
  value: Buffer | null;
  reason: string;
  detail: string;
  sourceTopic: string;
  sourceOffset: string;
}

/**
 * The two services started in this process against the real broker, Redis and model, with
 * collectors on the matches and dead-letter topics.
 */
export class PipelineHarness {
  readonly kafka: Kafka;
  readonly publisher: EventPublisher;
  readonly matches: Collector<MatchEvent>;
  /** Entity-vector events by key, as the embedding service published them. */
  readonly vectors: Collector<{ key: string | null; event: EntityVectorEvent }>;
  readonly deadLetters: Collector<DeadLetterSeen>;
  embedding: INestApplication | null = null;
  matching: INestApplication | null = null;
  readonly env: Record<string, string>;

  constructor(
    readonly run: string,
    brokers = BROKERS,
  ) {
    this.kafka = createKafkaClient({ brokers: brokers.split(','), clientId: `test-${run}` });
    this.publisher = new EventPublisher(this.kafka);
    this.matches = new Collector(this.kafka, TOPICS.matches, (r) => {
      const parsed = matchEvent.safeParse(JSON.parse(r.value?.toString() ?? 'null'));
      return parsed.success ? parsed.data : null;
    });
    this.vectors = new Collector(this.kafka, TOPICS.entityVectors, (r) => {
      const parsed = entityVectorEvent.safeParse(JSON.parse(r.value?.toString() ?? 'null'));
      return parsed.success ? { key: r.key, event: parsed.data } : null;
    });
    this.deadLetters = new Collector(this.kafka, TOPICS.deadLetters, (r) => ({
      key: r.key,
      value: r.value,
      reason: r.headers[DEAD_LETTER_HEADERS.reason],
      detail: r.headers[DEAD_LETTER_HEADERS.detail],
      sourceTopic: r.headers[DEAD_LETTER_HEADERS.sourceTopic],
      sourceOffset: r.headers[DEAD_LETTER_HEADERS.sourceOffset],
    }));
    this.env = {
      KAFKA_BROKERS: brokers,
      REDIS_KEY_PREFIX: `test:${run}:`,
      EMBEDDING_CONSUMER_GROUP: `${run}-embedding`,
      MATCHING_CONSUMER_GROUP: `${run}-matching`,
      MATCHING_INSTANCE_ID: 'matching-1',
      MATCHING_SESSION_TIMEOUT_MS: '10000',
      EMBEDDING_HTTP_PORT: '0',
      MATCHING_HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MATCHING_SNAPSHOT_DIR: join(tmpdir(), 'matchstream-test', run, 'snapshots'),
    };
  }

  async start(apps: { embedding?: boolean; matching?: boolean } = {}): Promise<void> {
    // On a fresh broker the services have not created the topics yet; the collectors need them.
    await ensureTopics(this.kafka, TOPIC_SPECS);
    await this.publisher.connect();
    await Promise.all([this.matches.start(), this.deadLetters.start(), this.vectors.start()]);
    if (apps.embedding ?? true) await this.startEmbedding();
    if (apps.matching ?? true) await this.startMatching();
  }

  async stopMatching(): Promise<void> {
    await this.matching?.close();
    this.matching = null;
  }

  async startEmbedding(): Promise<void> {
    this.embedding = await startEmbeddingService(
      loadEmbeddingServiceConfig({ ...process.env, ...this.env }),
    );
  }

  async startMatching(): Promise<void> {
    this.matching = await startMatchingService(
      loadMatchingServiceConfig({ ...process.env, ...this.env }),
    );
  }

  async url(app: 'embedding' | 'matching', path: string): Promise<string> {
    const instance = app === 'embedding' ? this.embedding : this.matching;
    if (!instance) throw new Error(`${app} is not running`);
    return `${(await instance.getUrl()).replace('[::1]', '127.0.0.1')}${path}`;
  }

  /** Publishes valid events to their topics, keyed by entity id. */
  async publish(events: InputEventInput[]): Promise<void> {
    for (const event of events) {
      await this.publisher.publish(inputTopicFor(entityTypeOf(event.type)), [
        { key: event.entityId, value: JSON.stringify(event) },
      ]);
    }
  }

  /** Publishes raw bytes (for bad input) to a topic. */
  async publishRaw(topic: string, key: string | null, value: Buffer | string): Promise<void> {
    await this.publisher.publish(topic, [{ key, value }]);
  }

  /** The entity-vector events published for one entity, in order. */
  vectorsFor(type: 'job' | 'profile', id: string): EntityVectorEvent[] {
    return this.vectors.items.filter((v) => v.key === entityKey(type, id)).map((v) => v.event);
  }

  rankingsFor(type: 'job' | 'profile', id: string) {
    return this.matches.items.filter(
      (e) => e.schema === 'match.ranking' && e.subject.type === type && e.subject.id === id,
    ) as Extract<MatchEvent, { schema: 'match.ranking' }>[];
  }

  async stop(): Promise<void> {
    await this.embedding?.close();
    await this.stopMatching();
    await Promise.all([
      this.matches.stop(),
      this.deadLetters.stop(),
      this.vectors.stop(),
      this.publisher.disconnect(),
    ]);
  }
}

/**
 * Both services as processes of their own (to SIGKILL them), on a random pair of ports, snapshotting
 * every second into the run's own folder; `overrides` adds to or replaces the harness's env.
 */
export function serviceProcesses(harness: PipelineHarness, overrides: Record<string, string> = {}) {
  const port = 40000 + Math.floor(Math.random() * 10000);
  const env = {
    ...harness.env,
    EMBEDDING_HTTP_PORT: String(port),
    MATCHING_HTTP_PORT: String(port + 1),
    MATCHING_SNAPSHOT_DIR: join(tmpdir(), 'matchstream-test', harness.run, 'snapshots'),
    MATCHING_SNAPSHOT_INTERVAL_MS: '1000',
    ...overrides,
  };
  return {
    env,
    port,
    embedding: new ServiceProcess('embedding-service', env, port),
    matching: new ServiceProcess('matching-service', env, port + 1),
  };
}
