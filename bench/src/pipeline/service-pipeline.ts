/**
 * Both services from the build, as processes of their own on free ports, with this process
 * publishing input events and following topics: what the pipeline measurements drive.
 */
import { rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPIC_SPECS } from '@matchstream/contracts';
import type { InputEventInput } from '@matchstream/contracts';
import { EventPublisher, TopicTail, createKafkaClient, ensureTopics } from '@matchstream/kafka';
import type { ConsumedRecord } from '@matchstream/kafka';
import { ServiceProcess } from '@matchstream/testing';
import type { Kafka } from 'kafkajs';
import { benchEnv, freePort, publishInputEvents, purgeRedis } from '../harness/services';

export class ServicePipeline {
  readonly kafka: Kafka;
  readonly publisher: EventPublisher;
  readonly env: Record<string, string>;
  private embedding: ServiceProcess | null = null;
  private matching: ServiceProcess | null = null;
  private readonly tails: TopicTail[] = [];
  /** The services' logs go to stderr when BENCH_LOG_LEVEL asks for them. */
  private readonly echoServiceLogs = process.env.BENCH_LOG_LEVEL !== undefined;

  constructor(
    brokers: string,
    readonly run: string,
  ) {
    this.env = benchEnv(brokers, run);
    this.kafka = createKafkaClient({ brokers: brokers.split(','), clientId: `bench-${run}` });
    this.publisher = new EventPublisher(this.kafka);
  }

  async prepare(): Promise<void> {
    await ensureTopics(this.kafka, TOPIC_SPECS);
    await this.publisher.connect();
  }

  async startEmbedding(): Promise<void> {
    this.embedding = await this.service('embedding-service', 'EMBEDDING_HTTP_PORT');
    await this.embedding.start();
  }

  async startMatching(): Promise<void> {
    this.matching = await this.service('matching-service', 'MATCHING_HTTP_PORT');
    await this.matching.start();
  }

  /** A service from the build on a free port (kept before it starts, so stop() ends it anyway). */
  private async service(
    app: 'embedding-service' | 'matching-service',
    portVariable: string,
  ): Promise<ServiceProcess> {
    const port = await freePort();
    return new ServiceProcess(
      app,
      { ...this.env, [portVariable]: String(port) },
      port,
      this.echoServiceLogs,
    );
  }

  /** Follows a topic from now; stopped with the pipeline. */
  async follow(topic: string, onRecord: (record: ConsumedRecord) => void): Promise<void> {
    const tail = new TopicTail(this.kafka, topic, onRecord, 'matchstream-bench');
    this.tails.push(tail);
    await tail.start();
  }

  publish(events: InputEventInput[]): Promise<void> {
    return publishInputEvents(this.publisher, events);
  }

  async stop(): Promise<void> {
    await this.matching?.stop();
    await this.embedding?.stop();
    this.matching = null;
    this.embedding = null;
    await Promise.allSettled(this.tails.map((t) => t.stop()));
    await this.publisher.disconnect().catch(() => undefined);
  }

  /** Deletes this run's matching-state snapshots. */
  async removeSnapshots(): Promise<void> {
    await rm(join(tmpdir(), 'matchstream-bench', this.run), { recursive: true, force: true });
    await rmdir(join(tmpdir(), 'matchstream-bench')).catch(() => undefined); // when empty
  }

  /** Deletes this run's Redis keys (cache, versions, rankings) from the shared Redis. */
  purgeRedis(): Promise<number> {
    return purgeRedis(this.env.REDIS_KEY_PREFIX);
  }
}
