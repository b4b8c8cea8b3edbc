import { Logger } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';

export interface MembershipListener {
  /** A rebalance began: whatever this member owned may be another's soon. Synchronous. */
  onRevoke(): void;
  /** The group assigned these partitions of the topic to this member. */
  onAssign(partitions: number[], memberId: string): void;
}

/**
 * This instance's membership of the consumer group that divides the vector topic's partitions
 * (and so the subjects) between the matching instances. The consumer processes nothing (each
 * instance reads every partition through its own replica consumer); it only takes part in the
 * group, and its assignments say what this instance owns. Kafka's group protocol is the only
 * coordinator.
 */
export class GroupMembership {
  private readonly logger = new Logger(GroupMembership.name);
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly listener: MembershipListener,
    private readonly sessionTimeoutMs: number,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.sessionTimeoutMs,
      // It processes nothing, so it rejoins at once; a member that does not is dead.
      rebalanceTimeout: this.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.sessionTimeoutMs / 10)),
      allowAutoTopicCreation: false,
      // Fetches only to keep the session alive: the records are not used.
      maxBytesPerPartition: 1,
      maxWaitTimeInMs: 1000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.REBALANCING, () => {
      this.logger.log('rebalance began: fenced');
      this.listener.onRevoke();
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = [...(payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b);
      this.logger.log(`assigned partitions [${partitions.join(', ')}] as ${payload.memberId}`);
      this.listener.onAssign(partitions, payload.memberId);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts after retriable errors; until it rejoins, this instance owns nothing.
      this.logger.warn(`group membership crashed (restart: ${payload.restart}): ${payload.error}`);
      this.listener.onRevoke();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await consumer.run({ autoCommit: true, eachBatch: () => Promise.resolve() });
  }

  /** Leaves the group at once, so the others take this instance's partitions over now. */
  async stop(): Promise<void> {
    this.listener.onRevoke();
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
