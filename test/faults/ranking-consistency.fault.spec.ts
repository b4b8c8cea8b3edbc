import { connectRedis, createRedisClient } from '@matchstream/redis';
import {
  ServiceProcess,
  jobUpserted,
  profileDeleted,
  profileUpserted,
  resetEventIds,
} from '@matchstream/testing';
import type { InputEventInput } from '@matchstream/contracts';
import { PipelineHarness, runId, serviceProcesses, waitFor } from '../support/pipeline-harness';
import { heldEntities, referenceRankings, servedRanking } from '../support/served-rankings';
import { PrivateRedis } from '../support/private-redis';

/**
 * The streaming invariant at a scale where it used to break: populations far larger than a
 * ranking (top 10 plus a reserve of 10) and than the old candidate pool, both sides arriving
 * interleaved, updates and removals, SIGKILLs of both services mid-stream, and then a restart
 * against a Redis that lost its data. After each, every subject's served and stored ranking, and
 * the latest ranking per key on the matches topic, must equal a fresh ranking of the state
 * (the consistency audit, over every subject), and the state must equal what a matching service
 * that read every vector once computes. Real processes, broker, Redis and model.
 */
describe('rankings stay exact at scale through crashes and an emptied Redis', () => {
  const harness = new PipelineHarness(runId('fault-consistency'));
  const reference = new PipelineHarness(runId('fault-consistency-ref'));
  const id = (name: string) => `${harness.run}-${name}`;
  const { env, port, embedding, matching } = serviceProcesses(harness, {
    CONSUMER_CHUNK_SIZE: '8',
  });

  // Three trades that only match within themselves, with skewed sizes; texts vary per entity.
  const trades = [
    {
      category: `${harness.run}-carpentry`,
      skills: ['Joinery', 'Framing', 'Cabinet making', 'Roofing'],
    },
    {
      category: `${harness.run}-plumbing`,
      skills: ['Pipe fitting', 'Boilers', 'Drainage', 'Gas safety'],
    },
    {
      category: `${harness.run}-electrical`,
      skills: ['Wiring', 'Solar panels', 'Fault finding', 'Lighting'],
    },
  ];
  const tradeOf = (i: number) => trades[i % 7 < 4 ? 0 : i % 7 < 6 ? 1 : 2];
  const profile = (i: number, version = 1): InputEventInput => {
    const trade = tradeOf(i);
    const [a, b] = [trade.skills[i % 4], trade.skills[(i + 1) % 4]];
    return profileUpserted({
      entityId: id(`profile-${i}`),
      entityVersion: version,
      payload: {
        headline: `${trade.category.split('-').at(-1)} tradesperson, ${a.toLowerCase()} and ${b.toLowerCase()}`,
        summary: `${(i % 20) + 1} years on site; known for ${a} work${version > 1 ? ', recently certified in ' + b : ''}.`,
        lookingFor: i % 3 ? 'Steady work with a small firm.' : 'A lead role on larger projects.',
        skills: [a, b],
        experience: [],
        education: [],
        location: { city: 'Leeds', country: 'GB' },
        workModes: ['onsite'],
        workAuthorization: ['GB'],
        categories: [trade.category],
        yearsOfExperience: (i % 20) + 1,
      },
    });
  };
  const job = (i: number): InputEventInput => {
    const trade = tradeOf(i * 3 + 1);
    return jobUpserted({
      entityId: id(`job-${i}`),
      entityVersion: 1,
      payload: {
        title: `${trade.skills[i % 4]} specialist`,
        company: `Firm ${i % 13}`,
        description: `We need ${trade.skills[i % 4].toLowerCase()} for ${['homes', 'offices', 'schools'][i % 3]}.`,
        requirements: [],
        requiredSkills: [trade.skills[i % 4]],
        niceToHaveSkills: [trade.skills[(i + 2) % 4]],
        remotePolicy: 'onsite',
        location: { city: 'Leeds', country: 'GB' },
        hiringCountries: ['GB'],
        seniority: (['junior', 'mid', 'senior'] as const)[i % 3],
        categories: [trade.category],
      },
    });
  };

  const PROFILES = 120;
  const JOBS = 120;
  const updated = [3, 17, 40, 77, 101];
  const deleted = [5, 22, 64, 90];
  const live = (i: number) => !deleted.includes(i);

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start({ embedding: false, matching: false });
    await embedding.start();
    await matching.start();
  });
  afterAll(async () => {
    await embedding.stop();
    await matching.stop();
    await harness.stop();
    await reference.stop();
  });

  interface Report {
    sampled: number;
    ratio: number;
    orphans: number;
    differences: unknown[];
  }
  const audit = async (base = matching.url): Promise<Report> => {
    const response = await fetch(`${base}/v1/admin/consistency?sample=100000`);
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  };
  const entityCount = (base: string) =>
    heldEntities(base, [
      ...Array.from({ length: PROFILES }, (_, i) => ({
        path: 'profiles' as const,
        id: id(`profile-${i}`),
        version: updated.includes(i) ? 2 : 1,
      })),
      ...Array.from({ length: JOBS }, (_, i) => ({ path: 'jobs' as const, id: id(`job-${i}`) })),
    ]);
  const expectedEntities = PROFILES - deleted.length + JOBS;
  const served = servedRanking;
  const subjects = () => [
    ...Array.from({ length: JOBS }, (_, i) => ['jobs', 'job', id(`job-${i}`)] as const),
    ...Array.from({ length: PROFILES }, (_, i) => i)
      .filter(live)
      .map((i) => ['profiles', 'profile', id(`profile-${i}`)] as const),
  ];

  /** Every ranking is exact and served, and the topic's latest per key says the same. */
  const expectConsistent = async (base = matching.url) => {
    const report = await audit(base);
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ ratio: 1, orphans: 0 });
    // Every subject, this test's and any other run's on the shared topic.
    expect(report.sampled).toBeGreaterThanOrEqual(expectedEntities);
    for (const [path, type, subject] of subjects()) {
      const ranking = await served(base, path, subject);
      expect({ subject, served: ranking !== null }).toEqual({ subject, served: true });
      await waitFor(`the topic's latest ranking of ${subject}`, () => {
        const latest = harness.rankingsFor(type, subject).at(-1);
        return (
          latest !== undefined &&
          JSON.stringify(latest.matches.map((m) => `${m.counterpartId}:${m.score}`)) ===
            JSON.stringify(ranking)
        );
      });
    }
  };

  it('keeps every ranking exact through interleaved arrival, updates, removals and SIGKILLs', async () => {
    const interleaved: InputEventInput[] = [];
    for (let i = 0; i < Math.max(PROFILES, JOBS); i++) {
      if (i < JOBS) interleaved.push(job(i));
      if (i < PROFILES) interleaved.push(profile(i));
    }
    const third = Math.ceil(interleaved.length / 3);
    await harness.publish(interleaved.slice(0, third));
    await waitFor('some rankings', () => harness.rankingsFor('job', id('job-0')).length > 0);

    const more = harness.publish(interleaved.slice(third, 2 * third));
    await matching.kill();
    await more;
    await matching.start();
    const rest = harness.publish([
      ...interleaved.slice(2 * third),
      ...updated.map((i) => profile(i, 2)),
    ]);
    await embedding.kill();
    await matching.kill();
    await rest;
    await embedding.start();
    await matching.start();
    await harness.publish(
      deleted.map((i) => profileDeleted({ entityId: id(`profile-${i}`), entityVersion: 3 })),
    );

    await waitFor(
      'every event applied',
      async () => (await entityCount(matching.url)) === expectedEntities,
      180000,
    );
    await waitFor(
      'the consistency audit to agree',
      async () => (await audit()).ratio === 1,
      30000,
    ).catch(() => undefined);
    await expectConsistent();

    // The same rankings as a matching service that read every vector once.
    const expected = await referenceRankings(reference, subjects(), entityCount, expectedEntities);
    for (const [path, , subject] of subjects()) {
      expect({ subject, ranking: await served(matching.url, path, subject) }).toEqual({
        subject,
        ranking: expected.get(subject),
      });
    }
  }, 600000);

  it('serves the same rankings after a restart against a Redis that lost its data', async () => {
    const before = new Map<string, string[] | null>();
    for (const [path, , subject] of subjects())
      before.set(subject, await served(matching.url, path, subject));
    await matching.stop();
    const redis = createRedisClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    await connectRedis(redis);
    const keys = await redis.keys(`test:${harness.run}:ranking:*`);
    expect(keys.length).toBeGreaterThan(expectedEntities / 2);
    await redis.del(...keys);
    await redis.quit();

    const published = harness.matches.items.length;
    await matching.start();
    for (const [path, , subject] of subjects())
      expect({ subject, ranking: await served(matching.url, path, subject) }).toEqual({
        subject,
        ranking: before.get(subject),
      });
    await expectConsistent();
    // Nothing changed: whatever was published again (an instance cannot tell a ranking Redis
    // lost from one never published) repeats the ranking subscribers already have.
    for (const event of harness.matches.items.slice(published)) {
      if (event.schema !== 'match.ranking' || !before.has(event.subject.id)) continue;
      expect(event.matches.map((m) => `${m.counterpartId}:${m.score}`)).toEqual(
        before.get(event.subject.id),
      );
    }
  }, 300000);

  it('keeps every ranking exact while its own Redis is away, and after it comes back empty', async () => {
    await matching.stop();
    const redis = new PrivateRedis();
    await redis.start();
    const isolated = new ServiceProcess(
      'matching-service',
      { ...env, REDIS_URL: redis.url },
      port + 1,
    );
    try {
      await isolated.start();
      await expectConsistent(isolated.url);

      await redis.stop();
      const more = Array.from({ length: 30 }, (_, i) => i).filter(
        (i) => !updated.includes(i) && live(i),
      );
      await harness.publish(more.map((i) => profile(i, 4)));
      await new Promise((resolve) => setTimeout(resolve, 8000));
      // Back, without the data it held (no persistence).
      await redis.start();
      await waitFor(
        'every update applied after Redis returned',
        async () => {
          for (const i of more) {
            const r = await fetch(`${isolated.url}/v1/entities/profiles/${id(`profile-${i}`)}`);
            if (r.status !== 200 || ((await r.json()) as { version: number }).version !== 4)
              return false;
          }
          return true;
        },
        120000,
      );
      await waitFor(
        'the consistency audit to agree',
        async () => (await audit(isolated.url)).ratio === 1,
        60000,
      ).catch(() => undefined);
      await expectConsistent(isolated.url);
    } finally {
      await isolated.stop();
      await redis.stop();
    }
  }, 400000);
});
