import { Redis } from 'ioredis';
import { jobUpserted, profileDeleted, profileUpserted, resetEventIds } from '@matchstream/testing';
import type { MatchEvent } from '@matchstream/contracts';
import { PipelineHarness, UNRELATED_PROFILE, runId, waitFor } from '../support/pipeline-harness';

/**
 * Duplicates, out-of-order versions, text-less changes and deletes, on the real broker, Redis and
 * model. The entities here are bakers, eligible only for each other (category "hospitality").
 */
describe('entity lifecycle', () => {
  const harness = new PipelineHarness(runId('e2e-lifecycle'));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const jobId = `${harness.run}-job-baker`;
  const profileId = `${harness.run}-profile-baker`;
  const baker = {
    ...UNRELATED_PROFILE,
    headline: 'Head baker at a neighbourhood sourdough bakery',
    location: { city: 'Nairobi', country: 'KE' },
    workModes: ['onsite' as const],
    workAuthorization: ['KE'],
    willingToRelocate: false,
  };
  const profile = (
    entityVersion: number,
    payload: Partial<typeof baker> & { availability?: 'immediately' } = {},
  ) => profileUpserted({ entityId: profileId, entityVersion, payload: { ...baker, ...payload } });

  beforeAll(async () => {
    await harness.start();
    resetEventIds(harness.run);
  });
  afterAll(async () => {
    await harness.stop();
    redis.disconnect();
  });

  const metric = async (pattern: RegExp) =>
    Number(
      pattern.exec(await (await fetch(await harness.url('embedding', '/metrics'))).text())?.[1] ??
        0,
    );
  const entity = async (path: string) =>
    fetch(await harness.url('matching', `/v1/entities/${path}`));
  const mine = (e: MatchEvent) => e.subject.id === profileId || e.subject.id === jobId;
  /** Versions the embedding service published for the profile, once `until` has been. */
  const publishedVersions = (until: number) =>
    waitFor(`vector event for version ${until}`, () => {
      const versions = harness.vectorsFor('profile', profileId).map((v) => v.entityVersion);
      return versions.includes(until) && versions;
    });

  it('applies the newest version once, whatever the order and repetition of deliveries', async () => {
    const hitsBefore = await metric(
      /matchstream_embedding_cache_requests_total\{result="hit",service="embedding-service"\} (\d+)/,
    );
    await harness.publish([
      jobUpserted({
        entityId: jobId,
        payload: {
          title: 'Head Baker',
          company: 'Crumb and Co',
          description: 'Lead our bread and pastry production.',
          requirements: [],
          requiredSkills: ['Baking', 'Food safety'],
          niceToHaveSkills: [],
          remotePolicy: 'onsite',
          location: { city: 'Nairobi', country: 'KE' },
          hiringCountries: ['KE'],
          seniority: 'senior',
          categories: ['hospitality'],
        },
      }),
      profile(2),
      profile(1, { headline: 'An older headline that must never win' }),
      profile(2),
      // Same text, another availability: the partition's order makes this a barrier too.
      profile(3, { availability: 'immediately' }),
    ]);
    expect(await publishedVersions(3)).toEqual([2, 3]);
    const [v2, v3] = harness.vectorsFor('profile', profileId);
    expect(
      v2.type === 'entity.embedded' &&
        v3.type === 'entity.embedded' &&
        v3.contentHash === v2.contentHash,
    ).toBe(true);
    // The unchanged text came from the cache: no inference.
    const hitsAfter = await metric(
      /matchstream_embedding_cache_requests_total\{result="hit",service="embedding-service"\} (\d+)/,
    );
    expect(hitsAfter).toBeGreaterThanOrEqual(hitsBefore + 1);

    const ranking = await waitFor('the job ranking listing the baker', () =>
      harness
        .rankingsFor('job', jobId)
        .find((r) => r.matches.some((m) => m.counterpartId === profileId)),
    );
    expect(ranking.matches[0].explanation.matchedRequiredSkills).toEqual(['Baking', 'Food safety']);
    const stored = await waitFor('version 3 stored', async () => {
      const response = await entity(`profiles/${profileId}`);
      const body =
        response.status === 200
          ? ((await response.json()) as {
              version: number;
              fields: { headline: string; location: { country: string } };
            })
          : null;
      return body?.version === 3 && body;
    });
    // The service keeps match fields, not documents (availability is not one of them).
    expect(stored.fields).toMatchObject({
      headline: baker.headline,
      location: baker.location,
    });
  });

  it('removes a deleted profile everywhere and retracts its matches', async () => {
    const [, contentHash] = (
      (await redis.get(`test:${harness.run}:entity-version:profile:${profileId}`)) ?? ''
    ).split(':');
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
    const cacheKeys = await redis.keys(`test:${harness.run}:embedding:*:${contentHash}`);
    expect(cacheKeys).toHaveLength(1);

    await harness.publish([profileDeleted({ entityId: profileId, entityVersion: 4 })]);
    expect((await publishedVersions(4)).at(-1)).toBe(4);
    expect(harness.vectorsFor('profile', profileId).at(-1)?.type).toBe('entity.removed');
    const retraction = await waitFor('retraction', () =>
      harness.matches.items.find((e) => mine(e) && e.schema === 'match.retracted'),
    );
    expect(retraction.subject).toEqual({ type: 'profile', id: profileId, version: 4 });
    expect(retraction.retracted).toContain(jobId);
    const jobRanking = await waitFor('job ranking without the baker', () =>
      harness.rankingsFor('job', jobId).find((r) => r.trigger === 'counterpart-removed'),
    );
    expect(jobRanking.matches.map((m) => m.counterpartId)).not.toContain(profileId);
    expect(jobRanking.retracted).toEqual([profileId]);

    expect((await entity(`profiles/${profileId}`)).status).toBe(404);
    expect(
      (await fetch(await harness.url('matching', `/v1/matches/profiles/${profileId}`))).status,
    ).toBe(404);
    expect(await redis.exists(cacheKeys[0])).toBe(0);
    expect(await redis.get(`test:${harness.run}:entity-version:profile:${profileId}`)).toBe('4:');
  });

  it('does not let a late, older upsert bring a deleted profile back', async () => {
    await harness.publish([
      profile(3),
      profile(5, { headline: 'Back from a sabbatical: head baker' }),
    ]);
    expect(await publishedVersions(5)).toEqual([2, 3, 4, 5]);
    const stored = await waitFor('version 5 stored', async () => {
      const response = await entity(`profiles/${profileId}`);
      return (
        response.status === 200 && ((await response.json()) as { version: number }).version === 5
      );
    });
    expect(stored).toBe(true);
  });
});
