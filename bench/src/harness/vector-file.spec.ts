import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inTemporaryDir, readVectors, writeVectors } from './vector-file';

describe('vector files', () => {
  it('reads back the rows written, each a copy, and removes the folder', async () => {
    const rows = [Float32Array.from([1, 2, 3]), Float32Array.from([0.5, -0.25, 1e-7])];
    let folder = '';
    const read = await inTemporaryDir('spec', (dir) => {
      folder = dir;
      writeVectors(join(dir, 'v.f32'), rows);
      return Promise.resolve(readVectors(join(dir, 'v.f32'), 3));
    });
    expect(read).toEqual(rows);
    read[0][0] = 9;
    expect(read[1][0]).toBe(0.5);
    expect(existsSync(folder)).toBe(false);
  });
});
