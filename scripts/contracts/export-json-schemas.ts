/**
 * Writes the contracts' JSON Schema documents to libs/contracts/json-schema/ for producers and
 * consumers outside this codebase. `npm run schemas`; a unit spec fails when they are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildJsonSchemas } from '@matchstream/contracts';

const outDir = resolve(process.argv[2] ?? 'libs/contracts/json-schema');
mkdirSync(outDir, { recursive: true });
for (const [file, schema] of Object.entries(buildJsonSchemas())) {
  writeFileSync(join(outDir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${join(outDir, file)}`);
}
