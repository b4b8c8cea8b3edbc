/** The embedding configurations `npm run bench:quality` compares by default (`--configs` picks). */
export interface QualityConfig {
  name: string;
  modelId: string;
  /** Model inputs per entity (EMBEDDING_MAX_CHUNKS): 1 cuts at the budget, more mean-pools. */
  maxChunks: number;
  /**
   * Token budget of one input (EMBEDDING_MAX_TOKENS). Always stated, so a configuration measures
   * the same thing whatever the registry's per-model default is at the time.
   */
  maxTokens: number;
  /** Replaces the registry's query prefix, to measure a model with and without its instruction. */
  queryPrefix?: string;
  /** How job sections are ordered or worded before the cut (see jobSectionVariant). */
  jobSections?: JobSectionVariant;
  /**
   * Left out of a run without --configs: measured before and lost, or too slow to embed for every
   * run on a 2-core machine; run with --configs (bench/results/README.md says which were measured).
   */
  onDemand?: boolean;
  note: string;
}

/**
 * Variants of libs/embedding's jobSections, measured against it: `description-first` moves the
 * requirements after the description; `plain-title` drops the seniority word the builder puts in
 * front of a title that lacks one (a posting without a stated seniority reads "Mid …").
 */
export type JobSectionVariant = 'shipped' | 'description-first' | 'plain-title';

const MINILM = 'Xenova/all-MiniLM-L6-v2';
const BGE = 'Xenova/bge-small-en-v1.5';
const E5 = 'intfloat/e5-small-v2';

/** bge's retrieval instruction, as its model card gives it (the registry may leave it out). */
export const BGE_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

/**
 * In order of preference where the dev sets do not separate configurations (quality-summary.ts):
 * the order of the held-out figures in issue 19, so a tie here goes to what generalised there.
 */
export const QUALITY_CONFIGS: readonly QualityConfig[] = [
  {
    name: 'bge-512-noinstr',
    modelId: BGE,
    maxChunks: 1,
    maxTokens: 512,
    queryPrefix: '',
    note: 'cut at 512; no instruction',
  },
  {
    name: 'bge-512',
    modelId: BGE,
    maxChunks: 1,
    maxTokens: 512,
    queryPrefix: BGE_INSTRUCTION,
    note: 'cut at 512; instruction on jobs',
  },
  {
    name: 'bge-256',
    modelId: BGE,
    maxChunks: 1,
    maxTokens: 256,
    queryPrefix: BGE_INSTRUCTION,
    note: 'cut at 256; instruction on jobs',
  },
  { name: 'minilm', modelId: MINILM, maxChunks: 1, maxTokens: 256, note: 'cut at 256' },
  {
    name: 'e5-256',
    modelId: E5,
    maxChunks: 1,
    maxTokens: 256,
    note: 'cut at 256; query:/passage:',
  },
  {
    name: 'bge-512-noinstr-desc-first',
    modelId: BGE,
    maxChunks: 1,
    maxTokens: 512,
    queryPrefix: '',
    jobSections: 'description-first',
    onDemand: true,
    note: 'as bge-512-noinstr; job requirements after the description',
  },
  {
    name: 'bge-512-noinstr-plain-title',
    modelId: BGE,
    maxChunks: 1,
    maxTokens: 512,
    queryPrefix: '',
    jobSections: 'plain-title',
    onDemand: true,
    note: 'as bge-512-noinstr; no seniority word added to job titles',
  },
  {
    name: 'bge-256-noinstr',
    modelId: BGE,
    maxChunks: 1,
    maxTokens: 256,
    queryPrefix: '',
    onDemand: true,
    note: 'cut at 256; no instruction',
  },
  {
    name: 'e5-512',
    modelId: E5,
    maxChunks: 1,
    maxTokens: 512,
    onDemand: true,
    note: 'cut at 512; query:/passage:',
  },
  {
    name: 'minilm-chunks4',
    modelId: MINILM,
    maxChunks: 4,
    maxTokens: 256,
    onDemand: true,
    note: 'up to 4×256 tokens, mean',
  },
  {
    name: 'e5-chunks4',
    modelId: E5,
    maxChunks: 4,
    maxTokens: 512,
    onDemand: true,
    note: 'up to 4×512 tokens, mean',
  },
];

/** The configuration throughput figures are compared with: the default before this benchmark. */
export const REFERENCE_CONFIG = 'e5-256';
