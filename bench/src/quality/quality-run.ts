/**
 * One configuration through the real path, and the baselines. Model outputs are cached on disk
 * (VectorFileCache), so quality figures cost the model once per distinct input; throughput is
 * always measured afresh, on a fixed sample of documents, in this run.
 */
import type { JobPayload, ProfilePayload } from '@matchstream/contracts';
import {
  TransformersEmbedder,
  embeddingInputs,
  embeddingModelSpec,
  jobSections,
  poolChunkVectors,
  profileSections,
  roleOf,
} from '@matchstream/embedding';
import type { EmbeddingModelSpec, EntitySections } from '@matchstream/embedding';
import { DEFAULT_WEIGHTS, scorePair, skillMatcherFor } from '@matchstream/matching';
import type { ScoringOptions } from '@matchstream/matching';
import { HnswVectorIndex } from '@matchstream/vector-index';
import { Bm25Index } from './bm25';
import { devJobToPayload, resumeToProfile } from './dev-set';
import type { DevSet } from './dev-set';
import { TOP_K, evaluate } from './evaluate';
import type { JudgedJob, QualityFigures } from './evaluate';
import type { QualityConfig } from './quality-configs';
import { expectedRandom } from './random-baseline';
import { macroAverage } from './ranking-metrics';
import { VectorFileCache } from './vector-file-cache';

export interface RunOptions {
  modelPath: string;
  cacheDir: string;
  vectorCacheDir: string;
  candidatePool: number;
  throughputSample: number;
  log: (line: string) => void;
}

export interface ThroughputResult {
  documents: number;
  modelInputs: number;
  seconds: number;
  /** Documents (profiles and jobs) per second: inputs built, embedded, pooled. */
  documentsPerSecond: number;
}

/** Among each job's top 10 by the hybrid score, what a floor on the score would keep. */
export interface FloorRow {
  minScore: number;
  /** Share of the relevant top-10 matches kept. */
  relevantKept: number;
  /** Share of the irrelevant top-10 matches removed. */
  irrelevantRemoved: number;
  /** Share of kept matches that are relevant. */
  precisionKept: number;
  meanKeptPerJob: number;
  jobsLeftEmpty: number;
}

export interface ConfigResult extends QualityResult {
  /** The best of the rounds (other work on the machine only ever slows a round down). */
  throughput: ThroughputResult;
  throughputRounds: number[];
}

export interface QualityResult {
  config: QualityConfig;
  spec: Pick<EmbeddingModelSpec, 'maxTokens' | 'pooling' | 'queryPrefix' | 'passagePrefix'>;
  meanInputsPerProfile: number;
  meanInputsPerJob: number;
  freshInputs: number;
  scorings: { name: string; figures: QualityFigures }[];
  /** Per hybrid variant. */
  floor: Record<string, FloorRow[]>;
  /** Median hybrid score of relevant and irrelevant top-10 matches, per hybrid variant. */
  topScores: Record<string, { relevantMedian: number; irrelevantMedian: number }>;
}

export interface BaselineResult {
  bm25: QualityFigures;
  random: { p10: number; ndcg10: number; mrr: number };
}

interface Prepared {
  profiles: ProfilePayload[];
  jobs: JobPayload[];
  relevant: boolean[][];
  relevantTotals: number[];
}

/** The hybrid score as shipped, and with skills named in postings' prose counted in it. */
const HYBRID_VARIANTS: readonly { name: string; options: ScoringOptions }[] = [
  { name: 'hybrid', options: { skillsFromText: 'explain' } },
  { name: 'hybrid, prose skills scored', options: { skillsFromText: 'score' } },
];

const preparedSets = new WeakMap<DevSet, Prepared>();

function prepare(set: DevSet): Prepared {
  const cached = preparedSets.get(set);
  if (cached) return cached;
  const profiles = set.resumes.map(resumeToProfile);
  const jobs = set.jobs.map(devJobToPayload);
  const relevant = set.jobs.map((j) => {
    const categories = set.mapping.get(j.label) ?? new Set<string>();
    return set.resumes.map((r) => categories.has(r.category));
  });
  const prepared = {
    profiles,
    jobs,
    relevant,
    relevantTotals: relevant.map((r) => r.filter(Boolean).length),
  };
  preparedSets.set(set, prepared);
  return prepared;
}

export function baselines(set: DevSet): BaselineResult {
  const { relevant, relevantTotals } = prepare(set);
  const bm25 = new Bm25Index(set.resumes.map((r) => r.text));
  const judged = set.jobs.map((job, j) => ({
    label: job.label,
    relevance: bm25
      .rank([job.title, job.description, job.requirements].join(' '))
      .map((i) => relevant[j][i]),
    relevantTotal: relevantTotals[j],
  }));
  const random = new Map<string, { p: number[]; ndcg: number[]; rr: number[] }>();
  set.jobs.forEach((job, j) => {
    const e = expectedRandom(set.resumes.length, relevantTotals[j], TOP_K);
    const entry = random.get(job.label) ?? { p: [], ndcg: [], rr: [] };
    entry.p.push(e.p);
    entry.ndcg.push(e.ndcg);
    entry.rr.push(e.rr);
    random.set(job.label, entry);
  });
  const of = (key: 'p' | 'ndcg' | 'rr') =>
    macroAverage(new Map([...random.entries()].map(([label, e]) => [label, e[key]])));
  return { bm25: evaluate(judged), random: { p10: of('p'), ndcg10: of('ndcg'), mrr: of('rr') } };
}

