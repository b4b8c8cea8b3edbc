/**
 * One configuration through the real path, and the baselines. Model outputs are cached on disk
 * (VectorFileCache), so quality figures cost the model once per distinct input; throughput is
 * always measured afresh, on a fixed sample of documents, in this run.
 */
import { jobPayload, profilePayload } from '@matchstream/contracts';
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
import type { EmbedderSpec, EmbeddingModelSpec, EntitySections } from '@matchstream/embedding';
import {
  DEFAULT_WEIGHTS,
  isEligible,
  profileText,
  scorePair,
  skillMatcherFor,
  toJobFields,
} from '@matchstream/scoring';
import { SAMPLE_JOBS, SAMPLE_PROFILES } from '@matchstream/testing';
import type { JobFields, ScoringOptions, ScoringWeights } from '@matchstream/scoring';
import { HnswVectorIndex } from '@matchstream/vector-index';
import { Bm25Index } from './bm25';
import { devJobToPayload, resumeToProfile } from './dev-set';
import {
  blendLexical,
  documentFrequencyWeights,
  frequencyListWeights,
  queryTerms,
  saturatedTermScore,
  termCounts,
  termOverlap,
} from './lexical-evidence';
import type { TermCounts, TermWeights } from './lexical-evidence';
import type { DevSet } from './dev-set';
import { TOP_K, evaluate } from './evaluate';
import type { JudgedJob, QualityFigures } from './evaluate';
import type { JobSectionVariant, QualityConfig } from './quality-configs';
import { expectedRandom } from './random-baseline';
import { seededRandom } from '@matchstream/testing';
import {
  BOOTSTRAP_SEED,
  macroAverage,
  pairedBootstrapDifference,
  precisionAtK,
} from './ranking-metrics';
import type { ByLabel, Difference } from './ranking-metrics';
import { VectorFileCache } from './vector-file-cache';

export interface RunOptions {
  modelPath: string;
  cacheDir: string;
  vectorCacheDir: string;
  candidatePool: number;
  throughputSample: number;
  /**
   * Profile texts of the other labelled sets: the fixed reference the `bm25-other-set` lexical
   * term freezes its idf from (none: that term is not measured).
   */
  lexicalReference?: readonly string[];
  /** A word-frequency list ({word, count}[]) for the `bm25-word-list` term (none: not measured). */
  wordFrequencies?: readonly { word: string; count: number }[];
  log: (line: string) => void;
}

