/**
 * Embedding section, model side: what the model alone can do on this machine. Texts are the
 * canonical texts the embedding service would build for the same payloads (same sections, same
 * token budget), so the raw figures and the pipeline figures describe the same work.
 */
import { jobPayload, profilePayload } from '@matchstream/contracts';
import type { JobPayloadInput, ProfilePayloadInput } from '@matchstream/contracts';
import type { TransformersEmbedder } from '@matchstream/embedding';
import { fitAllToTokenBudget, jobSections, profileSections } from '@matchstream/embedding';
import { summarize, throughput } from '../harness/stats';
import type { Summary } from '../harness/stats';

export async function profileTexts(
  embedder: TransformersEmbedder,
  payloads: readonly ProfilePayloadInput[],
): Promise<string[]> {
  return fitAllToTokenBudget(
    payloads.map((p) => profileSections(profilePayload.parse(p))),
    embedder.maxTokens - 2, // [CLS] and [SEP], as the service does
    (words) => embedder.countTokens(words),
  );
}

export async function jobTexts(
  embedder: TransformersEmbedder,
  payloads: readonly JobPayloadInput[],
): Promise<string[]> {
  return fitAllToTokenBudget(
    payloads.map((j) => jobSections(jobPayload.parse(j))),
    embedder.maxTokens - 2,
    (words) => embedder.countTokens(words),
  );
}

export interface BatchSizeResult {
  batchSize: number;
  texts: number;
  seconds: number;
  /** Texts per second. */
  throughput: number;
}

/**
 * The raw model: `embed` in a tight loop over the same texts at each batch size, one call at a
 * time, each call one ONNX run of the texts in their given order (no sorting, no splitting).
 */
export async function sweepBatchSizes(
  embedder: TransformersEmbedder,
  texts: readonly string[],
  batchSizes: readonly number[],
  log: (line: string) => void = () => undefined,
): Promise<BatchSizeResult[]> {
  await embedder.embed(texts.slice(0, Math.min(8, texts.length))); // warm-up
  const results: BatchSizeResult[] = [];
  for (const batchSize of batchSizes) {
    const start = performance.now();
    for (let i = 0; i < texts.length; i += batchSize) {
      await embedder.embed(texts.slice(i, i + batchSize), batchSize);
    }
    const ms = performance.now() - start;
    const result = {
      batchSize,
      texts: texts.length,
      seconds: ms / 1000,
      throughput: throughput(texts.length, ms),
    };
    log(`  batch ${batchSize}: ${result.throughput.toFixed(1)} texts/s`);
    results.push(result);
  }
  return results;
}

/** One text per call: the model's share of one event's latency. Returns the vectors too. */
export async function singleTextLatency(
  embedder: TransformersEmbedder,
  texts: readonly string[],
): Promise<{ ms: Summary; vectors: Float32Array[] }> {
  const times: number[] = [];
  const vectors: Float32Array[] = [];
  for (const text of texts) {
    const start = performance.now();
    const [result] = await embedder.embed([text], 1);
    times.push(performance.now() - start);
    vectors.push(result.vector);
  }
  return { ms: summarize(times), vectors };
}

/** Embeds texts at one batch size, keeping the vectors. */
export async function embedAll(
  embedder: TransformersEmbedder,
  texts: readonly string[],
  batchSize: number,
): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const results = await embedder.embed(texts.slice(i, i + batchSize));
    for (const r of results) vectors.push(r.vector);
  }
  return vectors;
}

export async function meanTokens(
  embedder: TransformersEmbedder,
  texts: readonly string[],
): Promise<number> {
  const counts = await embedder.countTokens([...texts]);
  return counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
}
