import type { MatchRankingEvent } from '@matchstream/contracts';

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
