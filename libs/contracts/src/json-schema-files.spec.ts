import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildJsonSchemas } from './json-schemas';

/** The published JSON Schema files must match the zod contracts they are generated from. */
describe('published JSON Schema files', () => {
  const dir = join(__dirname, '..', 'json-schema');

  it('are up to date (run `npm run schemas` after changing a contract)', () => {
    const expected = buildJsonSchemas();
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, schema] of Object.entries(expected)) {
      expect(JSON.parse(readFileSync(join(dir, file), 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(schema)),
      );
    }
  });
});
