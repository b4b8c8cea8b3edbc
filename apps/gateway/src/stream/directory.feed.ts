import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS } from '@matchstream/contracts';
import { retryRetriable } from '@matchstream/errors';
import { KAFKA_CLIENT } from '@matchstream/kafka';
import { HealthService } from '@matchstream/observability';
import type { Consumer, Kafka } from 'kafkajs';
import { applyDirectoryRecord } from './directory-record';
import { JobDirectoryStore } from './job-directory.store';
import { ProfileDirectoryStore } from './profile-directory.store';

/** How long start-up waits for the directory to catch up before serving without it. */
const CATCH_UP_WAIT_MS = 15000;

/**
 * Feeds the job and profile directories from the compacted entity-vector topic, read from its
 * beginning (the topic holds every live entity's latest document), then followed. Unlike a
 * TopicTail this knows the entities embedded before the gateway started, so filters and display
 * fields work at once. Nothing is committed: each start re-reads.
 */
@Injectable()
export class DirectoryFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DirectoryFeed.name);
  private consumer: Consumer | null = null;
  private caughtUp = false;
  private onCaughtUp: () => void = () => undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly directory: JobDirectoryStore,
    private readonly profiles: ProfileDirectoryStore,
    private readonly health: HealthService,
  ) {}

  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('job-directory', () =>
      this.caughtUp
        ? {
            status: 'up',
            detail: `${this.directory.size} jobs, ${this.profiles.size} profiles`,
          }
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
        if (message.value) {
          applyDirectoryRecord(
            message.key?.toString(),
            message.value,
            this.directory,
            this.profiles,
          );
        }
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
        `directory holds ${this.directory.size} jobs and ${this.profiles.size} profiles ` +
          `after ${Date.now() - started} ms`,
      );
    } else {
      this.logger.warn(
        'directory still catching up; filters and display fields may miss entities for now',
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = null;
  }
}
