import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS } from '@matchstream/contracts';
import { retryRetriable } from '@matchstream/errors';
import { KAFKA_CLIENT } from '@matchstream/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { GatewayStats } from './gateway-stats.service';

/** Offsets are cheap to ask for, and the live view polls its counters about this often. */
const POLL_MS = 2000;

const WATCHED = { profiles: TOPICS.profileEvents, jobs: TOPICS.jobEvents } as const;
type Side = keyof typeof WATCHED;

/**
 * Counts the records appended to the input topics since this gateway started, from their end
 * offsets: every producer's, not only this gateway's HTTP ingestion (the demo and other services
 * publish straight to Kafka). Producers are idempotent, not transactional, so every offset is a
 * record (no transaction markers in between).
 */
@Injectable()
export class InputTopicsWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InputTopicsWatcher.name);
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;
  private baseline: Record<Side, bigint> | null = null;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly stats: GatewayStats,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.baseline = await this.ends();
    this.stats.inputTopicRecords = { profiles: 0, jobs: 0 };
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      const ends = await this.ends();
      const baseline = this.baseline!;
      this.stats.inputTopicRecords = {
        profiles: Number(ends.profiles - baseline.profiles),
        jobs: Number(ends.jobs - baseline.jobs),
      };
    } catch (error) {
      // The last count stays; it is behind, never wrong about what it covered.
      this.logger.warn(`input topic offsets unavailable: ${String(error)}`);
    } finally {
      if (this.admin) this.schedule();
    }
  }

  private async ends(): Promise<Record<Side, bigint>> {
    const admin = this.admin!;
    const sum = async (topic: string) =>
      (await retryRetriable(() => admin.fetchTopicOffsets(topic))).reduce(
        (total, o) => total + BigInt(o.high),
        0n,
      );
    return { profiles: await sum(WATCHED.profiles), jobs: await sum(WATCHED.jobs) };
  }
}
