import LZ4Codec from '@2l/kafkajs-lz4';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import snappyCodec from 'kafkajs-snappy';
import type { KafkaCodec } from './kafka-codec';
import { tolerantCodec } from './undecodable-batch';
import { zstdCodec } from './zstd.codec';

const REGISTERED = Symbol.for('matchstream.kafka.codecs-registered');

/** Codec ids the record batch format reserves but Kafka does not define (attributes & 0x07). */
const UNDEFINED_CODEC_IDS = [5, 6, 7];

/**
 * kafkajs ships gzip only; records compressed with snappy, lz4 or zstd (defaults of many Java and
 * Go producers) make its consumer crash for good with KafkaJSNotImplemented. This registers every
 * Kafka codec in kafkajs's process-wide table, once, each wrapped so that a batch it cannot
 * decompress is dead-lettered instead of halting consumption (see undecodable-batch.ts).
 * Called by createKafkaClient, so every consumer and producer of every service has them.
 *
 * - snappy: kafkajs-snappy (pure JavaScript snappyjs; reads the xerial framing Java writes);
 * - lz4: @2l/kafkajs-lz4 (lz4-napi: its per-platform binaries are npm packages, nothing is
 *   downloaded or built at install); Kafka uses the LZ4 frame format, which it reads and writes;
 * - zstd: fzstd to decompress, WebAssembly to compress (zstd.codec.ts).
 */
export function registerCompressionCodecs(): void {
  const table = CompressionCodecs as unknown as Record<number, () => KafkaCodec> & {
    [REGISTERED]?: true;
  };
  if (table[REGISTERED]) return;
  table[CompressionTypes.GZIP] = tolerantCodec(
    'gzip',
    CompressionTypes.GZIP,
    table[CompressionTypes.GZIP],
  );
  table[CompressionTypes.Snappy] = tolerantCodec('snappy', CompressionTypes.Snappy, snappyCodec);
  table[CompressionTypes.LZ4] = tolerantCodec('lz4', CompressionTypes.LZ4, new LZ4Codec().codec);
  table[CompressionTypes.ZSTD] = tolerantCodec('zstd', CompressionTypes.ZSTD, zstdCodec);
  for (const id of UNDEFINED_CODEC_IDS) {
    table[id] = tolerantCodec(`unknown codec ${id}`, id, () => {
      throw new Error(`compression codec ${id} is not defined by Kafka`);
    });
  }
  table[REGISTERED] = true;
}
