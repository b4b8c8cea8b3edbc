// kafkajs-snappy ships no type declarations; this is the shape kafkajs expects of every codec.
declare module 'kafkajs-snappy' {
  const snappyCodec: () => {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };
  export = snappyCodec;
}
