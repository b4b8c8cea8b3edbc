/**
 * `npm run bench:scale-out` (scripts/bench-scale-out.sh starts the bench's own broker first): the
 * scale-out section of `npm run bench` alone. Embeds `--bases` generated profiles and jobs with the
 * model (as the embedding service would), grows the population from them, and measures the
 * matching tier with 1, 2 and 3 instances (scale-out/scale-out-bench.ts). Report to stdout and to
 * bench/results/scale-out-<timestamp>.{json,md}.
 */
import { parseArgs } from 'node:util';
import { scaleOutCharts } from './charts/bench-charts';
import { runMain, stampedLog } from './harness/cli';
import { resultsDir, writeResults } from './harness/results';
import { benchEmbedder, benchEnv, embeddingConfig, matchingConfig } from './harness/services';
import { LoadGenerator } from './load/load-generator';
import { loadAverage, machineInfo } from './report';
import { embedGenerated } from './load/embedded-bases';
import { runScaleOut } from './scale-out/scale-out-bench';
import type { ScaleOutSection } from './scale-out/scale-out-bench';
import {
  SCALE_OUT_ARGS,
  SCALE_OUT_USAGE,
  brokerPid,
  scaleOutSettings,
} from './scale-out/scale-out-options';
import {
  inconsistencyNotes,
  inconsistentRuns,
  scaleOutMarkdown,
} from './scale-out/scale-out-table';

const USAGE = `Usage: npm run bench:scale-out -- [options]

${SCALE_OUT_USAGE}
  --full              the load run at 100,000 per side (hours on a small machine)
  --bases N           generated profiles and jobs embedded with the model to grow the population
                      from (default 300 each)
  --seed N            generator seed (default 42)
  --out DIR           results folder (default bench/results)

Environment: KAFKA_BROKERS (scripts/bench-scale-out.sh sets its own broker), REDIS_URL,
EMBEDDING_MODEL_ID, MATCH_* / HNSW_* as the service reads them, BENCH_LOG_LEVEL for its logs.`;

const log = stampedLog('scale-out');

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      ...SCALE_OUT_ARGS,
      full: { type: 'boolean', default: false },
      bases: { type: 'string', default: '300' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: resultsDir() },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const settings = scaleOutSettings(values, values.full);
  if (settings.instances.length === 0) {
    log('no instance counts: nothing to do');
    return 0;
  }
  const bases = Number(values.bases);
  if (!Number.isInteger(bases) || bases < 2) throw new Error('--bases must be an integer ≥ 2');
  const seed = Math.round(Number(values.seed));
  const started = new Date();
  const machine = machineInfo();
  const run = `scale-${started.getTime().toString(36)}`;
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:29092';
  const env = benchEnv(brokers, run);
  const eConfig = embeddingConfig(env);
  const mConfig = matchingConfig(env);
  log(`run ${run}: broker ${brokers}, model ${eConfig.EMBEDDING_MODEL_ID}, seed ${seed}`);

  const embedder = benchEmbedder(eConfig);
  let section: ScaleOutSection;
  try {
    await embedder.load();
    const generator = new LoadGenerator({ seed, idPrefix: run });
    log(`embedding ${bases} profiles and ${bases} jobs`);
    const start = performance.now();
    const { profiles, jobs } = await embedGenerated(embedder, generator, bases);
    log(`  embedded in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    await embedder.close();
    section = await runScaleOut({
      brokers,
      run,
      ...settings,
      rateFraction: 0.6,
      seed,
      modelId: mConfig.EMBEDDING_MODEL_ID,
      bulkLoadMinRecords: mConfig.MATCHING_BULK_LOAD_MIN_RECORDS,
      profiles,
      jobs,
      brokerPid: brokerPid(),
      log,
    });
  } finally {
    await embedder.close().catch(() => undefined);
  }

  const finished = new Date();
  const markdown = [
    `# matchstream scale-out benchmark — ${started.toISOString()}`,
    '',
    `${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; ` +
      `load average at start ${machine.loadAverageAtStart.join(' / ')}, at end ` +
      `${loadAverage().join(' / ')}; run took ` +
      `${Math.round((finished.getTime() - started.getTime()) / 1000)} s.`,
    '',
    ...scaleOutMarkdown(section),
    ...inconsistencyNotes(section).map((note) => `**${note}**`),
  ].join('\n');
  const data = {
    startedAt: started.toISOString(),
    args: process.argv.slice(2),
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    scaleOut: section,
  };
  writeResults(values.out, 'scale-out-', started, {
    data,
    markdown,
    charts: scaleOutCharts(section),
  });
  // An inconsistent ranking is a wrong answer, not a slow one: the run fails on it.
  return section.runs.some((r) => r.error) || inconsistentRuns(section).length ? 1 : 0;
}

runMain(main);
