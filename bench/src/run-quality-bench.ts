/**
 * `npm run bench:quality`: how good the matches are, on the labelled development set
 * (bench/src/quality/dev-set.ts says where it is and how its records become payloads). For each
 * configuration: canonical text → model inputs (registry prefixes, chunks) → the model → the HNSW
 * index → the hybrid score, exactly as the services do; each job ranks every resume. Reported beside
 * BM25 and a random ranking from the same run, with each configuration's embedding throughput
 * measured in the same run. Writes bench/results/quality-<timestamp>.{json,md}; exits 0 (with a
 * note) when the data set is absent.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { embeddingModelEnv, loadConfig } from '@matchstream/config';
import { z } from 'zod';
import { loadDevSet, devSetDir } from './quality/dev-set';
import { QUALITY_CONFIGS, REFERENCE_CONFIG } from './quality/quality-configs';
import { baselines, configurationQuality, configurationThroughput } from './quality/quality-run';
import type {
  BaselineResult,
  ConfigResult,
  QualityResult,
  RunOptions,
  ThroughputResult,
} from './quality/quality-run';
import type { DevSet } from './quality/dev-set';
import type { QualityConfig } from './quality/quality-configs';
import { renderQualityMarkdown } from './quality/quality-report';
import type { QualityResults } from './quality/quality-report';
import { loadAverage, machineInfo } from './report';
import { writeCharts } from './charts/chart-files';
import { qualityCharts } from './quality/quality-charts';

const USAGE = `Usage: npm run bench:quality -- [options]

  --configs a,b     configurations to run (default: all): ${QUALITY_CONFIGS.map((c) => c.name).join(', ')}
  --sample N        documents per configuration in the throughput measurement (default 64)
  --rounds N        throughput rounds over all configurations, best kept (default 2)
  --out DIR         results folder (default bench/results)

Environment: QUALITY_DATA_DIR (default ../shared/data/quality-dev beside the repository),
EMBEDDING_MODEL_PATH, EMBEDDING_RUNTIME_CACHE_DIR, MATCH_CANDIDATE_POOL (default 50),
QUALITY_VECTOR_CACHE (default .run/quality-bench: model outputs kept between runs).`;

const log = (line: string): void => {
  process.stderr.write(`[quality ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string' },
      sample: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '2' },
      child: { type: 'string' },
      measure: { type: 'string' },
      out: { type: 'string', default: resolve(__dirname, '../../../bench/results') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = devSetDir();
  const set = loadDevSet(dir);
  if (!set) {
    console.log(`quality benchmark skipped: no data set in ${dir} (set QUALITY_DATA_DIR)`);
    return 0;
  }
  const wanted = values.child ? [values.child] : values.configs?.split(',').map((s) => s.trim());
  const configs = wanted
    ? wanted.map((name) => {
        const found = QUALITY_CONFIGS.find((c) => c.name === name);
        if (!found) throw new Error(`unknown configuration ${name}`);
        return found;
      })
    : [...QUALITY_CONFIGS];
  const env = loadConfig(
    z.object({
      ...embeddingModelEnv,
      MATCH_CANDIDATE_POOL: z.coerce.number().int().min(10).default(50),
      QUALITY_VECTOR_CACHE: z
        .string()
        .default('.run/quality-bench')
        .transform((p) => resolve(p)),
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
  if (values.child) return runChild(set, configs[0], values.measure, options);

  const started = new Date();
  const machine = machineInfo();
  log(`${set.resumes.length} resumes, ${set.jobs.length} jobs from ${dir}`);
  const baseline: BaselineResult = baselines(set);
  log(`BM25 P@10 ${baseline.bm25.p10.toFixed(3)}, random ${baseline.random.p10.toFixed(3)}`);
  const quality: QualityResult[] = [];
  for (const config of configs) {
    log(`${config.name}: ${config.modelId}, up to ${config.maxChunks} input(s) per entity`);
    quality.push(await inChild<QualityResult>(config, 'quality'));
  }
  // Rounds over every configuration, so a burst of other work on the machine slows one round of
  // each rather than all rounds of one.
  const rounds = new Map<string, ThroughputResult[]>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const config of configs) {
      const result = await inChild<ThroughputResult>(config, 'throughput');
      log(
        `  ${config.name}: ${result.documentsPerSecond.toFixed(1)} documents/s, ${result.documentsPerCpuSecond.toFixed(1)} per CPU-second`,
      );
      rounds.set(config.name, [...(rounds.get(config.name) ?? []), result]);
    }
  }
  const results: ConfigResult[] = quality.map((q) => {
    const measured = rounds.get(q.config.name) ?? [];
    return {
      ...q,
      throughput: measured.reduce((a, b) =>
        b.documentsPerCpuSecond > a.documentsPerCpuSecond ? b : a,
      ),
      throughputRounds: measured.map((m) => m.documentsPerSecond),
      cpuThroughputRounds: measured.map((m) => m.documentsPerCpuSecond),
    };
  });

  const finished = new Date();
  const report: QualityResults = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    args: process.argv.slice(2),
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    dataSet: { dir, resumes: set.resumes.length, jobs: set.jobs.length, labels: set.mapping.size },
    candidatePool: env.MATCH_CANDIDATE_POOL,
    referenceConfig: REFERENCE_CONFIG,
    baseline,
    configs: results,
  };
  const markdown = renderQualityMarkdown(report);
  mkdirSync(values.out, { recursive: true });
  const stamp = `quality-${started.toISOString().replace(/[:.]/g, '-')}`;
  const jsonPath = join(values.out, `${stamp}.json`);
  const mdPath = join(values.out, `${stamp}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  // Charts beside the report, linked at its end (bench/src/quality/quality-charts.ts).
  writeFileSync(mdPath, markdown + writeCharts(values.out, stamp, qualityCharts(report)));
  console.log(markdown);
  console.log(`Report: ${mdPath}\nData: ${jsonPath}`);
  return 0;
}

/** Runs one measurement of one configuration in a child process (one model per process). */
function inChild<T>(config: QualityConfig, measure: 'quality' | 'throughput'): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const child = fork(
      __filename,
      [...process.argv.slice(2), '--child', config.name, '--measure', measure],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let result: T | undefined;
    child.on('message', (message: T) => (result = message));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result !== undefined) resolvePromise(result);
      else reject(new Error(`${measure} of ${config.name} failed (exit ${code})`));
    });
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
  await new Promise<void>((done, fail) =>
    process.send?.(result, (error: Error | null) => (error ? fail(error) : done())),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