/**
 * The model of a configuration, loaded. ONNX Runtime's addon loads into one worker thread per
 * process, so each configuration runs in a process of its own (run-quality-bench.ts forks).
 */
async function withModel<T>(
  set: DevSet,
  config: QualityConfig,
  options: RunOptions,
  work: (context: {
    embedder: TransformersEmbedder;
    spec: EmbeddingModelSpec;
    entities: EntitySections[];
    inputsOf: (list: readonly EntitySections[]) => Promise<string[][]>;
  }) => Promise<T>,
): Promise<T> {
  const { profiles, jobs } = prepare(set);
  const registry = embeddingModelSpec(config.modelId);
  const spec = { ...registry, queryPrefix: config.queryPrefix ?? registry.queryPrefix };
  const embedder = new TransformersEmbedder({
    modelId: config.modelId,
    modelPath: options.modelPath,
    cacheDir: options.cacheDir,
  });
  await embedder.load();
  try {
    const entities: EntitySections[] = [
      ...profiles.map((p) => ({ role: roleOf('profile'), sections: profileSections(p) })),
      ...jobs.map((j) => ({ role: roleOf('job'), sections: jobSections(j) })),
    ];
    const inputsOf = (list: readonly EntitySections[]) =>
      embeddingInputs(list, {
        spec,
        maxChunks: config.maxChunks,
        countWordTokens: (words) => embedder.countTokens(words),
      });
    return await work({ embedder, spec, entities, inputsOf });
  } finally {
    await embedder.close();
  }
}

export function configurationThroughput(
  set: DevSet,
  config: QualityConfig,
  options: RunOptions,
): Promise<ThroughputResult> {
  return withModel(set, config, options, ({ embedder, entities, inputsOf }) =>
    measureThroughput(entities, options.throughputSample, inputsOf, embedder),
  );
}

export function configurationQuality(
  set: DevSet,
  config: QualityConfig,
  options: RunOptions,
): Promise<QualityResult> {
  const { profiles, jobs, relevant, relevantTotals } = prepare(set);
  return withModel(set, config, options, async ({ embedder, spec, entities, inputsOf }) => {
    const inputs = await inputsOf(entities);
    const cache = new VectorFileCache(options.vectorCacheDir, config.modelId);
    const missing = [...new Set(inputs.flat().filter((t) => !cache.get(t)))];
    options.log(`  ${missing.length} of ${inputs.flat().length} model inputs not cached`);
    const started = performance.now();
    for (let i = 0; i < missing.length; i += 64) {
      const batch = missing.slice(i, i + 64);
      const results = await embedder.embed(batch);
      cache.setMany(batch.map((text, r) => ({ text, vector: results[r].vector })));
      if ((i / 64) % 5 === 4) {
        const rate = (i + batch.length) / ((performance.now() - started) / 1000);
        options.log(`  embedded ${i + batch.length}/${missing.length} (${rate.toFixed(1)}/s)`);
      }
    }
    const chunkVectors = inputs.map((list) => list.map((t) => cache.get(t)!));
    const vectors = chunkVectors.map(poolChunkVectors);
    const profileVectors = vectors.slice(0, profiles.length);
    const jobVectors = vectors.slice(profiles.length);

    const index = new HnswVectorIndex({
      dimension: embedder.dimension,
      initialCapacity: profiles.length,
      m: 16,
      efConstruction: 200,
      efSearch: 100,
    });
    profileVectors.forEach((v, i) => index.upsert(String(i), v));
    const matchers = profiles.map(skillMatcherFor);

    const dense: JudgedJob[] = [];
    const hybrid: Record<string, JudgedJob[]> = {};
    const topHybrid: Record<string, { score: number; relevant: boolean }[][]> = {};
    for (const v of HYBRID_VARIANTS) {
      hybrid[v.name] = [];
      topHybrid[v.name] = [];
    }
    jobs.forEach((job, j) => {
      const hits = index.search(jobVectors[j], profiles.length);
      const order = hits.map((h) => Number(h.id));
      dense.push({
        label: set.jobs[j].label,
        relevance: order.map((i) => relevant[j][i]),
        relevantTotal: relevantTotals[j],
      });
      // The service rescores the HNSW candidate pool with the hybrid score; the rest keeps its order.
      for (const variant of HYBRID_VARIANTS) {
        const pool = hits.slice(0, options.candidatePool).map((h) => {
          const i = Number(h.id);
          const scored = scorePair(
            job,
            profiles[i],
            h.similarity,
            DEFAULT_WEIGHTS,
            matchers[i],
            variant.options,
          );
          return { i, similarity: h.similarity, score: scored.score };
        });
        pool.sort((a, b) => b.score - a.score || b.similarity - a.similarity);
        const hybridOrder = [...pool.map((p) => p.i), ...order.slice(options.candidatePool)];
        hybrid[variant.name].push({
          label: set.jobs[j].label,
          relevance: hybridOrder.map((i) => relevant[j][i]),
          relevantTotal: relevantTotals[j],
        });
        topHybrid[variant.name].push(
          pool.slice(0, TOP_K).map((p) => ({ score: p.score, relevant: relevant[j][p.i] })),
        );
      }
    });
    const scorings = [
      { name: 'dense', figures: evaluate(dense) },
      ...HYBRID_VARIANTS.map((v) => ({ name: v.name, figures: evaluate(hybrid[v.name]) })),
    ];
    if (config.maxChunks > 1)
      scorings.splice(1, 0, {
        name: 'dense, best chunk',
        figures: evaluate(bestChunk(set, chunkVectors, profiles.length, relevant, relevantTotals)),
      });

    return {
      config,
      spec: {
        maxTokens: spec.maxTokens,
        pooling: spec.pooling,
        queryPrefix: spec.queryPrefix,
        passagePrefix: spec.passagePrefix,
      },
      meanInputsPerProfile: mean(inputs.slice(0, profiles.length).map((l) => l.length)),
      meanInputsPerJob: mean(inputs.slice(profiles.length).map((l) => l.length)),
      freshInputs: missing.length,
      scorings,
      floor: Object.fromEntries(
        HYBRID_VARIANTS.map((v) => [v.name, floorTable(topHybrid[v.name])]),
      ),
      topScores: Object.fromEntries(
        HYBRID_VARIANTS.map((v) => {
          const all = topHybrid[v.name].flat();
          const medianOf = (relevantOnly: boolean) =>
            median(all.filter((t) => t.relevant === relevantOnly).map((t) => t.score));
          return [v.name, { relevantMedian: medianOf(true), irrelevantMedian: medianOf(false) }];
        }),
      ),
    };
  });
}

