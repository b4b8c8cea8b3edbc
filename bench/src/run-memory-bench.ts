/**
 * `npm run bench:memory`: memory per entity of the matching service's core and its start-up time
 * (snapshot load vs replay), at 100k entities per side by default (1M with --full); no broker,
 * Redis or model. `npm run bench` runs the same section with vectors grown from real embeddings.
 * See bench/src/memory/memory-bench.ts for what is measured and bench/results/README.md for a reference run.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runMemoryInChildProcesses } from './memory/memory-process';
import { memoryTable } from './memory/memory-table';
import { runMain, sizeList } from './harness/cli';

const USAGE = `Usage: npm run bench:memory -- [options]

  --sizes A,B            entities per side (default 100000)
  --full                 adds 1,000,000 per side (long, and about 10 GiB of memory)
  --top-k K              MATCH_TOP_K (default 10)
  --reserve R            MATCH_RANKING_RESERVE (default 10)
  --m M                  HNSW_M (default 16: memory depends on it)
  --ef-construction E    HNSW_EF_CONSTRUCTION for the build (default 200, the service's; only the
                         build time, i.e. the replay estimate, depends on it)
  --profile-text N       profile prose lengthened to about N characters (default 2500)
  --no-served            skip the stored-ranking summaries (what RankingStore keeps per subject)
  --no-snapshot          skip writing and loading the service's snapshot
  --pass-sample N        ranking passes timed for the replay estimate (default 50)
  --churn N              leak check: churn events (updates, removals, re-adds) over 2,000 per
                         side, measured after 10,000 unmeasured ones; memory must not grow with
                         them (default 10000; 0: none)
  --seed N               (default 42)
  --json FILE            also write the runs as JSON`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000' },
      full: { type: 'boolean', default: false },
      'top-k': { type: 'string', default: '10' },
      reserve: { type: 'string', default: '10' },
      m: { type: 'string', default: '16' },
      'ef-construction': { type: 'string', default: '200' },
      'profile-text': { type: 'string', default: '2500' },
      'no-served': { type: 'boolean', default: false },
      'no-snapshot': { type: 'boolean', default: false },
      'pass-sample': { type: 'string', default: '50' },
      churn: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '42' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = await runMemoryInChildProcesses(
    {
      sizes: sizeList('sizes', values.sizes, values.full),
      seed: Number(values.seed),
      topK: Number(values['top-k']),
      reserve: Number(values.reserve),
      m: Number(values.m),
      efConstruction: Number(values['ef-construction']),
      efSearch: 100,
      profileTextChars: Number(values['profile-text']),
      served: !values['no-served'],
      snapshot: !values['no-snapshot'],
      passSample: Number(values['pass-sample']),
      churnEvents: Number(values.churn),
    },
    undefined,
    (line) => console.error(line),
  );
  if (values.json) writeFileSync(values.json, JSON.stringify(runs, null, 2));
  console.log(memoryTable(runs).join('\n'));
  return 0;
}

runMain(main);
