import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { ConsumedRecord } from './consumed-record';
import { toConsumedRecord } from './consumed-record';
import { retryRetriable } from '@matchstream/errors';
import { undecodableBatchOf } from './codecs/undecodable-batch';

/**
 * Follows a topic from its end offsets at the time of `start` (nothing published after `start`
 * resolves is missed), with a throwaway consumer group that commits nothing. For watchers: the
 * demo, tests, live streams.
 */
export class TopicTail {
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly onRecord: (record: ConsumedRecord) => void,
    private readonly groupPrefix = 'matchstream-tail',
  ) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await retryRetriable(() => admin.fetchTopicOffsets(this.topic)).finally(() =>
      admin.disconnect(),
    );
    const startAt = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));

    const groupId = `${this.groupPrefix}-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const record = toConsumedRecord(this.topic, partition, message);
        // Placeholders for a batch that could not be decoded carry nothing a watcher can use.
        if (
          BigInt(message.offset) >= (startAt.get(partition) ?? 0n) &&
          !undecodableBatchOf(record.headers)
        ) {
          this.onRecord(record);
        }
        return Promise.resolve();
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
