import type { MatchRankingEvent } from '@matchstream/contracts';
import type { PipelineHarness } from './pipeline-harness';
import { waitFor } from './pipeline-harness';

/** A ranking as served by a matching instance's API, as `counterpart:score` (null: none). */
export async function servedRanking(
  base: string,
  path: 'jobs' | 'profiles',
  entityId: string,
): Promise<string[] | null> {
  const response = await fetch(`${base}/v1/matches/${path}/${entityId}`);
  if (response.status !== 200) return null;
  return ((await response.json()) as MatchRankingEvent).matches.map(
    (m) => `${m.counterpartId}:${m.score}`,
  );
}

/**
 * How many of the expected entities an instance holds at their expected version (`version`
 * undefined: any version): tells when every event has been applied.
 */
export async function heldEntities(
  base: string,
  expected: { path: 'jobs' | 'profiles'; id: string; version?: number }[],
): Promise<number> {
  let count = 0;
  for (const { path, id, version } of expected) {
    const response = await fetch(`${base}/v1/entities/${path}/${id}`);
    if (response.status !== 200) continue;
    const held = (await response.json()) as { version: number };
    if (version === undefined || held.version === version) count++;
  }
  return count;
}

/**
 * Every subject's ranking as one matching instance computes it after reading every vector once:
 * `reference` is started (matching only, a group and Redis prefix of its own) and asked once it
 * holds `entities` entities (counted by `held`).
 */
export async function referenceRankings(
  reference: PipelineHarness,
  subjects: readonly (readonly ['jobs' | 'profiles', string, string])[],
  held: (base: string) => Promise<number>,
  entities: number,
): Promise<Map<string, string[] | null>> {
  await reference.start({ embedding: false });
  const base = await reference.url('matching', '');
  await waitFor(
    'the reference holds every entity',
    async () => (await held(base)) === entities,
    120000,
  );
  const rankings = new Map<string, string[] | null>();
  for (const [path, , subject] of subjects) {
    await waitFor(`${subject} served by the reference`, async () => {
      rankings.set(subject, await servedRanking(base, path, subject));
      return rankings.get(subject) !== null;
    });
  }
  return rankings;
}
