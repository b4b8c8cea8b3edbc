/**
 * `npm run bench:maintenance`: the ranking maintenance section alone (no broker), at 10k entities
 * per side by default (100k and 1M more with `--full`), its populations grown from real
 * embeddings (embedded once and cached: maintenance/maintenance-bases.ts), their rankings seeded
 * by the bulk load's blocked pass (measured: maintenance/bulk-seeding.ts), which a small run also
 * holds side by side against one pass per subject. `npm run bench` runs the same section in a
 * child process, with the embeddings its pipeline run made.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { maintenanceBases } from './maintenance/maintenance-bases';
import { runMaintenanceSizes } from './maintenance/maintenance-bench';
import {
  bulkTable,
  maintenanceTable,
  scanTable,
  seedingTable,
} from './maintenance/maintenance-table';
import { runMain, sizeList } from './harness/cli';
import { readVectors } from './harness/vector-file';

const USAGE = `Usage: npm run bench:maintenance -- [options]

  --sizes A,B        entities per side (default 10000)
  --full             also 100000 and 1000000 per side (1M needs many GiB and hours)
  --compare-size N   seed N per side both ways, one pass per subject and the blocked pass, side by
                     side (default 2000; 0 skips it)
  --events N         measured events per size (default 400)
  --top-k K          MATCH_TOP_K (default 10)
  --reserve R        MATCH_RANKING_RESERVE (default 10)
  --seed N           (default 42)
  --bases FILE       real vectors (float32, --dimension each) to grow the populations from
                     (default: 300 generated profiles and 300 jobs, embedded once, cached)
  --synthetic        clustered random vectors instead (isotropic noise: many near-ties)
  --dimension D      (default 384)
  --json FILE        also write the runs as JSON`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000' },
      full: { type: 'boolean', default: false },
      'compare-size': { type: 'string', default: '2000' },
      synthetic: { type: 'boolean', default: false },
      events: { type: 'string', default: '400' },
      'top-k': { type: 'string', default: '10' },
      reserve: { type: 'string', default: '10' },
      seed: { type: 'string', default: '42' },
      bases: { type: 'string' },
      dimension: { type: 'string', default: '384' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dimension = Number(values.dimension);
  const log = (m: string) => console.error(m);
  let bases: Float32Array[] | undefined;
  if (values.synthetic) bases = undefined;
  else if (!values.bases) bases = await maintenanceBases(300, Number(values.seed), log);
  else bases = readVectors(values.bases, dimension);
  const sizes = sizeList('sizes', values.sizes, values.full);
  if (values.full && !sizes.includes(100_000)) sizes.splice(sizes.length - 1, 0, 100_000);
  const options = {
    seed: Number(values.seed),
    topK: Number(values['top-k']),
    reserve: Number(values.reserve),
    bases,
    dimension,
    log,
  };
  const compareSize = Number(values['compare-size']);
  // Small, few events: it is there for the seeding, measured both ways on one state.
  const compared =
    compareSize > 0
      ? runMaintenanceSizes([compareSize], { ...options, events: 20, compareSeeding: true })
      : [];
  const runs = runMaintenanceSizes(sizes, { ...options, events: Number(values.events) });
  if (values.json) writeFileSync(values.json, JSON.stringify(runs, null, 2));
  console.log(
    [
      ...maintenanceTable(runs),
      '',
      ...scanTable(runs),
      '',
      ...bulkTable([...compared, ...runs]),
      '',
      ...seedingTable(compared),
    ].join('\n'),
  );
  return 0;
}

runMain(main);