/** Each resume's similarity is its best chunk's: several vectors per profile, exact search. */
function bestChunk(
  set: DevSet,
  chunkVectors: Float32Array[][],
  profileCount: number,
  relevant: boolean[][],
  relevantTotals: number[],
): JudgedJob[] {
  const profileChunks = chunkVectors.slice(0, profileCount);
  const jobChunks = chunkVectors.slice(profileCount);
  return set.jobs.map((job, j) => {
    const query = poolChunkVectors(jobChunks[j]);
    const scores = profileChunks.map((chunks) => Math.max(...chunks.map((c) => dot(query, c))));
    const order = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
    return {
      label: job.label,
      relevance: order.map((i) => relevant[j][i]),
      relevantTotal: relevantTotals[j],
    };
  });
}

/**
 * Documents per second on a fixed, spread sample (every n-th profile and job, in the data set's
 * proportions): inputs built (token counts warm, as in a running service), then embedded in calls
 * of 32 texts as the service's micro-batcher hands them over, pooled.
 */
async function measureThroughput(
  entities: readonly EntitySections[],
  sampleSize: number,
  inputsOf: (list: readonly EntitySections[]) => Promise<string[][]>,
  embedder: TransformersEmbedder,
): Promise<ThroughputResult> {
  const step = Math.max(1, Math.floor(entities.length / sampleSize));
  const sample = entities.filter((_, i) => i % step === 0).slice(0, sampleSize);
  await embedder.embed((await inputsOf(sample.slice(0, 2))).flat()); // warm-up
  const start = performance.now();
  const inputs = await inputsOf(sample);
  const flat = inputs.flat();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < flat.length; i += 32) {
    for (const r of await embedder.embed(flat.slice(i, i + 32))) vectors.push(r.vector);
  }
  let offset = 0;
  for (const list of inputs) {
    poolChunkVectors(vectors.slice(offset, offset + list.length));
    offset += list.length;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    documents: sample.length,
    modelInputs: flat.length,
    seconds,
    documentsPerSecond: sample.length / seconds,
  };
}

const FLOORS = Array.from({ length: 21 }, (_, i) => Math.round((0.3 + i * 0.025) * 1000) / 1000);

function floorTable(top: { score: number; relevant: boolean }[][]): FloorRow[] {
  const all = top.flat();
  const relevantCount = all.filter((t) => t.relevant).length;
  const irrelevantCount = all.length - relevantCount;
  return FLOORS.map((minScore) => {
    const kept = all.filter((t) => t.score >= minScore);
    const keptRelevant = kept.filter((t) => t.relevant).length;
    return {
      minScore,
      relevantKept: relevantCount ? keptRelevant / relevantCount : 0,
      irrelevantRemoved: irrelevantCount ? 1 - (kept.length - keptRelevant) / irrelevantCount : 0,
      precisionKept: kept.length ? keptRelevant / kept.length : 0,
      meanKeptPerJob: kept.length / top.length,
      jobsLeftEmpty: top.filter((list) => !list.some((t) => t.score >= minScore)).length,
    };
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
