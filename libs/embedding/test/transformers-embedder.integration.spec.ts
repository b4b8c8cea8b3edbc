import { resolve } from 'node:path';
import { DEFAULT_EMBEDDING_MODEL_ID } from '@matchstream/config';
import {
  TransformersEmbedder,
  embeddingInputs,
  fitAllToTokenBudget,
  profileSections,
} from '@matchstream/embedding';
import { SAMPLE_PROFILES, profileDocument } from '@matchstream/testing';

/** The real model (fetched by scripts/model/fetch.sh), run in its worker thread: the default. */
describe('TransformersEmbedder with the real model', () => {
  const embedder = new TransformersEmbedder({
    modelId: process.env.EMBEDDING_MODEL_ID ?? DEFAULT_EMBEDDING_MODEL_ID,
    modelPath: resolve(__dirname, '../../../.cache/models'),
    cacheDir: resolve(__dirname, '../../../.cache/transformers'),
  });

  beforeAll(() => embedder.load());
  afterAll(() => embedder.close());

  const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

  it('scores related texts higher than unrelated ones', async () => {
    const [job, related, unrelated] = await embedder.embed([
      'Senior ML platform engineer: Python, Kafka, Spark, Airflow, model serving',
      'I build machine learning pipelines with PySpark and Kafka and deploy models to production',
      'Pastry chef with ten years of experience in French bakeries',
    ]);
    // A clear margin, not a large one: some supported models' cosines (e5's) sit in a narrow,
    // high band (all pairs look similar in absolute terms; the order is what carries the signal).
    expect(cosine(job.vector, related.vector)).toBeGreaterThan(
      cosine(job.vector, unrelated.vector) + 0.05,
    );
  });

  it('returns L2-normalised vectors of the model dimension, the same alone or in a batch', async () => {
    const texts = ['Kubernetes operator', 'React and TypeScript'];
    const batch = await embedder.embed(texts);
    const [alone] = await embedder.embed([texts[1]]);
    for (const { vector } of batch) {
      expect(vector).toHaveLength(384);
      expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 5);
    }
    // Not bit-identical: padding inside a batch shifts the quantized model's output slightly
    // (measured ~0.992 cosine), far below the gap between related and unrelated texts.
    expect(cosine(batch[1].vector, alone.vector)).toBeGreaterThan(0.98);
  });

  it('returns each row in input order when a call runs in several length-sorted runs', async () => {
    const texts = [
      'Senior backend engineer building payment platforms in Go, Kafka and PostgreSQL for a fintech',
      'Nurse',
      'Pastry chef with ten years in hotel kitchens, laminated doughs and plated desserts',
      'SRE',
      'Data analyst',
      'Frontend developer who ships accessible React interfaces and design systems',
    ];
    const together = await embedder.embed(texts, 2);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await embedder.embed([texts[i]], 1);
      expect(cosine(together[i].vector, alone.vector)).toBeGreaterThan(0.98);
    }
  });

  it('fits canonical text to the token budget with the real tokenizer', async () => {
    const long = profileDocument(SAMPLE_PROFILES[0].id, {
      summary: 'distributed systems '.repeat(400),
    });
    const [text] = await fitAllToTokenBudget([profileSections(long)], 254, (words) =>
      embedder.countTokens(words),
    );
    const [tokens] = await embedder.countTokens([text]);
    expect(tokens).toBeLessThanOrEqual(254);
    expect(tokens).toBeGreaterThan(200);
    expect(text.startsWith(long.headline)).toBe(true);
  });

  it('keeps every chunk, prefix included, within the model budget, the first being the cut text', async () => {
    const long = profileDocument(SAMPLE_PROFILES[0].id, {
      summary: 'distributed systems and streaming data platforms '.repeat(200),
    });
    const options = {
      spec: embedder.spec,
      countWordTokens: (words: string[]) => embedder.countTokens(words),
    };
    const sections = [{ role: 'passage' as const, sections: profileSections(long) }];
    const [[cut]] = await embeddingInputs(sections, { ...options, maxChunks: 1 });
    const [chunks] = await embeddingInputs(sections, { ...options, maxChunks: 3 });
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toBe(cut);
    const counts = await embedder.countTokens(chunks);
    for (const count of counts) expect(count).toBeLessThanOrEqual(embedder.maxTokens - 2);
    for (const chunk of chunks) expect(chunk.startsWith(embedder.spec.passagePrefix)).toBe(true);
    const [[query]] = await embeddingInputs([{ role: 'query', sections: ['Data engineer'] }], {
      ...options,
      maxChunks: 1,
    });
    expect(query).toBe(`${embedder.spec.queryPrefix}Data engineer`);
  });
});
