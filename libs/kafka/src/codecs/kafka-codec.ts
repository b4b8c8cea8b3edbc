/** A compression codec as kafkajs calls it (CompressionCodecs[type]() returns one). */
export interface KafkaCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
