import { spawn } from 'node:child_process';
import {
  existsSync,
  openSync,
  closeSync,
  readSync,
  writeSync,
  readdirSync,
  fstatSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { TOPICS } from '@matchstream/contracts';
import { ensureTopics } from '@matchstream/kafka';
import { profileUpserted, resetEventIds } from '@matchstream/testing';
import { CompressionTypes } from 'kafkajs';
import type { Producer } from 'kafkajs';
import {
  BROKERS,
  PipelineHarness,
  UNRELATED_PROFILE,
  runId,
  waitFor,
} from '../support/pipeline-harness';
import { parseMetrics } from '../support/prometheus-text';

/**
 * Records compressed by Kafka's own Java producer with every codec reach the pipeline, and a batch
 * that cannot be decompressed is dead-lettered while the partition keeps flowing behind it.
 *
 * The undecodable batch is made the way it happens in the wild: the broker validates what it is
 * sent, so the batch is written valid and then damaged in the broker's own log segment (bit rot),
 * which the broker serves as it is and kafkajs does not check (it skips CRCs).
 */
const ROOT = resolve(__dirname, '../..');
const KAFKA_LIBS = join(process.env.MS_CACHE_DIR ?? join(ROOT, '.cache'), 'kafka/libs/*');
const KAFKA_DATA = join(process.env.MS_RUN_DIR ?? join(ROOT, '.run'), 'kafka/data');
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Runs a Kafka command-line tool (a JVM) with `input` on stdin; resolves with its stdout. */
function kafkaTool(mainClass: string, args: string[], input = ''): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('java', ['-Xms64m', '-Xmx256m', '-cp', KAFKA_LIBS, mainClass, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`${mainClass} exited ${code}: ${stderr.slice(-2000)}`)),
    );
    child.stdin.end(input);
  });
}

/** Kafka's own console producer, one batch compressed with `codec`. */
const javaProduce = (topic: string, codec: string, lines: string[]) =>
  kafkaTool(
    'kafka.tools.ConsoleProducer',
    [
      '--bootstrap-server',
      BROKERS,
      '--topic',
      topic,
      '--compression-codec',
      codec,
      '--property',
      'parse.key=true',
      '--property',
      'key.separator=|',
    ],
    `${lines.join('\n')}\n`,
  );

/**
 * Overwrites the first bytes of the compressed records of the batch at `offset` in the broker's
 * segment files of `topic`-`partition` (record batch v2: records start 61 bytes in).
 */
function corruptBatchOnDisk(topic: string, partition: number, offset: bigint): void {
  const dir = join(KAFKA_DATA, `${topic}-${partition}`);
  if (!existsSync(dir)) throw new Error(`no broker log at ${dir}: set MS_RUN_DIR to the broker's`);
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .filter((f) => BigInt(f.replace('.log', '')) <= offset);
  const fd = openSync(join(dir, segments[segments.length - 1]), 'r+');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(12);
    for (let position = 0; position + 12 <= size;) {
      readSync(fd, head, 0, 12, position);
      const baseOffset = head.readBigInt64BE(0);
      const length = head.readInt32BE(8);
      if (baseOffset === offset) {
        writeSync(fd, Buffer.alloc(12, 0xa5), 0, 12, position + 61);
        return;
      }
      position += 12 + length;
    }
    throw new Error(`batch at offset ${offset} not found in ${dir}`);
  } finally {
    closeSync(fd);
  }
}

