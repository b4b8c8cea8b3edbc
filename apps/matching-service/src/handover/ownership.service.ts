import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT } from '@matchstream/kafka';
import { HealthService, MetricsService } from '@matchstream/observability';
import type { Kafka } from 'kafkajs';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';
import { GroupMembership } from '../ownership/group-membership';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { Handover } from './handover';

const HANDOVER_CHECK_MS = 500;
const HANDOVER_STUCK_MS = 120_000;

/**
 * Joins this instance to the group that divides the subjects (see GroupMembership) and turns the
 * group's decisions into handovers: a rebalance fences publishing at once; an assignment is handed
 * to the Handover with the log-end offsets read right after it. Health shows what it owns.
 */
@Injectable()
export class OwnershipService implements OnApplicationShutdown {
  private readonly logger = new Logger(OwnershipService.name);
  private membership: GroupMembership | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Assignments are handed over in order; a later one supersedes an earlier one. */
  private handovers: Promise<void> = Promise.resolve();

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly ownership: PartitionOwnership,
    private readonly handover: Handover,
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
    @Inject(MATCHING_SERVICE_CONFIG) private readonly config: MatchingServiceConfig,
  ) {}

  /** The vector topic's partition count (subjects hash over it). */
  async partitionCount(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [TOPICS.entityVectors] });
      return topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  /** Joins the group (after start-up recovery). */
  async start(): Promise<void> {
    const since = Date.now();
    this.health.register('ownership', () => {
      const detail =
        `instance ${this.config.MATCHING_INSTANCE_ID}: ${this.ownership.phase}, ` +
        `partitions [${this.ownership.held.join(', ')}] of ${this.ownership.partitionCount}`;
      // Not ready before its first handover: until then it serves a state behind the log.
      if (!this.ownership.everReady) return { status: 'down', detail: `${detail}; starting` };
      // A handover takes seconds; one that does not end means its subjects get no updates.
      const waiting = Date.now() - Math.max(since, this.ownership.assignedAt);
      return this.ownership.phase !== 'ready' && waiting > HANDOVER_STUCK_MS
        ? {
            status: 'degraded',
            detail: `${detail}; not publishing for ${Math.round(waiting / 1000)} s`,
          }
        : { status: 'up', detail };
    });
    this.membership = new GroupMembership(
      this.kafka,
      this.config.MATCHING_CONSUMER_GROUP,
      TOPICS.entityVectors,
      {
        onRevoke: () => {
          this.ownership.fence();
        },
        onAssign: (partitions) => {
          // (Also when no rebalance was announced: a member that lost its session rejoins.)
          this.ownership.fence();
          const epoch = this.ownership.epoch;
          this.handovers = this.handovers
            .then(async () => {
              const ends = await this.logEnds();
              // A later rebalance supersedes this assignment.
              if (epoch === this.ownership.epoch) await this.handover.assign(partitions, ends);
            })
            .catch((error: unknown) => {
              this.metrics.dependencyErrors.inc({ dependency: 'kafka' });
              this.logger.error(`handover of [${partitions.join(', ')}] failed: ${String(error)}`);
            });
        },
      },
      this.config.MATCHING_SESSION_TIMEOUT_MS,
    );
    await this.membership.start();
    // A handover completes after the chunk that catches up; with no chunk coming, by this.
    this.timer = setInterval(() => {
      if (this.ownership.phase !== 'catching-up') return;
      this.handover.tryComplete().catch((error: unknown) => {
        this.logger.warn(`handover not completed yet: ${String(error)}`);
      });
    }, HANDOVER_CHECK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.membership?.stop();
  }

  /** Next offset to be written per partition, for the partitions that hold records. */
  private async logEnds(): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(TOPICS.entityVectors);
      return new Map(
        offsets
          .filter((o) => BigInt(o.high) > BigInt(o.low))
          .map((o) => [o.partition, BigInt(o.high)]),
      );
    } finally {
      await admin.disconnect();
    }
  }
}
