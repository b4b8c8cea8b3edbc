import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS, jobEmbeddedEvent } from '@matchstream/contracts';
import { retryRetriable } from '@matchstream/errors';
import { KAFKA_CLIENT } from '@matchstream/kafka';
import { HealthService } from '@matchstream/observability';
import type { Consumer, Kafka } from 'kafkajs';
import { JobDirectoryStore } from './job-directory.store';

/** How long start-up waits for the directory to catch up before serving without it. */
const CATCH_UP_WAIT_MS = 15000;

/**
 * Feeds the job directory from the compacted entity-vector topic, read from its beginning (the
 * topic holds every live entity's latest document), then followed. Unlike a TopicTail this knows
 * the jobs embedded before the gateway started, so company and category filters work at once.
 * Profiles are skipped by key before parsing. Nothing is committed: each start re-reads.
 */
@Injectable()
export class JobDirectoryFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobDirectoryFeed.name);
  private consumer: Consumer | null = null;
  private caughtUp = false;
  private onCaughtUp: () => void = () => undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly directory: JobDirectoryStore,
    private readonly health: HealthService,
  ) {}

  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('job-directory', () =>
      this.caughtUp
        ? { status: 'up', detail: `${this.directory.size} jobs` }
        : { status: 'degraded', detail: 'reading the entity-vector topic' },
    );
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await retryRetriable(() =>
      admin.fetchTopicOffsets(TOPICS.entityVectors),
    ).finally(() => admin.disconnect());
    // Last offset to read per partition; empty (or fully compacted-away) partitions need none.
    const remaining = new Map(
      offsets
        .filter((o) => BigInt(o.high) > BigInt(o.low))
        .map((o) => [o.partition, BigInt(o.high) - 1n]),
    );
    const caughtUp = new Promise<void>((resolve) => (this.onCaughtUp = resolve));
    const markIfDone = () => {
      if (remaining.size === 0 && !this.caughtUp) {
        this.caughtUp = true;
        this.onCaughtUp();
      }
    };
    markIfDone();

    const consumer = this.kafka.consumer({
      groupId: `matchstream-gateway-jobs-${randomUUID()}`,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.entityVectors], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        if (message.key?.toString().startsWith('job:') && message.value) this.apply(message.value);
        const last = remaining.get(partition);
        if (last !== undefined && BigInt(message.offset) >= last) {
          remaining.delete(partition);
          markIfDone();
        }
        return Promise.resolve();
      },
    });
    const started = Date.now();
    const waited = await Promise.race([
      caughtUp.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), CATCH_UP_WAIT_MS).unref()),
    ]);
    if (waited) {
      this.logger.log(
        `job directory holds ${this.directory.size} jobs after ${Date.now() - started} ms`,
      );
    } else {
      this.logger.warn('job directory still catching up; company/category filters may miss jobs');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = null;
  }

  private apply(value: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      return;
    }
    // Removals keep the job's facts: a closed job's retraction still matches its filters.
    const parsed = jobEmbeddedEvent.safeParse(json);
    if (!parsed.success) return;
    const { entityId, document } = parsed.data;
    this.directory.set(entityId, { company: document.company, categories: document.categories });
  }
}
