import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { toConsumedRecord } from '../consumed-record';
import { recordSegments } from '../record-segments';
import type { KafkaCodec } from './kafka-codec';
import { registerCompressionCodecs } from './register-compression-codecs';
import { UNDECODABLE_HEADER, undecodableBatchOf } from './undecodable-batch';

// kafkajs's own record batch encoder and the Fetch response's batch decoder: the specs go through
// the exact code that consumes a fetched batch, including the buffer views the wrapper relies on.
/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  options: Record<string, unknown>,
) => unknown;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (
  decoder: unknown,
) => Promise<KafkaMessage[]>;
/* eslint-enable @typescript-eslint/no-require-imports */

const CODECS = [
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;

const codecOf = (type: number) =>
  (CompressionCodecs as unknown as Record<number, () => KafkaCodec>)[type]();

/** A batch of `count` records at `firstOffset`, as a broker would return it in a Fetch. */
async function fetchedBatch(compression: number, count: number, firstOffset = 100) {
  const records = Array.from({ length: count }, (_, i) =>
    Record({
      offsetDelta: i,
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(JSON.stringify({ n: i, text: 'x'.repeat(200) })),
      headers: { h: `v${i}` },
    }),
  );
  const batch = await RecordBatch({
    compression,
    firstOffset: BigInt(firstOffset),
    lastOffsetDelta: count - 1,
    records,
  });
  // The fetch response's records field: an int32 size, then the batches.
  const size = Buffer.alloc(4);
  size.writeInt32BE(batch.buffer.length);
  return Buffer.concat([size, batch.buffer]);
}

const decodeFetched = (bytes: Buffer) => decodeMessages(new Decoder(bytes));

/** Overwrites bytes inside the compressed records section (it starts 61 bytes into the batch). */
function corrupt(fetched: Buffer): Buffer {
  const copy = Buffer.from(fetched);
  copy.fill(0xa5, 4 + 61, 4 + 61 + 12);
  return copy;
}

describe('registerCompressionCodecs', () => {
  beforeAll(() => registerCompressionCodecs());

  it('is idempotent', () => {
    const before = codecOf(CompressionTypes.LZ4);
    registerCompressionCodecs();
    expect(codecOf(CompressionTypes.LZ4)).toBe(before);
  });

  it.each(CODECS)('%s round-trips through the codec interface', async (_name, type) => {
    const codec = codecOf(type);
    const input = Buffer.from('matchstream '.repeat(500));
    const compressed = await codec.compress({ buffer: input });
    expect(compressed.length).toBeLessThan(input.length);
    expect(Buffer.compare(await codec.decompress(compressed), input)).toBe(0);
  });

  it.each(CODECS)(
    '%s batches decode through kafkajs with offsets, keys and headers',
    async (_n, type) => {
      const messages = await decodeFetched(await fetchedBatch(type, 5));
      expect(messages.map((m) => m.offset)).toEqual(['100', '101', '102', '103', '104']);
      expect(messages.map((m) => m.key?.toString())).toEqual(
        [0, 1, 2, 3, 4].map((i) => `key-${i}`),
      );
      expect(JSON.parse(messages[4].value!.toString())).toEqual({ n: 4, text: 'x'.repeat(200) });
      expect(messages[2].headers?.h?.toString()).toBe('v2');
      expect(messages.some((m) => m.headers?.[UNDECODABLE_HEADER])).toBe(false);
    },
  );

  it.each(CODECS)(
    'a corrupt %s batch comes out as one placeholder per offset, marked undecodable',
    async (name, type) => {
      const messages = await decodeFetched(corrupt(await fetchedBatch(type, 3, 40)));
      expect(messages.map((m) => m.offset)).toEqual(['40', '41', '42']);
      const batches = messages.map((m) => undecodableBatchOf(toConsumedRecord('t', 0, m).headers));
      for (const batch of batches) {
        expect(batch).toEqual({
          codec: name,
          firstOffset: '40',
          lastOffset: '42',
          records: 3,
          error: expect.any(String) as string,
        });
      }
      expect(messages.every((m) => m.key === null)).toBe(true);
      // The compressed bytes ride on the first placeholder only.
      expect(messages[0].value?.length).toBeGreaterThan(0);
      expect(messages[1].value).toBeNull();
    },
  );

  it('a batch whose codec id Kafka does not define is marked undecodable too', async () => {
    const fetched = await fetchedBatch(CompressionTypes.GZIP, 2);
    // Attributes sit at 21..23 of the batch; the CRC is not checked by kafkajs.
    fetched.writeInt16BE(6, 4 + 21);
    const messages = await decodeFetched(fetched);
    expect(messages.map((m) => m.offset)).toEqual(['100', '101']);
    expect(undecodableBatchOf(toConsumedRecord('t', 0, messages[0]).headers)?.codec).toBe(
      'unknown codec 6',
    );
  });

  it('a decodable batch after an undecodable one on the same partition decodes normally', async () => {
    const bad = corrupt(await fetchedBatch(CompressionTypes.LZ4, 2, 10));
    const good = await fetchedBatch(CompressionTypes.ZSTD, 2, 12);
    const both = Buffer.concat([bad.subarray(4), good.subarray(4)]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(both.length);
    const messages = await decodeFetched(Buffer.concat([size, both]));
    expect(messages.map((m) => m.offset)).toEqual(['10', '11', '12', '13']);
    const marked = messages.map((m) => undecodableBatchOf(toConsumedRecord('t', 0, m).headers));
    expect(marked.map((b) => b !== null)).toEqual([true, true, false, false]);
    expect(messages[3].key?.toString()).toBe('key-1');
    // The consumer dead-letters the bad batch as one and processes the rest.
    const segments = recordSegments(
      messages.map((m) => toConsumedRecord('t', 0, m)),
      64,
    );
    expect(segments.map((seg) => [seg.kind, seg.records.map((r) => r.offset)])).toEqual([
      ['undecodable', ['10', '11']],
      ['records', ['12', '13']],
    ]);
  });

  it('ignores a forged marker header on a real record', () => {
    const forged = JSON.stringify({ nonce: 'guess', codec: 'lz4', firstOffset: '0' });
    expect(undecodableBatchOf({ [UNDECODABLE_HEADER]: forged })).toBeNull();
    expect(undecodableBatchOf({ [UNDECODABLE_HEADER]: 'not json' })).toBeNull();
    expect(undecodableBatchOf({})).toBeNull();
  });

  it('rethrows when the buffer is not a fetched batch it can verify', async () => {
    const codec = codecOf(CompressionTypes.LZ4);
    await expect(codec.decompress(Buffer.from('definitely not lz4'))).rejects.toThrow();
  });
});
