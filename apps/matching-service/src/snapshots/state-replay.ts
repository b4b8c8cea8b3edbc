import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { ConsumedRecord } from '@matchstream/kafka';
import { toConsumedRecord, undecodableBatchOf } from '@matchstream/kafka';

/** Records replayed so far, of at most how many (compaction leaves fewer than the offsets span). */
export type ReplayProgress = (replayed: number, atMost: number) => void;

/**
 * Rebuilds in-memory state after a restart: reads the compacted entity-vector topic from the start
 * (or from where a loaded snapshot ends) up to the offsets the consumer group has committed, so that the group consumer then continues
 * exactly where the state left off: nothing is lost or applied twice.
 * Returns the number of records replayed and the committed offsets (where the consumer resumes).
 */
export async function replayCommittedState(
  kafka: Kafka,
  groupId: string,
  topic: string,
  apply: (records: ConsumedRecord[]) => void,
  /** Where a loaded snapshot's state ends, per partition: replay starts there. */
  from: Map<number, bigint> = new Map(),
  onProgress: ReplayProgress = () => undefined,
): Promise<{ replayed: number; committed: Map<number, bigint> }> {
  const admin = kafka.admin();
  await admin.connect();
  const targets = new Map<number, bigint>();
  const resumeAt = new Map<number, bigint>();
  const replayGroup = `${groupId}.replay.${randomUUID()}`;
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const bounds = await admin.fetchTopicOffsets(topic);
    for (const { partition, offset } of committed?.partitions ?? []) {
      if (offset !== '-1') resumeAt.set(partition, BigInt(offset));
      const low = BigInt(bounds.find((b) => b.partition === partition)?.low ?? '0');
      const start = from.get(partition) ?? low;
      if (offset !== '-1' && BigInt(offset) > start) targets.set(partition, BigInt(offset));
    }
    if (targets.size === 0) return { replayed: 0, committed: resumeAt };
    let atMost = 0;
    for (const { partition, low } of bounds) {
      const target = targets.get(partition);
      const start = from.get(partition) ?? BigInt(low);
      if (target !== undefined && target > start) atMost += Number(target - start);
    }
    onProgress(0, atMost);

    const consumer = kafka.consumer({ groupId: replayGroup, allowAutoTopicCreation: false });
    let replayed = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const pending = new Set(targets.keys());
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const target = targets.get(batch.partition);
              if (target === undefined || !pending.has(batch.partition)) return;
              const start = from.get(batch.partition) ?? 0n;
              const records = batch.messages
                .filter((m) => BigInt(m.offset) >= start && BigInt(m.offset) < target)
                .map((m) => toConsumedRecord(batch.topic, batch.partition, m))
                // An undecodable batch was dead-lettered by the live consumer; nothing to replay.
                .filter((r) => !undecodableBatchOf(r.headers));
              apply(records);
              replayed += records.length;
              onProgress(replayed, atMost);
              const last = batch.messages[batch.messages.length - 1];
              if (last && BigInt(last.offset) >= target - 1n) {
                pending.delete(batch.partition);
                consumer.pause([{ topic, partitions: [batch.partition] }]);
                if (pending.size === 0) resolve();
              }
              await Promise.resolve();
            },
          })
          .then(() => {
            for (const [partition, offset] of from) {
              if (targets.has(partition))
                consumer.seek({ topic, partition, offset: offset.toString() });
            }
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([replayGroup]).catch(() => undefined);
    }
    return { replayed, committed: resumeAt };
  } finally {
    await admin.disconnect();
  }
}
