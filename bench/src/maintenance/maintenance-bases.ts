/**
 * Real embeddings for `npm run bench:maintenance` run alone: generated profiles and jobs embedded
 * once with the model (as the embedding service embeds them) and kept under `.cache/`, so later
 * runs grow their populations from the same vectors without loading the model.
 */
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readVectors, writeVectors } from '../harness/vector-file';
import { LoadGenerator } from '../load/load-generator';
import { benchEmbedder, benchEnv, embeddingConfig } from '../harness/services';
import { embedGenerated } from '../load/embedded-bases';

export async function maintenanceBases(
  count: number,
  seed: number,
  log: (line: string) => void,
): Promise<Float32Array[]> {
  const config = embeddingConfig(benchEnv('127.0.0.1:29092', 'maintenance-bases'));
  const model = config.EMBEDDING_MODEL_ID.replace(/[^A-Za-z0-9._-]+/g, '_');
  const file = join(process.cwd(), '.cache', 'bench-bases', `${model}-s${seed}-${count}.f32`);
  if (!existsSync(file)) {
    log(`embedding ${count} profiles and ${count} jobs once (cached in ${file})`);
    const embedder = benchEmbedder(config);
    try {
      await embedder.load();
      const generator = new LoadGenerator({ seed, idPrefix: 'bases' });
      const { profiles, jobs } = await embedGenerated(embedder, generator, count);
      mkdirSync(dirname(file), { recursive: true });
      writeVectors(
        `${file}.tmp`,
        [...profiles, ...jobs].map((b) => Float32Array.from(b.vector)),
      );
      renameSync(`${file}.tmp`, file);
    } finally {
      await embedder.close().catch(() => undefined);
    }
  }
  return readVectors(file, statSync(file).size / 4 / (2 * count));
}