export interface ThroughputResult {
  documents: number;
  modelInputs: number;
  seconds: number;
  /** Documents (profiles and jobs) per second: inputs built, embedded, pooled. */
  documentsPerSecond: number;
  /**
   * Documents per CPU-second of this process (model worker threads included): the cost of the
   * work itself, which other load on a shared machine barely moves, where wall-clock figures move
   * by ×2 between rounds. Targets are judged on this one.
   */
  documentsPerCpuSecond: number;
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

export interface QualityResult {
  config: QualityConfig;
  spec: Pick<EmbeddingModelSpec, 'maxTokens' | 'pooling' | 'queryPrefix' | 'passagePrefix'>;
  meanInputsPerProfile: number;
  meanInputsPerJob: number;
  freshInputs: number;
  scorings: Scoring[];
  /** The demo's sample jobs, each with its eligible sample profiles by hybrid score. */
  sample: SampleRanking[];
  /** Per hybrid variant. */
  floor: Record<string, FloorRow[]>;
  /** Median hybrid score of relevant and irrelevant top-10 matches, per hybrid variant. */
  topScores: Record<string, { relevantMedian: number; irrelevantMedian: number }>;
  /**
   * Hybrid scores (as shipped) by kind of pair: relevant and irrelevant top-10 matches, and pairs
   * drawn at random (mostly unrelated), as percentiles: where a floor would cut.
   */
  scoreDistribution: Record<'relevantTop10' | 'irrelevantTop10' | 'randomPairs', Percentiles>;
  /**
   * Hybrid scores (as shipped) of every relevant pair (each job with every resume of a category
   * its label maps to), at the quantiles 0.01 … 0.99: what a per-model floor is calibrated on.
   */
  relevantPairQuantiles: number[];
  /**
   * Each job's top 10 hybrid scores (as shipped), best first: the parent measures what a floor
   * keeps. Dropped from the written report (it is per job).
   */
  top10Scores?: number[][];
}

export interface Scoring {
  name: string;
  figures: QualityFigures;
  /** A lexical lever: its term and weight, and its P@10 less the shipped scoring's, paired. */
  lexical?: LexicalLever;
}

export interface LexicalLever {
  term: LexicalTerm;
  weight: number;
  /** `every-profile`: every profile rescored (the maintained rankings); `pool`: the HNSW pool. */
  ranks: 'every-profile' | 'pool';
  versusShipped: Difference;
}

export interface Percentiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface SampleRanking {
  jobId: string;
  ranked: { profileId: string; score: number; similarity: number }[];
}

export interface BaselineResult {
  bm25: QualityFigures;
  random: { p10: number; ndcg10: number; mrr: number };
}

interface Prepared {
  profiles: ProfilePayload[];
  jobs: JobPayload[];
  /** The jobs as the matching service keeps them (scores agree to the bit, and cost less). */
  jobFields: JobFields[];
  relevant: boolean[][];
  relevantTotals: number[];
}

/**
 * The hybrid score as shipped, and the weight levers the dev sets can see. Their postings list no
 * skills and every pair passes the same constraints with the same seniority and location terms, so
 * the only weight that can reorder a job's candidates is the one on skills named in prose.
 */
const HYBRID_VARIANTS: readonly {
  name: string;
  options: ScoringOptions;
  weights: ScoringWeights;
}[] = [
  { name: 'hybrid', options: { skillsFromText: 'explain' }, weights: DEFAULT_WEIGHTS },
  {
    name: 'hybrid, prose skills scored',
    options: { skillsFromText: 'score' },
    weights: DEFAULT_WEIGHTS,
  },
  {
    name: 'hybrid, prose skills scored at 0.10',
    options: { skillsFromText: 'score' },
    weights: { ...DEFAULT_WEIGHTS, similarity: 0.7, requiredSkills: 0.1 },
  },
];

/**
 * Lexical evidence inside the hybrid score (lexical-evidence.ts), each term blended at every
 * weight of LEXICAL_WEIGHTS with the shipped weights scaled to make room. Job text: title,
 * description and requirements (each term once); profile text: what profileText reads.
 * `bm25-live` is the reference, not a candidate (its statistics move with every profile).
 */
export const LEXICAL_TERMS = [
  'bm25-live',
  'bm25-frozen',
  'bm25-other-set',
  'bm25-word-list',
  'saturated-no-idf',
  'title-in-profile',
  'title-in-headline',
  'title-in-headline-frozen',
  'title-in-headline-other-set',
  'title-in-headline-word-list',
] as const;
export type LexicalTerm = (typeof LEXICAL_TERMS)[number];
const WHOLE_TEXT_WEIGHTS = [0.05, 0.1, 0.2, 0.3];
const TITLE_WEIGHTS = [0.02, 0.05, 0.1, 0.2];
export function lexicalWeights(term: LexicalTerm): readonly number[] {
  return term.startsWith('title-') ? TITLE_WEIGHTS : WHOLE_TEXT_WEIGHTS;
}

/** Average profile length (tokens) the word-list term normalises by: a fixed setting. */
const WORD_LIST_AVERAGE_LENGTH = 500;

/** The scoring whose figures the side-by-side comparison and the default's choice use. */
export const SHIPPED_SCORING = 'hybrid';

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
    jobFields: jobs.map(toJobFields),
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
    spec: EmbedderSpec;
    entities: EntitySections[];
    inputsOf: (list: readonly EntitySections[]) => Promise<string[][]>;
  }) => Promise<T>,
): Promise<T> {
  const { profiles, jobs } = prepare(set);
  embeddingModelSpec(config.modelId); // throws for a model the registry does not know
  const embedder = new TransformersEmbedder({
    modelId: config.modelId,
    modelPath: options.modelPath,
    cacheDir: options.cacheDir,
    maxTokens: config.maxTokens,
  });
  const spec = { ...embedder.spec, queryPrefix: config.queryPrefix ?? embedder.spec.queryPrefix };
  if (spec.maxTokens !== config.maxTokens) {
    throw new Error(`${config.name}: budget ${config.maxTokens} exceeds the model's`);
  }
  await embedder.load();
  try {
    const entities: EntitySections[] = [
      ...profiles.map((p) => ({ role: roleOf('profile'), sections: profileSections(p) })),
      ...jobs.map((j) => ({ role: roleOf('job'), sections: jobSectionsOf(j, config.jobSections) })),
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
  const { profiles, jobs, jobFields, relevant, relevantTotals } = prepare(set);
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
    const sample = await rankSamples(inputsOf, embedder, cache, config.jobSections);
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
    const random = seededRandom(BOOTSTRAP_SEED);
    const randomPairScores = Array.from({ length: RANDOM_PAIRS }, () => {
      const j = Math.floor(random() * jobs.length);
      const i = Math.floor(random() * profiles.length);
      const similarity = dot(jobVectors[j], profileVectors[i]);
      return scorePair(jobFields[j], profiles[i], similarity, DEFAULT_WEIGHTS, matchers[i]).score;
    });
    const relevantPairScores: number[] = [];
    jobs.forEach((_, j) => {
      relevant[j].forEach((isRelevant, i) => {
        if (!isRelevant) return;
        const similarity = dot(jobVectors[j], profileVectors[i]);
        relevantPairScores.push(
          scorePair(jobFields[j], profiles[i], similarity, DEFAULT_WEIGHTS, matchers[i]).score,
        );
      });
    });

    const lexical = lexicalTerms(profiles, jobs, options);
    const lexicalJudged = new Map<
      string,
      { lever?: Omit<LexicalLever, 'versusShipped'>; judged: JudgedJob[] }
    >();
    const dense: JudgedJob[] = [];
    const hybrid: Record<string, JudgedJob[]> = {};
    const topHybrid: Record<string, { score: number; relevant: boolean }[][]> = {};
    for (const v of HYBRID_VARIANTS) {
      hybrid[v.name] = [];
      topHybrid[v.name] = [];
    }
    jobs.forEach((_, j) => {
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
            jobFields[j],
            profiles[i],
            h.similarity,
            variant.weights,
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
      // Lexical levers rank every profile, as the maintained (exact) rankings do: a lexical term
      // can lift a candidate from outside the HNSW pool.
      const similarity = new Float64Array(profiles.length);
      const shipped = new Float64Array(profiles.length);
      for (const h of hits) {
        const i = Number(h.id);
        similarity[i] = h.similarity;
        shipped[i] = scorePair(
          jobFields[j],
          profiles[i],
          h.similarity,
          DEFAULT_WEIGHTS,
          matchers[i],
        ).score;
      }
      const pool = order.slice(0, options.candidatePool);
      const judge = (
        name: string,
        score: (i: number) => number,
        lever?: Omit<LexicalLever, 'versusShipped'>,
      ) => {
        const ranked =
          lever?.ranks === 'pool'
            ? [...rankAmong(pool, score, similarity), ...order.slice(options.candidatePool)]
            : rankAmong(order, score, similarity);
        const entry = lexicalJudged.get(name) ?? { lever, judged: [] };
        entry.judged.push({
          label: set.jobs[j].label,
          relevance: ranked.map((i) => relevant[j][i]),
          relevantTotal: relevantTotals[j],
        });
        lexicalJudged.set(name, entry);
      };
      judge(SHIPPED_EVERY_PROFILE, (i) => shipped[i]);
      for (const [term, valuesOf] of lexical) {
        const values = valuesOf(j);
        for (const ranks of term === POOL_TERM
          ? (['every-profile', 'pool'] as const)
          : (['every-profile'] as const)) {
          for (const weight of lexicalWeights(term)) {
            judge(
              lexicalScoringName(term, weight, ranks),
              (i) => blendLexical(shipped[i], values[i], weight),
              { term, weight, ranks },
            );
          }
        }
      }
    });
    const shippedPerJob = p10PerJob(lexicalJudged.get(SHIPPED_EVERY_PROFILE)?.judged ?? []);
    const scorings: Scoring[] = [
      { name: 'dense', figures: evaluate(dense) },
      ...HYBRID_VARIANTS.map((v) => ({ name: v.name, figures: evaluate(hybrid[v.name]) })),
      ...[...lexicalJudged].map(([name, { lever, judged }]) => ({
        name,
        figures: evaluate(judged),
        ...(lever && {
          lexical: {
            ...lever,
            versusShipped: pairedBootstrapDifference(p10PerJob(judged), shippedPerJob),
          },
        }),
      })),
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
      sample,
      floor: Object.fromEntries(
        HYBRID_VARIANTS.map((v) => [v.name, floorTable(topHybrid[v.name])]),
      ),
      scoreDistribution: {
        relevantTop10: percentiles(
          topHybrid.hybrid
            .flat()
            .filter((t) => t.relevant)
            .map((t) => t.score),
        ),
        irrelevantTop10: percentiles(
          topHybrid.hybrid
            .flat()
            .filter((t) => !t.relevant)
            .map((t) => t.score),
        ),
        randomPairs: percentiles(randomPairScores),
      },
      relevantPairQuantiles: quantiles(relevantPairScores),
      top10Scores: topHybrid[SHIPPED_SCORING].map((list) => list.map((t) => t.score)),
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

/** The shipped hybrid score ranking every profile: what the lexical levers are compared with. */
export const SHIPPED_EVERY_PROFILE = 'hybrid, every profile scored';
/** The term also measured on the HNSW pool alone (the ad-hoc search's path). */
const POOL_TERM: LexicalTerm = 'title-in-headline';

export function lexicalScoringName(
  term: LexicalTerm,
  weight: number,
  ranks: LexicalLever['ranks'] = 'every-profile',
): string {
  return `hybrid + ${term} at ${weight.toFixed(2)}${ranks === 'pool' ? ', HNSW pool only' : ''}`;
}

/** Each job's P@10 grouped by label, in job order. */
function p10PerJob(judged: readonly JudgedJob[]): ByLabel {
  const byLabel = new Map<string, number[]>();
  for (const job of judged) {
    const list = byLabel.get(job.label) ?? [];
    list.push(precisionAtK(job.relevance, TOP_K));
    byLabel.set(job.label, list);
  }
  return byLabel;
}

/**
 * Each measured lexical term as a function from a job to its values for every profile (in
 * [0, 1]). Terms whose fixed data is missing (no other set, no word list) are left out.
 */
function lexicalTerms(
  profiles: readonly ProfilePayload[],
  jobs: readonly JobPayload[],
  options: RunOptions,
): Map<LexicalTerm, (job: number) => Float64Array> {
  const texts = profiles.map(profileText);
  const counts = texts.map(termCounts);
  const headlines = profiles.map((p) => termCounts(p.headline));
  const jobTerms = jobs.map((job) =>
    queryTerms([job.title, job.description, ...job.requirements].join(' ')),
  );
  const titleTerms = jobs.map((job) => queryTerms(job.title));
  const live = new Bm25Index(texts);
  const each = (f: (i: number) => number) => Float64Array.from(profiles, (_, i) => f(i));
  const saturated = (weights: TermWeights | null) => (j: number) =>
    each((i) => saturatedTermScore(jobTerms[j], counts[i], weights));
  const overlap =
    (within: readonly TermCounts[], weights: TermWeights | null = null) =>
    (j: number) =>
      each((i) => termOverlap(titleTerms[j], within[i], weights));
  const frozen = documentFrequencyWeights(texts);
  const reference = options.lexicalReference?.length
    ? documentFrequencyWeights(options.lexicalReference)
    : null;
  const wordList = options.wordFrequencies?.length
    ? frequencyListWeights(options.wordFrequencies, WORD_LIST_AVERAGE_LENGTH)
    : null;
  const terms = new Map<LexicalTerm, (job: number) => Float64Array>();
  terms.set('bm25-live', (j) => {
    const scores = live.scores(jobTerms[j].join(' '));
    const most = Math.max(...scores);
    return most > 0 ? scores.map((s) => s / most) : scores;
  });
  terms.set('bm25-frozen', saturated(frozen));
  if (reference) terms.set('bm25-other-set', saturated(reference));
  if (wordList) terms.set('bm25-word-list', saturated(wordList));
  terms.set('saturated-no-idf', saturated(null));
  terms.set('title-in-profile', overlap(counts));
  terms.set('title-in-headline', overlap(headlines));
  terms.set('title-in-headline-frozen', overlap(headlines, frozen));
  if (reference) terms.set('title-in-headline-other-set', overlap(headlines, reference));
  if (wordList) terms.set('title-in-headline-word-list', overlap(headlines, wordList));
  return terms;
}

/** The given profiles best first by score, then by similarity, then by index. */
function rankAmong(
  candidates: readonly number[],
  score: (i: number) => number,
  similarity: Float64Array,
): number[] {
  const scores = new Float64Array(similarity.length);
  for (const i of candidates) scores[i] = score(i);
  return [...candidates].sort(
    (a, b) => scores[b] - scores[a] || similarity[b] - similarity[a] || a - b,
  );
}

/**
 * The built-in sample (libs/testing, what npm run demo publishes), ranked as the service ranks it:
 * the scores a floor on the match score would cut in the demo.
 */
async function rankSamples(
  inputsOf: (list: readonly EntitySections[]) => Promise<string[][]>,
  embedder: TransformersEmbedder,
  cache: VectorFileCache,
  variant: JobSectionVariant | undefined,
): Promise<SampleRanking[]> {
  const profiles = SAMPLE_PROFILES.map((s) => ({ id: s.id, doc: profilePayload.parse(s.payload) }));
  const jobs = SAMPLE_JOBS.map((s) => ({ id: s.id, doc: jobPayload.parse(s.payload) }));
  const inputs = await inputsOf([
    ...profiles.map((p) => ({ role: roleOf('profile'), sections: profileSections(p.doc) })),
    ...jobs.map((j) => ({ role: roleOf('job'), sections: jobSectionsOf(j.doc, variant) })),
  ]);
  const missing = [...new Set(inputs.flat().filter((t) => !cache.get(t)))];
  const results = await embedder.embed(missing);
  cache.setMany(missing.map((text, i) => ({ text, vector: results[i].vector })));
  const vectors = inputs.map((list) => poolChunkVectors(list.map((t) => cache.get(t)!)));
  return jobs.map((job, j) => ({
    jobId: job.id,
    ranked: profiles
      .map((p, i) => ({ p, similarity: dot(vectors[profiles.length + j], vectors[i]) }))
      .filter(({ p }) => isEligible(job.doc, p.doc))
      .map(({ p, similarity }) => ({
        profileId: p.id,
        score: scorePair(job.doc, p.doc, similarity).score,
        similarity: Math.round(similarity * 1000) / 1000,
      }))
      .sort((a, b) => b.score - a.score),
  }));
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
  const cpuStart = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    documents: sample.length,
    modelInputs: flat.length,
    seconds,
    documentsPerSecond: sample.length / seconds,
    documentsPerCpuSecond: sample.length / cpuSeconds,
  };
}

/** Candidate floors: the score's whole useful range (models differ in where their cosines sit). */
const FLOORS = Array.from({ length: 35 }, (_, i) => Math.round((0.3 + i * 0.02) * 100) / 100);

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

/** libs/embedding's job sections, or a variant of them measured against it (quality-configs.ts). */
export function jobSectionsOf(job: JobPayload, variant: JobSectionVariant = 'shipped'): string[] {
  const sections = jobSections(job);
  switch (variant) {
    case 'shipped':
      return sections;
    case 'plain-title':
      return [job.title, ...sections.slice(1)];
    case 'description-first': {
      const requirements = new Set(job.requirements);
      const isTail = (s: string) => s.startsWith('Categories: ');
      const head = sections.filter(
        (s) => !requirements.has(s) && s !== job.description && !isTail(s),
      );
      return [...head, job.description, ...job.requirements, ...sections.filter(isTail)].filter(
        (s) => s.trim().length > 0,
      );
    }
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

const RANDOM_PAIRS = 20000;

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
  return { p5: at(0.05), p25: at(0.25), p50: at(0.5), p75: at(0.75), p95: at(0.95) };
}

/** The values at the quantiles 0.01 … 0.99, lowest first. */
function quantiles(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: 99 }, (_, q) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.floor(((q + 1) / 100) * sorted.length))]
      : 0,
  );
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
