import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { ConsumedRecord } from '@matchstream/kafka';
import { toConsumedRecord, undecodableBatchOf } from '@matchstream/kafka';

/** Records replayed so far, of at most how many (compaction leaves fewer than the offsets span). */
export type ReplayProgress = (replayed: number, atMost: number) => void;

/** Where a replica group stands on the vector topic, per partition that holds records. */
export interface ReplayBounds {
  /** The group's committed offsets: where its consumer resumes. */
  committed: Map<number, bigint>;
  /** The next offset to be written (the log end). */
  ends: Map<number, bigint>;
  /** The first offset still in the log. */
  starts: Map<number, bigint>;
}

export async function replayBounds(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<ReplayBounds> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const bounds = await admin.fetchTopicOffsets(topic);
    return {
      committed: new Map(
        (committed?.partitions ?? [])
          .filter((p) => p.offset !== '-1')
          .map((p) => [p.partition, BigInt(p.offset)]),
      ),
      ends: new Map(bounds.map((b) => [b.partition, BigInt(b.high)])),
      starts: new Map(bounds.map((b) => [b.partition, BigInt(b.low)])),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Moves a replica group's committed offsets to `offsets` (the group must have no member yet). */
export async function commitReplicaOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  offsets: ReadonlyMap<number, bigint>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [...offsets].map(([partition, offset]) => ({
        partition,
        offset: offset.toString(),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Rebuilds in-memory state after a restart: reads the compacted entity-vector topic from where a
 * loaded snapshot ends (`from`; the log start without one) up to `until` per partition (the
 * group's committed offsets, or the log end for a bulk load), handing each batch to `apply`.
 * Returns the number of records replayed.
 */
export async function replayVectorTopic(
  kafka: Kafka,
  groupId: string,
  topic: string,
  apply: (records: ConsumedRecord[]) => void,
  from: ReadonlyMap<number, bigint>,
  until: ReadonlyMap<number, bigint>,
  starts: ReadonlyMap<number, bigint>,
  onProgress: ReplayProgress = () => undefined,
): Promise<number> {
  const targets = new Map<number, bigint>();
  let atMost = 0;
  for (const [partition, target] of until) {
    const start = from.get(partition) ?? starts.get(partition) ?? 0n;
    if (target > start) {
      targets.set(partition, target);
      atMost += Number(target - start);
    }
  }
  if (targets.size === 0) return 0;
  onProgress(0, atMost);
  const admin = kafka.admin();
  await admin.connect();
  const replayGroup = `${groupId}.replay.${randomUUID()}`;
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
    await admin.disconnect();
  }
  return replayed;
}
