/**
 * `npm run bench:maintenance`: the ranking maintenance section alone (no broker, no model), at
 * 10k and 100k entities per side by default. `npm run bench` runs the same section in a child
 * process, with populations grown from the real embeddings it made.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runMaintenance } from './maintenance-bench';
import { maintenanceTable } from './maintenance-table';

const USAGE = `Usage: npm run bench:maintenance -- [options]

  --sizes A,B        entities per side (default 10000,100000)
  --events N         measured events per size (default 400)
  --top-k K          MATCH_TOP_K (default 10)
  --reserve R        MATCH_RANKING_RESERVE (default 10)
  --seed N           (default 42)
  --bases FILE       real vectors (float32, --dimension each) to grow the populations from
  --dimension D      (default 384)
  --json FILE        also write the runs as JSON`;

function main(): number {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
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
  let bases: Float32Array[] | undefined;
  if (values.bases) {
    const buffer = readFileSync(values.bases);
    const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
    bases = Array.from({ length: all.length / dimension }, (_, i) =>
      all.slice(i * dimension, (i + 1) * dimension),
    );
  }
  const runs = values.sizes.split(',').map((size) => {
    const perSide = Number(size);
    console.error(`ranking maintenance at ${perSide} per side…`);
    return runMaintenance({
      perSide,
      events: Number(values.events),
      seed: Number(values.seed),
      topK: Number(values['top-k']),
      reserve: Number(values.reserve),
      bases,
      dimension,
      log: (m) => console.error(m),
    });
  });
  if (values.json) writeFileSync(values.json, JSON.stringify(runs, null, 2));
  console.log(maintenanceTable(runs).join('\n'));
  return 0;
}

if (require.main === module) process.exitCode = main();
