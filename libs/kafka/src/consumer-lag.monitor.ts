import type { Admin, Kafka } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Consumer lag per partition (end offset minus committed offset), which kafkajs does not export.
 * A partition the group never committed counts its whole retained range as lag.
 */
export class ConsumerLagMonitor {
  private admin: Admin | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: readonly string[],
  ) {}

  async measure(): Promise<PartitionLag[]> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const admin = this.admin;
    const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: [...this.topics] });
    const result: PartitionLag[] = [];
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const commit = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const from = commit === '-1' ? BigInt(end.low) : BigInt(commit);
        const lag = BigInt(end.high) - from;
        result.push({ topic, partition: end.partition, lag: Number(lag > 0n ? lag : 0n) });
      }
    }
    return result;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }
}
