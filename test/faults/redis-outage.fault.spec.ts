import { jobUpserted, profileUpserted, resetEventIds } from '@matchstream/testing';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';
import { PrivateRedis } from '../support/private-redis';

/**
 * With Redis gone, the services report "degraded", pause consumption and dead-letter nothing;
 * when Redis returns they resume and nothing is lost. A private redis-server, so the machine's
 * own Redis is never touched. Entities share the category "glassblowing" only with each other.
 */
describe('Redis outage', () => {
  const redis = new PrivateRedis();
  const harness = new PipelineHarness(runId('fault-redis'));
  Object.assign(harness.env, { REDIS_URL: redis.url });
  const id = (name: string) => `${harness.run}-${name}`;
  const startRedis = () => redis.start();
  const stopRedis = () => redis.stop();

  const health = async (app: 'embedding' | 'matching') =>
    ((await (await fetch(await harness.url(app, '/health'))).json()) as { status: string }).status;

  const profile = (i: number) =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      payload: {
        headline: `Glassblower ${i}, lampwork and furnace work`,
        summary: 'Blows scientific glassware.',
        lookingFor: '',
        skills: ['Lampwork'],
        experience: [],
        education: [],
        location: { country: 'CZ' },
        workModes: ['onsite'],
        workAuthorization: ['CZ'],
        categories: ['glassblowing'],
      },
    });

  beforeAll(async () => {
    resetEventIds(harness.run);
    await startRedis();
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
    await stopRedis();
  });

  it('pauses while Redis is away, dead-letters nothing, and resumes', async () => {
    await harness.publish([
      jobUpserted({
        entityId: id('job'),
        payload: {
          title: 'Scientific glassblower',
          company: 'Bohemia Labware',
          description: 'Make and repair lab glass.',
          requirements: [],
          requiredSkills: ['Lampwork'],
          niceToHaveSkills: [],
          remotePolicy: 'onsite',
          location: { city: 'Prague', country: 'CZ' },
          hiringCountries: ['CZ'],
          seniority: 'mid',
          categories: ['glassblowing'],
        },
      }),
      profile(0),
    ]);
    await waitFor('first match', () =>
      harness
        .rankingsFor('job', id('job'))
        .some((r) => r.matches.some((m) => m.counterpartId === id('profile-0'))),
    );

    await stopRedis();
    await harness.publish([profile(1), profile(2)]);
    await waitFor('degraded health', async () => (await health('embedding')) === 'degraded');
    await waitFor('consumption paused', async () =>
      /matchstream_consumer_paused\{group="[^"]+",service="embedding-service"\} 1/.test(
        await (await fetch(await harness.url('embedding', '/metrics'))).text(),
      ),
    );
    expect(harness.vectorsFor('profile', id('profile-1'))).toEqual([]);

    await startRedis();
    await waitFor(
      'both new profiles matched after Redis returned',
      () =>
        harness
          .rankingsFor('job', id('job'))
          .some((r) =>
            [1, 2].every((i) => r.matches.some((m) => m.counterpartId === id(`profile-${i}`))),
          ),
      90000,
    );
    await waitFor(
      'healthy again',
      async () => (await health('embedding')) === 'up' && (await health('matching')) === 'up',
    );
    expect(harness.deadLetters.items.filter((d) => d.key?.startsWith(harness.run))).toEqual([]);
  });
});
