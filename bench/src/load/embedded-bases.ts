/**
 * Real documents the synthetic populations are grown from (scale-out, maintenance), embedded as
 * the embedding service embeds them (the same sections, the side's prefix, one chunk at the
 * model's budget), so their vectors are what the matching service would receive for them.
 */
import { jobPayload, profilePayload } from '@matchstream/contracts';
import type { JobPayloadInput, ProfilePayloadInput } from '@matchstream/contracts';
import { embeddingInputs, jobSections, profileSections, roleOf } from '@matchstream/embedding';
import type { TransformersEmbedder } from '@matchstream/embedding';
import type { LoadGenerator } from './load-generator';

/** A real document with the model's vector of its canonical text. */
export interface EmbeddedBase<P> {
  payload: P;
  vector: Float32Array;
}

export async function embedBases<P extends ProfilePayloadInput | JobPayloadInput>(
  embedder: TransformersEmbedder,
  type: 'profile' | 'job',
  payloads: readonly P[],
  batchSize = 4,
): Promise<EmbeddedBase<P>[]> {
  const inputs = await embeddingInputs(
    payloads.map((p) => ({
      role: roleOf(type),
      sections:
        type === 'profile'
          ? profileSections(profilePayload.parse(p))
          : jobSections(jobPayload.parse(p)),
    })),
    {
      spec: embedder.spec,
      maxChunks: 1,
      countWordTokens: (words) => embedder.countTokens(words),
    },
  );
  const texts = inputs.map((chunks) => chunks[0] ?? '');
  const out: EmbeddedBase<P>[] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const results = await embedder.embed(texts.slice(i, i + batchSize));
    results.forEach((r, k) => out.push({ payload: payloads[i + k], vector: r.vector }));
  }
  return out;
}

/** The first `count` generated profiles and jobs, embedded. */
export async function embedGenerated(
  embedder: TransformersEmbedder,
  generator: LoadGenerator,
  count: number,
): Promise<{
  profiles: EmbeddedBase<ProfilePayloadInput>[];
  jobs: EmbeddedBase<JobPayloadInput>[];
}> {
  const profiles = generator.profiles(count).map((p) => p.payload);
  const jobs = generator.jobs(count).map((j) => j.payload);
  return {
    profiles: await embedBases(embedder, 'profile', profiles),
    jobs: await embedBases(embedder, 'job', jobs),
  };
}
