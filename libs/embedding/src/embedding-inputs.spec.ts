import { embeddingInputs, packChunks, poolChunkVectors } from './embedding-inputs';
import { KNOWN_EMBEDDING_MODELS, embeddingModelSpec, roleOf } from './embedding-models';

// A stand-in tokenizer: one token per word, three for a word marked "long".
const countWordTokens = (words: string[]) =>
  Promise.resolve(words.map((w) => (w.startsWith('long') ? 3 : 1)));

describe('embedding inputs', () => {
  const spec = { maxTokens: 8, queryPrefix: 'query: ', passagePrefix: '' };

  it('cuts at the budget less [CLS], [SEP] and the prefix, and prefixes the side', async () => {
    const [job, profile] = await embeddingInputs(
      [
        { role: 'query', sections: ['one two three four five six seven'] },
        { role: 'passage', sections: ['one two', 'three four five six seven'] },
      ],
      { spec, maxChunks: 1, countWordTokens },
    );
    expect(job).toEqual(['query: one two three four five']);
    expect(profile).toEqual(['one two\nthree four five six']);
  });

  it('splits a long text into consecutive chunks, the first being the cut text', async () => {
    const sections = ['a b c', 'd e f g h i j k l m n'];
    const [cut] = await embeddingInputs([{ role: 'passage', sections }], {
      spec,
      maxChunks: 1,
      countWordTokens,
    });
    const [chunks] = await embeddingInputs([{ role: 'passage', sections }], {
      spec,
      maxChunks: 4,
      countWordTokens,
    });
    expect(chunks[0]).toBe(cut[0]);
    expect(chunks).toEqual(['a b c\nd e f', 'g h i j k l', 'm n']);
  });

  it('stops at maxChunks and skips a word longer than the budget', () => {
    const tokens = (w: string) => (w === 'huge' ? 99 : 1);
    expect(packChunks(['a huge b c d e'], 2, 2, tokens)).toEqual(['a b', 'c d']);
  });

  it('gives an empty text no inputs', async () => {
    const [none] = await embeddingInputs([{ role: 'passage', sections: ['  '] }], {
      spec,
      maxChunks: 3,
      countWordTokens,
    });
    expect(none).toEqual([]);
  });

  it('pools chunk vectors into their normalised mean', () => {
    const pooled = poolChunkVectors([new Float32Array([1, 0]), new Float32Array([0, 1])]);
    expect(pooled[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(pooled[1]).toBeCloseTo(Math.SQRT1_2, 6);
    const single = new Float32Array([0.6, 0.8]);
    expect(poolChunkVectors([single])).toBe(single);
  });
});

describe('embedding model registry', () => {
  it('knows each model the fetch script can fetch, with its prefixes', () => {
    expect(KNOWN_EMBEDDING_MODELS).toEqual(
      expect.arrayContaining([
        'Xenova/all-MiniLM-L6-v2',
        'Xenova/bge-small-en-v1.5',
        'intfloat/e5-small-v2',
      ]),
    );
    const e5 = embeddingModelSpec('intfloat/e5-small-v2');
    expect([e5.queryPrefix, e5.passagePrefix, e5.pooling, e5.maxTokens]).toEqual([
      'query: ',
      'passage: ',
      'mean',
      512,
    ]);
    expect(() => embeddingModelSpec('nope/model')).toThrow(/unknown embedding model/);
  });

  it('gives every model a budget within its limit and a floor on the match score', () => {
    for (const id of KNOWN_EMBEDDING_MODELS) {
      const spec = embeddingModelSpec(id);
      expect(spec.budgetTokens).toBeGreaterThan(0);
      expect(spec.budgetTokens).toBeLessThanOrEqual(spec.maxTokens);
      expect(spec.minScore).toBeGreaterThan(0);
      expect(spec.minScore).toBeLessThan(1);
    }
    // bge read its whole 512 tokens in training; the others' budgets are their cut at 256.
    expect(embeddingModelSpec('Xenova/bge-small-en-v1.5').budgetTokens).toBe(512);
    expect(embeddingModelSpec('Xenova/all-MiniLM-L6-v2').budgetTokens).toBe(256);
  });

  it('embeds jobs as queries and profiles as passages', () => {
    expect(roleOf('job')).toBe('query');
    expect(roleOf('profile')).toBe('passage');
  });
});
