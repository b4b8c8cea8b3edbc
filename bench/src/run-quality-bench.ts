/**
 * `npm run bench:quality`: how good the matches are, on every labelled development set it finds
 * (bench/src/quality/dev-set.ts says where they are and how their records become payloads). For
 * each configuration and set: canonical text → model inputs (prefixes, budget) → the model → the
 * HNSW index → the hybrid score, exactly as the services do; each job ranks every resume. Reported
 * beside BM25 and a random ranking per set, with the ratio to BM25 on each set and the worst ratio
 * across them, which picks the default (quality-summary.ts); each configuration's embedding
 * throughput is measured in the same run. Writes bench/results/quality-<timestamp>.{json,md};
 * exits 0 (with a note) when no set is found.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { embeddingModelEnv, loadConfig } from '@matchstream/config';
import { z } from 'zod';
import { devSetDirs, devSetName, loadDevSet, resumeToProfile } from './quality/dev-set';
import { profileText } from '@matchstream/scoring';
import { QUALITY_CONFIGS, REFERENCE_CONFIG } from './quality/quality-configs';
import {
  SHIPPED_EVERY_PROFILE,
  SHIPPED_SCORING,
  baselines,
  configurationQuality,
  configurationThroughput,
} from './quality/quality-run';
import type { QualityResult, RunOptions, ThroughputResult } from './quality/quality-run';
import type { DevSet } from './quality/dev-set';
import type { QualityConfig } from './quality/quality-configs';
import { renderQualityMarkdown } from './quality/quality-report';
import type { ConfigResults, QualityResults, SetResults } from './quality/quality-report';
import {
  FLOOR_ALLOWANCE,
  FLOOR_QUANTILE,
  calibratedFloor,
  chooseDefault,
  compareConfig,
  floorEffect,
  judgeLever,
} from './quality/quality-summary';
import { runNodeChild, replyToParent } from './harness/child-process';
import { runMain, stampedLog } from './harness/cli';
import { resultsDir, writeResults } from './harness/results';
import { loadAverage, machineInfo } from './report';
import { qualityCharts } from './quality/quality-charts';

const USAGE = `Usage: npm run bench:quality -- [options]

  --configs a,b     configurations to run (default: all but the on-demand ones):
                    ${QUALITY_CONFIGS.map((c) => `${c.name}${c.onDemand ? ' (on demand)' : ''}`).join(', ')}
  --sample N        documents per configuration in the throughput measurement (default 64)
  --rounds N        throughput rounds over all configurations, best kept (default 2; 0 skips)
  --out DIR         results folder (default bench/results)

Environment: QUALITY_DATA_DIRS (comma-separated set folders; default every quality-* folder of the
nearest shared/data above the repository), QUALITY_DATA_DIR (one folder), EMBEDDING_MODEL_PATH,
EMBEDDING_RUNTIME_CACHE_DIR, MATCH_CANDIDATE_POOL (default 50), QUALITY_VECTOR_CACHE (default
.run/quality-bench: model outputs kept between runs, keyed by model and exact input text),
QUALITY_WORD_FREQUENCIES (a JSON list of {word, count}: the word-list lexical term; unset, that
term is not measured).`;

const log = stampedLog('quality');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string' },
      sample: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '2' },
      child: { type: 'string' },
      measure: { type: 'string' },
      set: { type: 'string' },
      out: { type: 'string', default: resultsDir() },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rounds = Number(values.rounds);
  if (!(Number.isInteger(rounds) && rounds >= 0)) throw new Error('--rounds must be 0 or more');
  const dirs = values.set ? [resolve(values.set)] : devSetDirs();
  const sets = dirs.map((dir) => loadDevSet(dir)).filter((s): s is DevSet => s !== null);
  if (sets.length === 0) {
    console.log(
      `quality benchmark skipped: no labelled set in ${dirs.join(', ') || 'shared/data'} (set QUALITY_DATA_DIRS)`,
    );
    return 0;
  }
  const wanted = values.child ? [values.child] : values.configs?.split(',').map((s) => s.trim());
  const configs = wanted
    ? wanted.map((name) => {
        const found = QUALITY_CONFIGS.find((c) => c.name === name);
        if (!found) throw new Error(`unknown configuration ${name}`);
        return found;
      })
    : QUALITY_CONFIGS.filter((c) => !c.onDemand);
  const env = loadConfig(
    z.object({
      ...embeddingModelEnv,
      MATCH_CANDIDATE_POOL: z.coerce.number().int().min(10).default(50),
      QUALITY_VECTOR_CACHE: z
        .string()
        .default('.run/quality-bench')
        .transform((p) => resolve(p)),
      QUALITY_WORD_FREQUENCIES: z.string().optional(),
    }),
  );
  const options: RunOptions = {
    modelPath: env.EMBEDDING_MODEL_PATH,
    cacheDir: env.EMBEDDING_RUNTIME_CACHE_DIR,
    vectorCacheDir: env.QUALITY_VECTOR_CACHE,
    candidatePool: env.MATCH_CANDIDATE_POOL,
    throughputSample: Number(values.sample),
    log,
  };
  if (values.child) {
    // The lexical terms' fixed data: the other sets' profiles (a reference that is not the ranked
    // corpus) and, when given, a word-frequency list.
    const others = devSetDirs()
      .filter((dir) => resolve(dir) !== sets[0].dir)
      .map((dir) => loadDevSet(dir))
      .filter((s): s is DevSet => s !== null);
    options.lexicalReference = others.flatMap((s) =>
      s.resumes.map((r) => profileText(resumeToProfile(r))),
    );
    if (env.QUALITY_WORD_FREQUENCIES) {
      options.wordFrequencies = JSON.parse(readFileSync(env.QUALITY_WORD_FREQUENCIES, 'utf8')) as {
        word: string;
        count: number;
      }[];
    }
    return runChild(sets[0], configs[0], values.measure, options);
  }

  const started = new Date();
  const machine = machineInfo();
  const setResults: SetResults[] = sets.map((set) => {
    const baseline = baselines(set);
    log(
      `${devSetName(set.dir)}: ${set.resumes.length} resumes, ${set.jobs.length} jobs; BM25 P@10 ${baseline.bm25.p10.toFixed(3)}, random ${baseline.random.p10.toFixed(3)}`,
    );
    return {
      name: devSetName(set.dir),
      dir: set.dir,
      resumes: set.resumes.length,
      jobs: set.jobs.length,
      labels: set.mapping.size,
      baseline,
    };
  });
  const quality = new Map<string, QualityResult[]>();
  for (const config of configs) {
    for (const set of sets) {
      log(
        `${config.name} on ${devSetName(set.dir)}: ${config.modelId}, ${config.maxTokens} tokens`,
      );
      const result = await inChild<QualityResult>(config, 'quality', set.dir);
      quality.set(config.name, [...(quality.get(config.name) ?? []), result]);
    }
  }
  // Rounds over every configuration, so a burst of other work on the machine slows one round of
  // each rather than all rounds of one. The sample comes from the first set.
  const measured = new Map<string, ThroughputResult[]>();
  for (let round = 0; round < rounds; round++) {
    for (const config of configs) {
      const result = await inChild<ThroughputResult>(config, 'throughput', sets[0].dir);
      log(
        `  ${config.name}: ${result.documentsPerSecond.toFixed(1)} documents/s, ${result.documentsPerCpuSecond.toFixed(1)} per CPU-second`,
      );
      measured.set(config.name, [...(measured.get(config.name) ?? []), result]);
    }
  }

  const bm25BySet = new Map(setResults.map((s) => [s.name, s.baseline.bm25.p10]));
  const results: ConfigResults[] = configs.map((config) => {
    const perSet = quality.get(config.name) ?? [];
    const rounds = measured.get(config.name) ?? [];
    const figureOf = (scoring: string) =>
      perSet.map((q, i) => {
        const figures = q.scorings.find((s) => s.name === scoring)?.figures;
        if (!figures) throw new Error(`${config.name}: no ${scoring} figures`);
        return { set: setResults[i].name, p10: figures.p10, p10Interval: figures.p10Interval };
      });
    const floor = calibratedFloor(perSet.map((q) => q.relevantPairQuantiles));
    const floorEffects = perSet.map((q, i) => ({
      set: setResults[i].name,
      ...floorEffect(q.top10Scores ?? [], floor),
    }));
    const sample = perSet[0].sample.map((s) => ({
      ...s,
      keptAtFloor: s.ranked.filter((r) => r.score >= floor).length,
    }));
    const scoringComparisons = perSet[0].scorings.map((s) =>
      compareConfig(`${config.name}, ${s.name}`, figureOf(s.name), bm25BySet),
    );
    const shippedEverywhere = compareConfig(
      config.name,
      figureOf(SHIPPED_EVERY_PROFILE),
      bm25BySet,
    );
    const lexicalLevers = perSet[0].scorings.flatMap((s, k) => {
      if (!s.lexical) return [];
      const { term, weight, ranks } = s.lexical;
      const versusShipped = perSet.map((q, i) => ({
        set: setResults[i].name,
        ...q.scorings.find((x) => x.name === s.name)!.lexical!.versusShipped,
      }));
      return [
        {
          term,
          weight,
          ranks,
          comparison: scoringComparisons[k],
          versusShipped,
          verdict: judgeLever(scoringComparisons[k], shippedEverywhere, versusShipped),
        },
      ];
    });
    // Of the levers that beat the shipped worst case beyond the interval (ranked the exact way),
    // the best worst case, or the one listed first among those inside its interval everywhere.
    const kept = lexicalLevers.filter(
      (l) => l.verdict.beyondInterval && l.ranks === 'every-profile',
    );
    return {
      config,
      comparison: compareConfig(config.name, figureOf(SHIPPED_SCORING), bm25BySet),
      scoringComparisons,
      lexicalLevers,
      lexicalChoice: kept.length ? chooseDefault(kept.map((l) => l.comparison)) : null,
      perSet: perSet.map((q, i) => {
        // Per-job scores and the sample are summarised above, not written out.
        const kept: Partial<QualityResult> = { ...q };
        delete kept.top10Scores;
        delete kept.sample;
        return {
          set: setResults[i].name,
          ...(kept as Omit<QualityResult, 'top10Scores' | 'sample'>),
        };
      }),
      floor: {
        quantile: FLOOR_QUANTILE,
        allowance: FLOOR_ALLOWANCE,
        minScore: floor,
        perSet: floorEffects,
      },
      sample,
      throughput: rounds.length
        ? rounds.reduce((a, b) => (b.documentsPerCpuSecond > a.documentsPerCpuSecond ? b : a))
        : null,
      throughputRounds: rounds.map((m) => m.documentsPerSecond),
      cpuThroughputRounds: rounds.map((m) => m.documentsPerCpuSecond),
    };
  });

  const finished = new Date();
  const report: QualityResults = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    args: process.argv.slice(2),
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    sets: setResults,
    candidatePool: env.MATCH_CANDIDATE_POOL,
    shippedScoring: SHIPPED_SCORING,
    referenceConfig: REFERENCE_CONFIG,
    configs: results,
    choice: chooseDefault(results.map((r) => r.comparison)),
  };
  // Charts beside the report, linked at its end (bench/src/quality/quality-charts.ts).
  writeResults(values.out, 'quality-', started, {
    data: report,
    markdown: renderQualityMarkdown(report),
    charts: qualityCharts(report),
  });
  return 0;
}

/** Runs one measurement of one configuration in a child process (one model per process). */
function inChild<T>(
  config: QualityConfig,
  measure: 'quality' | 'throughput',
  setDir: string,
): Promise<T> {
  const args = ['--child', config.name, '--measure', measure, '--set', setDir];
  return runNodeChild<T>(`${measure} of ${config.name}`, __filename, {
    args: [...process.argv.slice(2), ...args],
  });
}

async function runChild(
  set: DevSet,
  config: QualityConfig,
  measure: string | undefined,
  options: RunOptions,
): Promise<number> {
  const result =
    measure === 'throughput'
      ? await configurationThroughput(set, config, options)
      : await configurationQuality(set, config, options);
  if (!process.send) {
    // Run by hand (--child NAME without a parent): the figures go to stdout.
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  await replyToParent(result);
  return 0;
}

runMain(main);
