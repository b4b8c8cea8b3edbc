import type { EmbeddingModelSpec, EmbeddingRole } from './embedding-models';
import { prefixFor } from './embedding-models';
import { normaliseWhitespace } from './canonical-text.builder';

export interface EmbeddingInputOptions {
  spec: Pick<EmbeddingModelSpec, 'maxTokens' | 'queryPrefix' | 'passagePrefix'>;
  /**
   * Model inputs per entity. 1 cuts the text at the token budget; more splits a long text into
   * consecutive chunks of the budget each, whose vectors are averaged (see poolChunkVectors), so
   * the end of a long resume counts too.
   */
  maxChunks: number;
  /** Model tokens of each word, without [CLS]/[SEP] (TransformersEmbedder.countTokens). */
  countWordTokens: (words: string[]) => Promise<number[]>;
}

export interface EntitySections {
  role: EmbeddingRole;
  /** profileSections / jobSections: most informative first. */
  sections: string[];
}

/**
 * What the model reads for each entity: its sections packed into at most maxChunks chunks of the
 * model's budget, each chunk prefixed with the instruction of the entity's side. The first chunk is
 * exactly the cut text, so one chunk reproduces the single-input behaviour. Deterministic, and
 * counted with one tokenizer call for all entities (WordPiece counts add up word by word).
 * An entity whose text is empty gets no inputs.
 */
export async function embeddingInputs(
  entities: readonly EntitySections[],
  options: EmbeddingInputOptions,
): Promise<string[][]> {
  const { spec, maxChunks, countWordTokens } = options;
  if (!(Number.isInteger(maxChunks) && maxChunks >= 1)) {
    throw new Error(`maxChunks must be a positive integer, got ${maxChunks}`);
  }
  const normalised = entities.map((e) =>
    e.sections.map(normaliseWhitespace).filter((s) => s.length > 0),
  );
  const prefixWords = (role: EmbeddingRole) => words(prefixFor(spec, role));
  const allWords = [
    ...new Set([
      ...normalised.flat().flatMap(words),
      ...prefixWords('query'),
      ...prefixWords('passage'),
    ]),
  ];
  const counts = await countWordTokens(allWords);
  const perWord = new Map(allWords.map((w, i) => [w, counts[i]]));
  const tokensOf = (word: string) => perWord.get(word) ?? 1;

  return entities.map(({ role }, i) => {
    const prefix = prefixFor(spec, role);
    const prefixTokens = prefixWords(role).reduce((sum, w) => sum + tokensOf(w), 0);
    const budget = spec.maxTokens - 2 - prefixTokens; // [CLS] and [SEP]
    return packChunks(normalised[i], budget, maxChunks, tokensOf).map((c) => prefix + c);
  });
}

/**
 * Greedy packing of sections, word by word, into chunks of at most `budget` tokens; sections stay
 * on lines of their own. A single word longer than the budget is dropped (it cannot be embedded
 * whole, and a truncated fragment of it means nothing).
 */
export function packChunks(
  sections: readonly string[],
  budget: number,
  maxChunks: number,
  tokensOf: (word: string) => number,
): string[] {
  const chunks: string[] = [];
  let lines: string[] = [];
  let line: string[] = [];
  let used = 0;
  const close = () => {
    if (line.length) lines.push(line.join(' '));
    if (lines.length) chunks.push(lines.join('\n'));
    lines = [];
    line = [];
    used = 0;
  };
  for (const section of sections) {
    for (const word of words(section)) {
      const cost = tokensOf(word);
      if (cost > budget) continue;
      if (used + cost > budget) {
        close();
        if (chunks.length === maxChunks) return chunks;
      }
      line.push(word);
      used += cost;
    }
    if (line.length) lines.push(line.join(' '));
    line = [];
  }
  close();
  return chunks.slice(0, maxChunks);
}

/** Mean of L2-normalised chunk vectors, normalised again: one vector per entity. */
export function poolChunkVectors(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new Error('no chunk vectors to pool');
  if (vectors.length === 1) return vectors[0];
  const pooled = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < pooled.length; i++) pooled[i] += v[i];
  let sum = 0;
  for (let i = 0; i < pooled.length; i++) sum += pooled[i] * pooled[i];
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) throw new Error('chunk vectors cancel out');
  for (let i = 0; i < pooled.length; i++) pooled[i] /= norm;
  return pooled;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
