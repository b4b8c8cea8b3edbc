import { sha256Hex } from './content-hash';
import type { EmbeddingCache } from './embedding-cache';
import { poolChunkVectors } from './embedding-inputs';
import { MicroBatcher } from './micro-batcher';
import type { MicroBatcherOptions } from './micro-batcher';
import type { EmbeddingResult, TransformersEmbedder } from './transformers-embedder';

/** Joins a document's inputs for its content hash; never part of a canonical text. */
const INPUT_SEPARATOR = '\u241e';

export interface EmbeddingHooks {
  onInference?: (batchSize: number, seconds: number) => void;
  onCacheLookup?: (hits: number, misses: number) => void;
  onFreshVector?: (result: EmbeddingResult) => void;
}

export interface EmbeddedText {
  contentHash: string;
  vector: Float32Array;
  cached: boolean;
}

/**
 * Texts to vectors: cache first (by content hash), then the model through a micro-batcher that
 * merges concurrent callers' texts into one inference call. Identical texts are embedded once.
 */
export class CachedBatchEmbedder {
  private readonly batcher: MicroBatcher<string, EmbeddingResult>;

  constructor(
    private readonly embedder: TransformersEmbedder,
    private readonly cache: EmbeddingCache,
    batching: MicroBatcherOptions,
    private readonly hooks: EmbeddingHooks = {},
  ) {
    this.batcher = new MicroBatcher((texts) => this.infer(texts), batching);
  }

  get queued(): number {
    return this.batcher.queued;
  }

  async embedTexts(texts: string[]): Promise<EmbeddedText[]> {
    return this.embedDocuments(texts.map((text) => [text]));
  }

  /**
   * One vector per document from its model inputs (embeddingInputs: one, or several chunks whose
   * vectors are mean-pooled). The content hash covers every input, so a document of one input
   * hashes as its text alone and a change anywhere in a chunked one is a new vector.
   */
  async embedDocuments(documents: string[][]): Promise<EmbeddedText[]> {
    const texts = documents.map((inputs) => inputs.join(INPUT_SEPARATOR));
    const hashes = texts.map(sha256Hex);
    const cached = await this.cache.getMany(hashes);
    const missing = new Map<string, string[]>();
    hashes.forEach((hash, i) => {
      if (!cached[i] || cached[i].length !== this.embedder.dimension)
        missing.set(hash, documents[i]);
    });
    // A text needing no inference counts as a hit: cached, or a repeat of another text in the call.
    this.hooks.onCacheLookup?.(texts.length - missing.size, missing.size);

    const fresh = new Map<string, Float32Array>();
    if (missing.size > 0) {
      const entries = [...missing.entries()];
      const results = await this.batcher.submitAll(entries.flatMap(([, inputs]) => inputs));
      let offset = 0;
      for (const [hash, inputs] of entries) {
        const vectors = results.slice(offset, offset + inputs.length).map((r) => r.vector);
        fresh.set(hash, poolChunkVectors(vectors));
        offset += inputs.length;
      }
      await this.cache.setMany([...fresh.entries()].map(([hash, vector]) => ({ hash, vector })));
    }
    return hashes.map((hash, i) => {
      const hit = cached[i];
      if (hit && hit.length === this.embedder.dimension)
        return { contentHash: hash, vector: hit, cached: true };
      return { contentHash: hash, vector: fresh.get(hash) as Float32Array, cached: false };
    });
  }

  private async infer(texts: string[]): Promise<EmbeddingResult[]> {
    const started = process.hrtime.bigint();
    const results = await this.embedder.embed(texts);
    this.hooks.onInference?.(texts.length, Number(process.hrtime.bigint() - started) / 1e9);
    results.forEach((r) => this.hooks.onFreshVector?.(r));
    return results;
  }
}
