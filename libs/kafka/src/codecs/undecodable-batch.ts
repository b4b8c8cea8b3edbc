import { randomUUID } from 'node:crypto';
import type { KafkaCodec } from './kafka-codec';

/**
 * Why this exists: kafkajs decompresses record batches while it decodes a whole Fetch response,
 * so a batch it cannot decompress (corrupt bytes, a codec it lacks) fails the fetch of every
 * partition on that broker, with an error that names neither partition nor offset. The runner
 * then retries that same fetch forever, or (KafkaJSNotImplemented) crashes the consumer for good.
 * Nothing above kafkajs can skip the batch: the consumer never learns where it is.
 *
 * The one place that sees the bad batch is the codec, which kafkajs lets us replace
 * (CompressionCodecs). The codecs registered by registerCompressionCodecs() are wrapped here: when
 * decompression fails, or yields bytes that do not hold the batch's records, the wrapper reads
 * the batch header (first offset, record count, last offset delta) and returns, instead of the
 * records, as many placeholder records carrying an UNDECODABLE_HEADER. kafkajs then delivers them
 * at the batch's own offsets, so the consumer dead-letters the batch and commits past it through
 * its ordinary path, and every other partition keeps flowing.
 *
 * The header is read from the Kafka wire format (record batch v2), which is fixed, relying on one
 * property of kafkajs (pinned at 2.2.4): the buffer handed to `decompress` is a view into the
 * fetched batch, right after its header. That is checked before it is trusted (magic byte 2, the
 * batch length equal to header plus this buffer, the codec bits matching); if the check fails the
 * original error is thrown as before and the consumer's crash handling reports it.
 */

/** Header name on placeholder records; its value is the JSON of UndecodableBatch plus a nonce. */
export const UNDECODABLE_HEADER = 'x-matchstream-undecodable-batch';

export interface UndecodableBatch {
  /** The codec named by the batch attributes. */
  codec: string;
  firstOffset: string;
  lastOffset: string;
  /** Records the batch header announces. */
  records: number;
  error: string;
}

// Record batch v2: baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8,
// crc int32, attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
// producerId int64, producerEpoch int16, baseSequence int32, recordCount int32, then the records.
const HEADER_BYTES = 61;
const BYTES_COUNTED_BEFORE_RECORDS = HEADER_BYTES - 12; // batchLength counts from the epoch on
const MAGIC_V2 = 2;
const CODEC_MASK = 0x07;
/** The compressed bytes ride along on the first placeholder, for forensics, up to this size. */
const MAX_KEPT_BYTES = 256 * 1024;

// A random token per process (on globalThis, so that two copies of this module agree) marks
// placeholders as ours: a producer cannot forge one by setting the header on a real record.
const NONCE_KEY = Symbol.for('matchstream.kafka.undecodable-batch-nonce');
const globals = globalThis as { [NONCE_KEY]?: string };
const nonce = (globals[NONCE_KEY] ??= randomUUID());

interface BatchHeader {
  firstOffset: bigint;
  attributes: number;
  lastOffsetDelta: number;
  count: number;
}

/** The header of the v2 batch whose records section `records` is, or null if it is not one. */
function batchHeaderOf(records: Buffer): BatchHeader | null {
  if (records.byteOffset < HEADER_BYTES) return null;
  const header = Buffer.from(records.buffer, records.byteOffset - HEADER_BYTES, HEADER_BYTES);
  const length = header.readInt32BE(8);
  const magic = header.readInt8(16);
  if (magic !== MAGIC_V2 || length !== BYTES_COUNTED_BEFORE_RECORDS + records.length) return null;
  const count = header.readInt32BE(57);
  const lastOffsetDelta = header.readInt32BE(23);
  if (count <= 0 || lastOffsetDelta < 0) return null;
  return {
    firstOffset: header.readBigInt64BE(0),
    attributes: header.readInt16BE(21),
    lastOffsetDelta,
    count,
  };
}