describe('compressed input', () => {
  const harness = new PipelineHarness(runId('fault-codecs'));
  const id = (name: string) => `${harness.run}-${name}`;
  const event = (name: string) =>
    JSON.stringify(profileUpserted({ entityId: id(name), payload: UNRELATED_PROFILE }));
  let producer: Producer;
  /** Where the damaged batch ends, so that it can be cut from the log after the suite. */
  let damagedUpTo: { partition: number; offset: string } | null = null;

  beforeAll(async () => {
    resetEventIds(harness.run);
    // The embedding service starts only once the input is in place (and damaged).
    await harness.start({ embedding: false, matching: false });
    producer = harness.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterAll(async () => {
    try {
      // Suites after this one on the same broker start consumer groups from the beginning: they
      // would meet the damaged batch too. Records up to the event behind it are deleted.
      if (damagedUpTo) {
        const admin = harness.kafka.admin();
        await admin.connect();
        try {
          await admin.fetchTopicMetadata({ topics: [TOPICS.profileEvents] });
          await admin.deleteTopicRecords({
            topic: TOPICS.profileEvents,
            partitions: [damagedUpTo],
          });
        } finally {
          await admin.disconnect();
        }
      }
    } finally {
      await producer?.disconnect();
      await harness.stop();
    }
  });

  it('embeds events from the Java producer with every codec and dead-letters an undecodable batch', async () => {
    await Promise.all(
      CODECS.map((codec) =>
        javaProduce(TOPICS.profileEvents, codec, [`${id(codec)}|${event(codec)}`]),
      ),
    );

    // An lz4 batch of two events, then a valid event behind it, all on one partition.
    const partition = 0;
    const [victim] = await producer.send({
      topic: TOPICS.profileEvents,
      compression: CompressionTypes.LZ4,
      acks: -1,
      messages: ['damaged-1', 'damaged-2'].map((name) => ({
        key: id(name),
        value: event(name),
        partition,
      })),
    });
    const offset = BigInt(victim.baseOffset!);
    await producer.send({
      topic: TOPICS.profileEvents,
      acks: -1,
      messages: [{ key: id('behind'), value: event('behind'), partition }],
    });
    corruptBatchOnDisk(TOPICS.profileEvents, partition, offset);
    damagedUpTo = { partition, offset: (offset + 2n).toString() };

    await harness.startEmbedding();
    for (const name of [...CODECS, 'behind']) {
      await waitFor(
        `the vector of ${name}`,
        () => harness.vectorsFor('profile', id(name)).length > 0,
        45000,
      );
    }
    const letter = await waitFor('the undecodable batch dead-lettered', () =>
      harness.deadLetters.items.find(
        (d) => d.reason === 'undecodable-record' && d.sourceOffset === offset.toString(),
      ),
    );
    expect(letter.sourceTopic).toBe(TOPICS.profileEvents);
    expect(letter.key).toBeNull();
    expect(letter.detail).toMatch(
      new RegExp(`^lz4 record batch at offsets ${offset}\\.\\.${offset + 1n} \\(2 records`),
    );
    expect(harness.vectorsFor('profile', id('damaged-1'))).toEqual([]);
    expect(harness.vectorsFor('profile', id('damaged-2'))).toEqual([]);

    // /health tells the truth: the consumer is up, and so says the gauge.
    const ready = await fetch(await harness.url('embedding', '/health/ready'));
    expect(ready.status).toBe(200);
    expect(
      ((await ready.json()) as { components: Record<string, { status: string }> }).components
        .consumer.status,
    ).toBe('up');
    const metrics = parseMetrics(
      await (await fetch(await harness.url('embedding', '/metrics'))).text(),
    );
    expect(
      metrics.get(`matchstream_consumer_up{group="${harness.env.EMBEDDING_CONSUMER_GROUP}"}`),
    ).toBe(1);
  });

  it("writes every codec so that Kafka's own Java consumer reads it", async () => {
    const topic = `matchstream.test-codecs.${harness.run}`;
    await ensureTopics(harness.kafka, [{ topic, partitions: 1, config: {} }]);
    for (const codec of CODECS) {
      await producer.send({
        topic,
        acks: -1,
        compression: {
          gzip: CompressionTypes.GZIP,
          snappy: CompressionTypes.Snappy,
          lz4: CompressionTypes.LZ4,
          zstd: CompressionTypes.ZSTD,
        }[codec],
        messages: [{ key: codec, value: `written with ${codec} `.repeat(20) }],
      });
    }
    const out = await kafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      BROKERS,
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      String(CODECS.length),
      '--timeout-ms',
      '20000',
      '--property',
      'print.key=true',
    ]);
    const keys = out
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[0]);
    expect(keys).toEqual([...CODECS]);
  });
});
