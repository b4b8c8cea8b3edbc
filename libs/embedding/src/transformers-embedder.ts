import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RetriableError } from '@matchstream/errors';
import { KNOWN_EMBEDDING_MODELS, embeddingModelSpec } from './embedding-models';
import type { EmbeddingModelSpec } from './embedding-models';

export interface EmbedderOptions {
  /** Model id, a folder below modelPath, e.g. Xenova/all-MiniLM-L6-v2. */
  modelId: string;
  /** Parent folder of local models (scripts/model/fetch.sh lays them out). */
  modelPath: string;
  /** Where transformers.js may cache; never inside node_modules. */
  cacheDir: string;
  /**
   * Texts per ONNX run (default 4): an `embed` call's texts run in groups of this size, sorted by
   * length. Not part of the worker's identity: it travels with each request.
   */
  inferenceBatchSize?: number;
  /**
   * Token budget of one input (at most the model's): a shorter cut trades the end of long texts
   * for throughput (attention costs grow faster than linearly with length). Unset: the registry's
   * per-model budget, or the model's whole limit for a model the registry does not know.
   */
  maxTokens?: number;
}

const DEFAULT_INFERENCE_BATCH_SIZE = 4;
/** Words whose token counts are remembered; a word costs well under 100 bytes here. */
const TOKEN_COUNT_CACHE_SIZE = 100_000;

/** What the worker thread is started with; one worker per distinct value. */
type WorkerData = Pick<EmbedderOptions, 'modelId' | 'modelPath' | 'cacheDir'> & { pooling: string };

/**
 * What an embedder embeds with: the registry's entry with the budget in force as maxTokens (the
 * registry's default budget and match-score floor are the services' business, not the model's).
 */
export type EmbedderSpec = Omit<EmbeddingModelSpec, 'budgetTokens' | 'minScore'>;

/** Written by scripts/model/fetch.sh next to the model files. */
interface ModelManifest {
  pooling: 'mean' | 'cls';
  maxTokens: number;
  dimension: number;
}

export interface EmbeddingResult {
  /** L2-normalised. */
  vector: Float32Array;
  /** Norm before normalisation: tracked for drift. */
  rawNorm: number;
}

type WorkerRequest =
  { type: 'embed'; texts: string[]; runSize: number } | { type: 'count-tokens'; texts: string[] };

type WorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; error: string }
  | { id: number; data: Float32Array; dims: number[] }
  | { id: number; counts: number[] }
  | { id: number; error: string };

/**
 * The worker thread that holds the model. One per process and model, shared and reference-counted:
 * ONNX Runtime's native addon cannot be loaded into a second worker thread of one process
 * ("Module did not self-register"), and one model copy per process is all the memory it needs.
 */
class ModelWorker {
  private static readonly shared = new Map<string, ModelWorker>();
  private worker: Worker | null = null;
  private starting: Promise<void> | null = null;
  private users = 0;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly workerData: WorkerData) {}

  static acquire(workerData: WorkerData): ModelWorker {
    const key = JSON.stringify(workerData);
    let shared = ModelWorker.shared.get(key);
    if (!shared) ModelWorker.shared.set(key, (shared = new ModelWorker(workerData)));
    shared.users++;
    return shared;
  }

  get isRunning(): boolean {
    return this.worker !== null;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.starting ??= this.spawn().finally(() => (this.starting = null));
    await this.starting;
  }

  async release(): Promise<void> {
    if (--this.users > 0) return;
    ModelWorker.shared.delete(JSON.stringify(this.workerData));
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  async request(message: WorkerRequest): Promise<WorkerReply> {
    // A worker that died (out of memory, native crash) is started again on the next request.
    if (!this.worker && this.users > 0) await this.start();
    const worker = this.worker;
    if (!worker) throw new Error('embedder not loaded: call load() first');
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  private async spawn(): Promise<void> {
    const worker = new Worker(join(__dirname, 'embedding.worker.mjs'), {
      workerData: this.workerData,
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (reply: WorkerReply) => {
        if ('type' in reply && reply.type === 'ready') resolve();
        else if ('type' in reply && reply.type === 'failed')
          reject(new Error(`model failed to load: ${reply.error}`));
      });
      worker.once('error', reject);
    });
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiter) return;
      if ('error' in reply) waiter.reject(new Error(`embedding worker: ${reply.error}`));
      else waiter.resolve(reply);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      // The batch is retried on a new worker.
      const error = new RetriableError('model', `embedding worker exited with ${code}`);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
    this.worker = worker;
  }
}

/**
 * A local sentence-embedding model run by @xenova/transformers (ONNX Runtime on the CPU) in a
 * worker thread, loaded once per process with remote downloads disabled: the model must be on disk.
 */
export class TransformersEmbedder {
  readonly manifest: ModelManifest;
  private worker: ModelWorker | null = null;
  private readonly tokenCounts = new Map<string, number>();

