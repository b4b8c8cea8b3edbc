import { compress as wasmCompress, init as initWasm } from '@bokuweb/zstd-wasm';
import { decompress as jsDecompress } from 'fzstd';
import type { KafkaCodec } from './kafka-codec';

/** Kafka's default zstd level (compression.zstd.level). */
const LEVEL = 3;

let wasmReady: Promise<void> | null = null;

/**
 * zstd without a native addon: decompression in plain JavaScript (fzstd), which also reads the
 * streamed frames Java's zstd-jni writes (no content size in the frame header, which the WASM
 * build's one-shot decompress cannot size); compression in WebAssembly, loaded on first use so a
 * service that never produces zstd never loads it.
 */
export function zstdCodec(): KafkaCodec {
  return {
    async compress(encoder) {
      wasmReady ??= initWasm();
      await wasmReady;
      const out = wasmCompress(encoder.buffer, LEVEL);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    },
    decompress(buffer) {
      const out = jsDecompress(buffer);
      return Promise.resolve(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    },
  };
}
