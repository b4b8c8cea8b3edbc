/**
 * `npm run bench` (scripts/bench.sh starts a fresh broker, then runs this): measures the pipeline
 * against its own limits, side by side, on the real broker, Redis and model.
 *
 *   1. Embedding: the raw model (`embed` in a tight loop, batch sizes 1 to 64) against the
 *      embedding service (profile events in, entity vectors out, cold cache).
 *   2. Search and growth: HNSW recall@10 and latency against exact search at 10k and 100k vectors
 *      (1M with --full), build rate and memory per vector.
 *   3. Ranking maintenance: the cost of one entity event to the exact maintenance of every
 *      affected ranking, at 10k and 100k entities per side.
 *   4. Memory and start-up: the matching core's bytes per entity at 100k entities per side (1M
 *      with --full), and its start-up from a snapshot against a replay of the log.
 *   5. End to end: both services; job events at a steady rate; publish-to-ranking latency against
 *      the raw cost of one event (embed one text + one search).
 *   6. Scale-out and the service: the matching tier alone with 1, 2 and 3 instances (entity
 *      vectors published straight to the vector topic): each start a load of the whole topic,
 *      a churn backlog drained, every ranking audited against a fresh ranking, steady p50/p99 and
 *      CPU per process, side by side; then one instance bulk-loading a larger population.
 *
 * It reports; it never fails on a number. Progress goes to stderr, the report to stdout and to
 * bench/results/<timestamp>.{json,md}.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCharts } from './charts/bench-charts';
import { positive, runMain, sizeList, stampedLog } from './harness/cli';
import { writeResults, resultsDir } from './harness/results';
import { benchEmbedder, embeddingConfig, matchingConfig } from './harness/services';
import { jobUpsertedEvent } from './load/input-events';
import { LoadGenerator } from './load/load-generator';
import {
  jobTexts,
  meanTokens,
  embedAll,
  profileTexts,
  singleTextLatency,
  sweepBatchSizes,
} from './pipeline/model-bench';
import {
  measureEmbeddingPipeline,
  measureEndToEnd,
  measureKafkaHop,
} from './pipeline/pipeline-bench';
import { ServicePipeline } from './pipeline/service-pipeline';
import { TARGETS, loadAverage, machineInfo, renderMarkdown } from './report';
import type { BenchResults, EmbeddingSection, EndToEndSection, SearchSection } from './report';
import { runSearchInChildProcess } from './search/search-process';
import { runMaintenanceInChildProcess } from './maintenance/maintenance-process';
import type { MaintenanceRun } from './maintenance/maintenance-bench';
import { runMemoryInChildProcesses } from './memory/memory-process';
import type { MemoryRun } from './memory/memory-bench';
import type { NoiseModel } from './load/synthetic-vectors';
import { embedBases } from './load/embedded-bases';
import { runScaleOut } from './scale-out/scale-out-bench';
import type { ScaleOutSection } from './scale-out/scale-out-bench';
import {
  SCALE_OUT_ARGS,
  SCALE_OUT_USAGE,
  brokerPid,
  scaleOutSettings,
} from './scale-out/scale-out-options';
import type { ScaleOutSettings } from './scale-out/scale-out-options';
import { inconsistencyNotes, inconsistentRuns } from './scale-out/scale-out-table';

const USAGE = `Usage: npm run bench -- [options]

  --full              also 1,000,000 vectors in the search section (long: about 20 minutes more),
                      1,000,000 per side in the memory section, and the scale-out section's load
                      run at 100,000 per side (hours on a small machine; bench/results/README.md)
  --events N          profile events through the embedding pipeline (default 2000); their vectors
                      are also the real vectors the search section grows its sets from
  --raw-texts N       texts per batch size in the raw-model sweep (default 192)
  --queries N         search queries: embedded generated jobs (default 200)
  --sizes A,B         search set sizes (default 10000,100000; --full adds 1000000)
  --maintenance-sizes A,B
                      entities per side in the ranking maintenance section (default 10000; 100000
                      seeds in minutes by the blocked pass, bench/results/README.md)
  --memory-sizes A,B  entities per side in the memory section (default 100000; --full adds 1000000)
  --noise M           local (default) or isotropic: how the search sets are grown
  --sigma X           noise scale (default 1.0 local, 0.3 isotropic)
  --e2e-seconds S     how long job events are published in the end-to-end section (default 30)
  --rate R            job events per second end to end (default 60% of the end-to-end capacity,
                      measured first by draining a backlog of 100 job events)
${SCALE_OUT_USAGE}
  --seed N            generator seed (default 42)
  --out DIR           results folder (default bench/results)

Environment: KAFKA_BROKERS (scripts/bench.sh sets its own broker), REDIS_URL, EMBEDDING_* and
HNSW_* / MATCH_* settings as the services read them, BENCH_LOG_LEVEL for the services' logs.`;

interface Options {
  full: boolean;
  events: number;
  rawTexts: number;
  queries: number;
  sizes: number[];
  maintenanceSizes: number[];
  memorySizes: number[];
  noise: NoiseModel;
  sigma: number;
  e2eSeconds: number;
  rate: number | null;
  scaleOut: ScaleOutSettings;
  seed: number;
  out: string;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      full: { type: 'boolean', default: false },
      events: { type: 'string', default: '2000' },
      'raw-texts': { type: 'string', default: '192' },
      queries: { type: 'string', default: '200' },
      sizes: { type: 'string' },
      'maintenance-sizes': { type: 'string', default: '10000' },
      'memory-sizes': { type: 'string', default: '100000' },
      noise: { type: 'string', default: 'local' },
      sigma: { type: 'string' },
      'e2e-seconds': { type: 'string', default: '30' },
      rate: { type: 'string' },
      ...SCALE_OUT_ARGS,
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: resultsDir() },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (values.noise !== 'local' && values.noise !== 'isotropic') {
    throw new Error('--noise must be local or isotropic');
  }
  return {
    full: values.full,
    events: Math.round(positive('events', values.events)),
    rawTexts: Math.round(positive('raw-texts', values['raw-texts'])),
    queries: Math.round(positive('queries', values.queries)),
    sizes: sizeList('sizes', values.sizes ?? '10000,100000', values.full),
    maintenanceSizes: sizeList('maintenance-sizes', values['maintenance-sizes']),
    memorySizes: sizeList('memory-sizes', values['memory-sizes'], values.full),
    noise: values.noise,
    sigma: values.sigma ? positive('sigma', values.sigma) : values.noise === 'local' ? 1.0 : 0.3,
    e2eSeconds: positive('e2e-seconds', values['e2e-seconds']),
    rate: values.rate ? positive('rate', values.rate) : null,
    scaleOut: scaleOutSettings(values, values.full),
    seed: Math.round(Number(values.seed)),
    out: resolve(values.out),
  };
}

/** input topic → embedding service → entity-vector topic → matching service → matches topic → subscriber. */
const KAFKA_HOPS = 3;
/** A generated job index no other phase uses. */
const JOB_HOP_SAMPLE = 950000;
/** First generated job index of the scale-out section's embedded documents. */
const SCALE_OUT_JOBS = 1000000;
/** Embedded documents per side the scale-out population is grown from (at most). */
const SCALE_OUT_BASES = 300;

