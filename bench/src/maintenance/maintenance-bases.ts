/**
 * Real embeddings for `npm run bench:maintenance` run alone: generated profiles and jobs embedded
 * once with the model (as the embedding service embeds them) and kept under `.cache/`, so later
 * runs grow their populations from the same vectors without loading the model.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TransformersEmbedder } from '@matchstream/embedding';
import { LoadGenerator } from '../load/load-generator';
import { benchEnv, embeddingConfig } from '../pipeline/pipeline-bench';
import { embedBases } from '../scale-out/scale-out-bases';

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
    const embedder = new TransformersEmbedder({
      modelId: config.EMBEDDING_MODEL_ID,
      modelPath: config.EMBEDDING_MODEL_PATH,
      cacheDir: config.EMBEDDING_RUNTIME_CACHE_DIR,
    });
    try {
      await embedder.load();
      const generator = new LoadGenerator({ seed, idPrefix: 'bases' });
      const profiles = await embedBases(
        embedder,
        'profile',
        generator.profiles(count).map((p) => p.payload),
      );
      const jobs = await embedBases(
        embedder,
        'job',
        generator.jobs(count).map((j) => j.payload),
      );
      const vectors = [...profiles, ...jobs].map((b) => Float32Array.from(b.vector));
      const all = new Float32Array(vectors.length * vectors[0].length);
      vectors.forEach((v, i) => all.set(v, i * v.length));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, Buffer.from(all.buffer));
      renameSync(`${file}.tmp`, file);
    } finally {
      await embedder.close().catch(() => undefined);
    }
  }
  const buffer = readFileSync(file);
  const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  const dimension = all.length / (2 * count);
  return Array.from({ length: 2 * count }, (_, i) => all.slice(i * dimension, (i + 1) * dimension));
}
