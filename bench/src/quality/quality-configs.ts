/** The embedding configurations `npm run bench:quality` compares by default (`--configs` picks). */
export interface QualityConfig {
  name: string;
  modelId: string;
  /** Model inputs per entity (EMBEDDING_MAX_CHUNKS): 1 cuts at the budget, more mean-pools. */
  maxChunks: number;
  /** Token budget below the model's (EMBEDDING_MAX_TOKENS). */
  maxTokens?: number;
  /** Replaces the registry's query prefix (to measure a model without its instruction). */
  queryPrefix?: string;
  note: string;
}

const MINILM = 'Xenova/all-MiniLM-L6-v2';
const BGE = 'Xenova/bge-small-en-v1.5';
const E5 = 'intfloat/e5-small-v2';

export const QUALITY_CONFIGS: readonly QualityConfig[] = [
  { name: 'minilm', modelId: MINILM, maxChunks: 1, note: 'cut at 256 tokens' },
  { name: 'minilm-chunks4', modelId: MINILM, maxChunks: 4, note: 'up to 4×256 tokens, mean' },
  { name: 'bge', modelId: BGE, maxChunks: 1, note: 'cut at 512; query instruction on jobs' },
  {
    name: 'bge-noinstr',
    modelId: BGE,
    maxChunks: 1,
    queryPrefix: '',
    note: 'cut at 512; no instruction',
  },
  { name: 'bge-256', modelId: BGE, maxChunks: 1, maxTokens: 256, note: 'cut at 256; instruction' },
  { name: 'e5', modelId: E5, maxChunks: 1, note: 'cut at 512; query:/passage:' },
  {
    name: 'e5-256',
    modelId: E5,
    maxChunks: 1,
    maxTokens: 256,
    note: 'cut at 256; query:/passage:',
  },
  { name: 'e5-chunks4', modelId: E5, maxChunks: 4, note: 'up to 4×512 tokens, mean' },
];

/** The configuration throughput targets are held against: the default before this benchmark. */
export const REFERENCE_CONFIG = 'minilm';