const log = stampedLog('bench');

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const started = new Date();
  const machine = machineInfo();
  const run = `bench-${started.getTime().toString(36)}`;
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:29092';
  const pipeline = new ServicePipeline(brokers, run);
  const eConfig = embeddingConfig(pipeline.env);
  const mConfig = matchingConfig(pipeline.env);
  const hnsw = {
    m: mConfig.HNSW_M,
    efConstruction: mConfig.HNSW_EF_CONSTRUCTION,
    efSearch: mConfig.HNSW_EF_SEARCH,
    initialCapacity: mConfig.HNSW_INITIAL_CAPACITY,
  };
  const generator = new LoadGenerator({ seed: options.seed, idPrefix: run });
  const phases: Record<string, number> = {};
  const notes: string[] = [];
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    log(`${name}…`);
    const start = performance.now();
    try {
      return await work();
    } finally {
      phases[name] = Math.round((performance.now() - start) / 100) / 10;
    }
  };
  log(`run ${run}: broker ${brokers}, model ${eConfig.EMBEDDING_MODEL_ID}, seed ${options.seed}`);
  // The raw model runs here, in this process's model worker; the services load their own.
  const embedder = benchEmbedder(eConfig);
  let embedding: EmbeddingSection | null = null;
  let search: SearchSection | null = null;
  let endToEnd: EndToEndSection | null = null;
  let maintenance: MaintenanceRun[] | null = null;
  let scaleOut: ScaleOutSection | null = null;
  let memory: MemoryRun[] | null = null;
  let failed = false;

  try {
    await embedder.load();
    const profiles = generator.profiles(options.events);
    const queryJobs = generator.jobs(options.queries, 900000);

    const raw = await phase('raw model', async () => {
      const texts = await profileTexts(
        embedder,
        profiles.map((p) => p.payload),
      );
      const sweepTexts = texts.slice(0, Math.min(options.rawTexts, texts.length));
      const sweep = await sweepBatchSizes(embedder, sweepTexts, [1, 2, 4, 8, 16, 32, 64], log);
      const queryTexts = await jobTexts(
        embedder,
        queryJobs.map((j) => j.payload),
      );
      const single = await singleTextLatency(embedder, queryTexts);
      log(`  one text per call: p50 ${single.ms.p50.toFixed(1)} ms`);
      return {
        texts,
        sweep,
        single,
        meanTokens: {
          profile: await meanTokens(embedder, sweepTexts),
          job: await meanTokens(embedder, queryTexts),
        },
      };
    });
    const best = raw.sweep.reduce((a, b) => (b.throughput > a.throughput ? b : a));

    await pipeline.prepare();
    const warmProfile = generator.profile(options.events + 1000);
    const { result: pipelineResult, vectors } = await phase('embedding pipeline', () =>
      measureEmbeddingPipeline(pipeline, profiles, warmProfile, {
        timeoutMs: Math.max(600000, options.events * 1000),
        log,
      }),
    );
    const ratio = pipelineResult.throughput / best.throughput;
    embedding = {
      profileTexts: profiles.length,
      meanTokens: raw.meanTokens,
      sweep: raw.sweep,
      best,
      singleTextMs: raw.single.ms,
      pipeline: pipelineResult,
      ratio,
      met: ratio >= TARGETS.embeddingRatio && pipelineResult.vectorsSeen === profiles.length,
    };
    log(
      `  pipeline ${pipelineResult.throughput.toFixed(1)} events/s vs raw ${best.throughput.toFixed(1)} texts/s: ratio ${ratio.toFixed(2)}`,
    );

    // Search while the services are idle (the matching service has not started yet), in a child
    // process: its memory figures are its own.
    let bases = vectors.filter((v): v is Float32Array => v !== null);
    if (bases.length < profiles.length / 2) {
      notes.push(
        `Only ${bases.length} of ${profiles.length} profile vectors arrived; the search section ` +
          'embedded the texts with the raw model instead.',
      );
      bases = await embedAll(embedder, raw.texts, best.batchSize);
    }
    const queries = raw.single.vectors;
    search = await phase('search', async () => {
      const { runs, serviceIndex } = await runSearchInChildProcess(
        {
          sizes: options.sizes,
          k: 10,
          hnsw,
          exactQueriesUpTo: 100000,
          exactQueriesLarge: Math.min(50, queries.length),
          seed: options.seed,
          noise: options.noise,
          sigma: options.sigma,
          serviceK: mConfig.MATCH_CANDIDATE_POOL,
        },
        bases,
        queries,
      );
      return {
        noise: options.noise,
        sigma: options.sigma,
        realVectors: bases.length,
        queryKind: `${queries.length} embedded generated jobs (not in the index)`,
        runs,
        serviceIndex,
      };
    });

    maintenance = await phase('ranking maintenance', () =>
      runMaintenanceInChildProcess(
        { sizes: options.maintenanceSizes, events: 300, seed: options.seed },
        bases,
        log,
      ),
    );

    memory = await phase('memory', () =>
      runMemoryInChildProcesses(
        {
          sizes: options.memorySizes,
          seed: options.seed,
          topK: mConfig.MATCH_TOP_K,
          reserve: mConfig.MATCH_RANKING_RESERVE,
          m: mConfig.HNSW_M,
          efConstruction: mConfig.HNSW_EF_CONSTRUCTION,
          efSearch: mConfig.HNSW_EF_SEARCH,
          profileTextChars: 2500,
          served: true,
          snapshot: true,
          passSample: 50,
          churnEvents: 10000,
        },
        bases,
        log,
      ),
    );

    const hop = await phase('kafka hop', () =>
      measureKafkaHop(
        pipeline,
        JSON.stringify(jobUpsertedEvent(generator.job(JOB_HOP_SAMPLE), { eventId: `${run}-hop` })),
        30,
      ),
    );
    log(`  one Kafka hop: p50 ${hop.latencyMs.p50.toFixed(1)} ms`);

    const e2e = await phase('end to end', () =>
      measureEndToEnd(
        pipeline,
        [...profiles.filter((_, i) => vectors[i] !== null).map((p) => p.id), warmProfile.id],
        (i) => generator.job(i),
        {
          rate: options.rate,
          rateFraction: 0.6,
          seconds: options.e2eSeconds,
          idleJobs: 20,
          burstJobs: 100,
          drainTimeoutMs: 300000,
          log,
        },
      ),
    );
    const rawEmbedMs = raw.single.ms.p50;
    const rawSearchMs = search.serviceIndex.ms.p50;
    const overhead = e2e.latencyMs ? e2e.latencyMs.p50 / (rawEmbedMs + rawSearchMs) : null;
    const idleOverhead = e2e.idle.latencyMs
      ? e2e.idle.latencyMs.p50 / (rawEmbedMs + rawSearchMs)
      : null;
    // What no pipeline of three Kafka hops can beat on this machine: the model, the search and
    // the broker's own latency, each measured alone in this run.
    const floorMs = rawEmbedMs + rawSearchMs + KAFKA_HOPS * hop.latencyMs.p50;
    endToEnd = {
      ...e2e,
      rawEmbedMs,
      rawSearchMs,
      overhead,
      idleOverhead,
      kafkaHop: hop,
      floorMs,
      floorOverhead: floorMs / (rawEmbedMs + rawSearchMs),
      overheadOverFloor: e2e.latencyMs ? e2e.latencyMs.p50 / floorMs : null,
      met: overhead !== null && overhead < TARGETS.overhead && e2e.matched === e2e.jobs,
    };

    if (options.scaleOut.instances.length) {
      // The matching tier alone: the pipeline's services stop first (its matching service would
      // consume the section's vector events too).
      await pipeline.stop();
      scaleOut = await phase('scale-out', async () => {
        // Profiles as the embedding service embedded them above; jobs embedded here the same way.
        let profileBases = profiles.flatMap((p, i) => {
          const vector = vectors[i];
          return vector ? [{ payload: p.payload, vector }] : [];
        });
        if (profileBases.length < 2) {
          profileBases = await embedBases(
            embedder,
            'profile',
            profiles.slice(0, SCALE_OUT_BASES).map((p) => p.payload),
          );
        }
        const jobBases = await embedBases(
          embedder,
          'job',
          generator.jobs(SCALE_OUT_BASES, SCALE_OUT_JOBS).map((j) => j.payload),
        );
        return runScaleOut({
          brokers,
          run,
          ...options.scaleOut,
          rateFraction: 0.6,
          seed: options.seed,
          modelId: mConfig.EMBEDDING_MODEL_ID,
          bulkLoadMinRecords: mConfig.MATCHING_BULK_LOAD_MIN_RECORDS,
          profiles: profileBases,
          jobs: jobBases,
          brokerPid: brokerPid(),
          log,
        });
      });
      for (const r of scaleOut.runs) {
        if (r.error) notes.push(`Scale-out with ${r.instances} instances failed: ${r.error}`);
      }
      notes.push(...inconsistencyNotes(scaleOut));
    }
  } catch (error) {
    // Whatever was measured is still reported; the failure is noted and sets the exit code.
    failed = true;
    log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    notes.push(`The run failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    log('stopping services');
    await pipeline.stop().catch((error: unknown) => log(`  stop failed: ${String(error)}`));
    await embedder.close();
    await pipeline.removeSnapshots().catch(() => undefined);
    const purged = await pipeline.purgeRedis().catch(() => -1);
    log(`  removed ${purged} Redis keys of this run`);
  }

  const finished = new Date();
  const results: BenchResults = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    args: process.argv.slice(2),
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    config: {
      modelId: eConfig.EMBEDDING_MODEL_ID,
      embeddingBatchSize: eConfig.EMBEDDING_BATCH_SIZE,
      embeddingBatchMaxWaitMs: eConfig.EMBEDDING_BATCH_MAX_WAIT_MS,
      hnsw,
      matchTopK: mConfig.MATCH_TOP_K,
      matchCandidatePool: mConfig.MATCH_CANDIDATE_POOL,
      seed: options.seed,
    },
    phases,
    embedding,
    search,
    maintenance,
    memory,
    endToEnd,
    scaleOut,
    notes,
  };
  writeResults(options.out, '', started, {
    data: results,
    markdown: renderMarkdown(results),
    charts: benchCharts(results),
  });
  // An inconsistent ranking is a wrong answer, not a slow one: the run fails on it.
  return failed ||
    scaleOut?.runs.some((r) => r.error) ||
    (scaleOut && inconsistentRuns(scaleOut).length)
    ? 1
    : 0;
}

runMain(main);
