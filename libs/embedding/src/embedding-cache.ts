import type { Redis } from 'ioredis';

/**
 * Vectors by content hash. The key holds the model id and text-builder version, so a change of
 * either never serves a stale vector. Values are raw float32 bytes.
 */
export class EmbeddingCache {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    private readonly ttlSeconds = 30 * 86400,
  ) {}

  key(contentHash: string): string {
    return `${this.namespace}:${contentHash}`;
  }

  async getMany(hashes: string[]): Promise<(Float32Array | null)[]> {
    if (hashes.length === 0) return [];
    const values = await this.redis.mgetBuffer(...hashes.map((h) => this.key(h)));
    return values.map((buffer) => {
      if (!buffer || buffer.length % 4 !== 0) return null;
      const out = new Float32Array(buffer.length / 4);
      for (let i = 0; i < out.length; i++) out[i] = buffer.readFloatLE(i * 4);
      return out;
    });
  }

  async setMany(entries: { hash: string; vector: Float32Array }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { hash, vector } of entries) {
      pipeline.set(
        this.key(hash),
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
        'EX',
        this.ttlSeconds,
      );
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async delete(hashes: string[]): Promise<void> {
    if (hashes.length) await this.redis.del(...hashes.map((h) => this.key(h)));
  }
}