  constructor(private readonly options: EmbedderOptions) {
    const dir = join(options.modelPath, options.modelId);
    const manifestFile = join(dir, 'matchstream.json');
    if (!existsSync(manifestFile) || !existsSync(join(dir, 'onnx', 'model_quantized.onnx'))) {
      throw new Error(
        `model ${options.modelId} is not in ${options.modelPath}: run scripts/model/fetch.sh ${options.modelId}`,
      );
    }
    this.manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest;
  }

  get modelId(): string {
    return this.options.modelId;
  }

  /**
   * The model's registry entry (prefixes), with the fetched files' own token limit, pooling and
   * dimension. A model the registry does not know is embedded without prefixes.
   */
  get spec(): EmbedderSpec {
    const { modelId } = this.options;
    const known = KNOWN_EMBEDDING_MODELS.includes(modelId) ? embeddingModelSpec(modelId) : null;
    return {
      id: modelId,
      artifact: known?.artifact ?? '',
      queryPrefix: known?.queryPrefix ?? '',
      passagePrefix: known?.passagePrefix ?? '',
      dimension: this.manifest.dimension,
      maxTokens: this.maxTokens,
      pooling: this.manifest.pooling,
    };
  }

  get dimension(): number {
    return this.manifest.dimension;
  }

  /** Token budget of one text, [CLS] and [SEP] included. */
  get maxTokens(): number {
    const { modelId, maxTokens } = this.options;
    const budget = KNOWN_EMBEDDING_MODELS.includes(modelId)
      ? embeddingModelSpec(modelId).budgetTokens
      : Infinity;
    return Math.min(this.manifest.maxTokens, maxTokens ?? budget);
  }

  get isLoaded(): boolean {
    return this.worker?.isRunning ?? false;
  }

  async load(): Promise<void> {
    if (this.worker) return;
    const { modelId, modelPath, cacheDir } = this.options;
    const worker = ModelWorker.acquire({
      modelId,
      modelPath,
      cacheDir,
      pooling: this.manifest.pooling,
    });
    this.worker = worker;
    await worker.start();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.release();
  }

  /**
   * Model tokens of each text, without [CLS]/[SEP]. WordPiece counts add up word by word, and
   * callers count words: the counts are remembered (TOKEN_COUNT_CACHE_SIZE texts), so a warm
   * service rarely waits for the worker, which may be busy with a batch, before it can embed.
   */
  async countTokens(texts: string[]): Promise<number[]> {
    if (texts.length === 0) return [];
    const known = new Map<string, number>();
    for (const text of texts) {
      const count = this.tokenCounts.get(text);
      if (count !== undefined) known.set(text, count);
    }
    const missing = [...new Set(texts.filter((t) => !known.has(t)))];
    if (missing.length > 0) {
      const reply = await this.request({ type: 'count-tokens', texts: missing });
      if (!('counts' in reply)) throw new Error('unexpected reply from embedding worker');
      missing.forEach((text, i) => {
        known.set(text, reply.counts[i]);
        this.rememberTokenCount(text, reply.counts[i]);
      });
    }
    // From this call's own map: a call with more new words than the cache holds evicts some of
    // them before it returns.
    return texts.map((t) => known.get(t)!);
  }

  private rememberTokenCount(text: string, count: number): void {
    if (this.tokenCounts.size >= TOKEN_COUNT_CACHE_SIZE) {
      // Oldest first (a Map iterates in insertion order): enough for a bounded vocabulary.
      this.tokenCounts.delete(this.tokenCounts.keys().next().value!);
    }
    this.tokenCounts.set(text, count);
  }

  /**
   * L2-normalised embeddings, in input order. `runSize`: texts per ONNX run (the embedder's
   * inferenceBatchSize by default); texts.length runs them as one batch in the given order, which
   * is the raw model as the benchmark measures it.
   */
  async embed(
    texts: string[],
    runSize = this.options.inferenceBatchSize ?? DEFAULT_INFERENCE_BATCH_SIZE,
  ): Promise<EmbeddingResult[]> {
    if (texts.length === 0) return [];
    const reply = await this.request({ type: 'embed', texts, runSize });
    if (!('data' in reply)) throw new Error('unexpected reply from embedding worker');
    const [rows, dimension] = reply.dims;
    if (rows !== texts.length || dimension !== this.dimension) {
      throw new Error(
        `model returned ${rows}x${dimension}, expected ${texts.length}x${this.dimension}`,
      );
    }
    const results: EmbeddingResult[] = [];
    for (let r = 0; r < rows; r++) {
      const vector = reply.data.slice(r * dimension, (r + 1) * dimension);
      let sum = 0;
      for (let i = 0; i < dimension; i++) sum += vector[i] * vector[i];
      const rawNorm = Math.sqrt(sum);
      if (!Number.isFinite(rawNorm) || rawNorm === 0)
        throw new Error('model returned a degenerate vector');
      for (let i = 0; i < dimension; i++) vector[i] /= rawNorm;
      results.push({ vector, rawNorm });
    }
    return results;
  }

  private request(message: WorkerRequest): Promise<WorkerReply> {
    if (!this.worker) return Promise.reject(new Error('embedder not loaded: call load() first'));
    return this.worker.request(message);
  }
}
