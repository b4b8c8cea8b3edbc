import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folders in the order a change flows through the service, then the parts beside the flow.
 * A folder may import only folders before it: the arrows all point one way, and no stage calls
 * back into the one that called it.
 */
const FOLDER_ORDER = [
  'lock',
  'ownership',
  'consume',
  'apply',
  'settle',
  'serve',
  'handover',
  'audit',
  'snapshots',
  'recovery',
];

function sources(folder: string): string[] {
  return readdirSync(join(__dirname, folder))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((name) => join(__dirname, folder, name));
}

describe('matching-service folders', () => {
  it('are all placed in the flow order', () => {
    const folders = readdirSync(__dirname, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual([...FOLDER_ORDER].sort());
  });

  it.each(FOLDER_ORDER)('%s imports only folders before it', (folder) => {
    const imported = sources(folder).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '\.\.\/([\w-]+)\//g)].map((m) => m[1]),
    );
    const later = imported.filter(
      (other) => FOLDER_ORDER.indexOf(other) >= FOLDER_ORDER.indexOf(folder),
    );
    expect(later).toEqual([]);
  });
});