function readVarInt(buffer: Buffer, offset: number): [value: number, next: number] | null {
  let raw = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (offset >= buffer.length) return null;
    const byte = buffer[offset++];
    raw |= (byte & 0x7f) << shift;
    if (byte < 0x80) return [(raw >>> 1) ^ -(raw & 1), offset];
  }
  return null;
}

/**
 * Whether `buffer` is `count` length-prefixed records: kafkajs reads past the end of a short
 * buffer without complaint (it decodes garbage), so a codec that "succeeds" on damaged input must
 * be caught here.
 */
function holdsRecords(buffer: Buffer, count: number): boolean {
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = readVarInt(buffer, offset);
    if (!length || length[0] < 0 || length[1] + length[0] > buffer.length) return false;
    offset = length[1] + length[0];
  }
  return true;
}

function varInt(value: number): Buffer {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

const bytesField = (value: Buffer | null) =>
  value === null ? varInt(-1) : Buffer.concat([varInt(value.length), value]);

/** One record v2: no key, the given value, one header. */
function placeholderRecord(offsetDelta: number, value: Buffer | null, marker: Buffer): Buffer {
  const name = Buffer.from(UNDECODABLE_HEADER);
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    varInt(0), // timestamp delta
    varInt(offsetDelta),
    bytesField(null), // key
    bytesField(value),
    varInt(1), // header count
    varInt(name.length),
    name,
    bytesField(marker),
  ]);
  return Buffer.concat([varInt(body.length), body]);
}

function placeholders(
  header: BatchHeader,
  codec: string,
  compressed: Buffer,
  error: unknown,
): Buffer {
  const info: UndecodableBatch & { nonce: string } = {
    nonce,
    codec,
    firstOffset: header.firstOffset.toString(),
    lastOffset: (header.firstOffset + BigInt(header.lastOffsetDelta)).toString(),
    records: header.count,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
  const marker = Buffer.from(JSON.stringify(info));
  const kept = compressed.length <= MAX_KEPT_BYTES ? Buffer.from(compressed) : null;
  const records: Buffer[] = [];
  for (let i = 0; i < header.count; i++) {
    // The last placeholder sits at the batch's last offset, so committing it moves past the batch.
    const delta =
      i === header.count - 1 ? header.lastOffsetDelta : Math.min(i, header.lastOffsetDelta);
    records.push(placeholderRecord(delta, i === 0 ? kept : null, marker));
  }
  return Buffer.concat(records);
}

/**
 * Wraps a codec factory so that a batch it cannot decompress comes out as placeholder records.
 * `codec` names it in the placeholders; `type` is the codec's id in the batch attributes.
 */
export function tolerantCodec(
  codec: string,
  type: number,
  factory: () => KafkaCodec,
): () => KafkaCodec {
  let inner: KafkaCodec | null = null;
  const wrapped: KafkaCodec = {
    compress: (encoder) => (inner ??= factory()).compress(encoder),
    async decompress(buffer) {
      const header = batchHeaderOf(buffer);
      const trusted = header !== null && (header.attributes & CODEC_MASK) === type;
      let failure: unknown;
      try {
        const out = await (inner ??= factory()).decompress(buffer);
        if (!trusted || holdsRecords(out, header.count)) return out;
        failure = new Error(`decompressed ${out.length} bytes do not hold ${header.count} records`);
      } catch (error) {
        failure = error;
      }
      if (!trusted) throw failure;
      return placeholders(header, codec, buffer, failure);
    },
  };
  return () => wrapped;
}

/**
 * The undecodable batch a consumed record stands for, when it is one of our placeholders
 * (`headers` as decoded strings).
 */
export function undecodableBatchOf(headers: Record<string, string>): UndecodableBatch | null {
  const raw = headers[UNDECODABLE_HEADER];
  if (raw === undefined) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<UndecodableBatch & { nonce: string }>;
    if (parsed.nonce !== nonce) return null;
    return {
      codec: String(parsed.codec),
      firstOffset: String(parsed.firstOffset),
      lastOffset: String(parsed.lastOffset),
      records: Number(parsed.records),
      error: String(parsed.error),
    };
  } catch {
    return null;
  }
}
