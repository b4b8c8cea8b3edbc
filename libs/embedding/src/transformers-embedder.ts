import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbedderOptions {
  /** Model id, a folder below modelPath, e.g. Xenova/all-MiniLM-L6-v2. */
  modelId: string;
  /** Parent folder of local models (scripts/model/fetch.sh lays them out). */
  modelPath: string;
  /** Where transformers.js may cache; never inside node_modules. */
  cacheDir: string;
}

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

interface Tensor {
  data: Float32Array;
  dims: number[];
}
type FeatureExtractor = (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<Tensor>;
interface Tokenizer {
  encode(text: string): number[];
}

/**
 * A local sentence-embedding model run by @xenova/transformers (ONNX Runtime on the CPU), loaded
 * once per process with remote downloads disabled: the model must be on disk.
 */
export class TransformersEmbedder {
  private extractor: FeatureExtractor | null = null;
  private tokenizer: Tokenizer | null = null;
  readonly manifest: ModelManifest;

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

  get dimension(): number {
    return this.manifest.dimension;
  }

  /** Token budget of one text, [CLS] and [SEP] included. */
  get maxTokens(): number {
    return this.manifest.maxTokens;
  }

  get isLoaded(): boolean {
    return this.extractor !== null;
  }

  async load(): Promise<void> {
    if (this.extractor) return;
    const transformers = await import('@xenova/transformers');
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.localModelPath = this.options.modelPath;
    transformers.env.cacheDir = this.options.cacheDir;
    const pipe = await transformers.pipeline('feature-extraction', this.options.modelId, {
      quantized: true,
    });
    this.extractor = pipe as unknown as FeatureExtractor;
    this.tokenizer = (pipe as unknown as { tokenizer: Tokenizer }).tokenizer;
  }

  countTokens(text: string): number {
    return this.requireTokenizer().encode(text).length;
  }

  async embed(texts: string[]): Promise<EmbeddingResult[]> {
    if (texts.length === 0) return [];
    const extractor = this.extractor;
    if (!extractor) throw new Error('embedder not loaded: call load() first');
    const output = await extractor(texts, { pooling: this.manifest.pooling, normalize: false });
    const [rows, dimension] = output.dims;
    if (rows !== texts.length || dimension !== this.dimension) {
      throw new Error(`model returned ${rows}x${dimension}, expected ${texts.length}x${this.dimension}`);
    }
    const results: EmbeddingResult[] = [];
    for (let r = 0; r < rows; r++) {
      const vector = output.data.slice(r * dimension, (r + 1) * dimension);
      let sum = 0;
      for (let i = 0; i < dimension; i++) sum += vector[i] * vector[i];
      const rawNorm = Math.sqrt(sum);
      if (!Number.isFinite(rawNorm) || rawNorm === 0) throw new Error('model returned a degenerate vector');
      for (let i = 0; i < dimension; i++) vector[i] /= rawNorm;
      results.push({ vector, rawNorm });
    }
    return results;
  }

  private requireTokenizer(): Tokenizer {
    if (!this.tokenizer) throw new Error('embedder not loaded: call load() first');
    return this.tokenizer;
  }
}
