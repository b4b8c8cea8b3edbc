import { jobUpserted, profileDeleted, profileUpserted, resetEventIds } from '@matchstream/testing';
import type { InputEventInput, MatchRankingEvent } from '@matchstream/contracts';
import { PipelineHarness, runId, serviceProcesses, waitFor } from '../support/pipeline-harness';

/**
 * SIGKILL each service mid-stream and start it again: every input event is reflected exactly once
 * in the final state (entities at their last version, deletes applied, rankings equal to those of
 * a service that saw every event once). Real processes, real broker, Redis and model.
 * Entities share the category "beekeeping" only with each other.
 */
describe('crash recovery (SIGKILL)', () => {
  const harness = new PipelineHarness(runId('fault-crash'));
  const reference = new PipelineHarness(runId('fault-crash-ref'));
  const id = (name: string) => `${harness.run}-${name}`;
  const { embedding, matching } = serviceProcesses(harness, { CONSUMER_CHUNK_SIZE: '4' });
  const skills = [
    'Hive inspection',
    'Queen rearing',
    'Honey extraction',
    'Varroa control',
    'Pollination',
  ];

  const profile = (i: number, version = 1): InputEventInput =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      entityVersion: version,
      payload: {
        headline: `Beekeeper with ${i + 1} seasons of ${skills[i % 5].toLowerCase()}${version > 1 ? ', now certified' : ''}`,
        summary: `Keeps ${10 + i} colonies; strong in ${skills[i % 5]} and ${skills[(i + 2) % 5]}.`,
        lookingFor: 'An apiary with room to grow.',
        skills: [skills[i % 5], skills[(i + 2) % 5]],
        experience: [],
        education: [],
        location: { city: 'Ghent', country: 'BE' },
        workModes: ['onsite'],
        workAuthorization: ['BE'],
        categories: ['beekeeping'],
        yearsOfExperience: i + 1,
      },
    });
  const job = (i: number): InputEventInput =>
    jobUpserted({
      entityId: id(`job-${i}`),
      entityVersion: 1,
      payload: {
        title: `Apiary lead, ${skills[i % 5].toLowerCase()}`,
        company: 'Golden Comb',
        description: `Run ${skills[i % 5]} across forty hives.`,
        requirements: [],
        requiredSkills: [skills[i % 5]],
        niceToHaveSkills: [skills[(i + 1) % 5]],
        remotePolicy: 'onsite',
        location: { city: 'Ghent', country: 'BE' },
        hiringCountries: ['BE'],
        seniority: 'mid',
        categories: ['beekeeping'],
      },
    });

  const profiles = Array.from({ length: 24 }, (_, i) => i);
  const jobs = Array.from({ length: 5 }, (_, i) => i);
  const updated = [1, 5, 9];
  const deleted = [2, 6];

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

  const get = async (base: string, path: string) => fetch(`${base}${path}`);

  it('reflects every event exactly once after SIGKILLs of both services', async () => {
    await harness.publish([...jobs.map(job), ...profiles.slice(0, 8).map((i) => profile(i))]);
    await waitFor('some rankings', () => harness.rankingsFor('job', id('job-0')).length > 0);

    const more = harness.publish(profiles.slice(8, 16).map((i) => profile(i)));
    await matching.kill();
    await more;
    await matching.start();

    const evenMore = harness.publish([
      ...profiles.slice(16).map((i) => profile(i)),
      ...updated.map((i) => profile(i, 2)),
    ]);
    await embedding.kill();
    await evenMore;
    await embedding.start();
    await harness.publish(
      deleted.map((i) => profileDeleted({ entityId: id(`profile-${i}`), entityVersion: 3 })),
    );

    // Final state: every live entity at its last version, deleted ones gone.
    await waitFor(
      'final state',
      async () => {
        for (const i of profiles) {
          const response = await get(matching.url, `/v1/entities/profiles/${id(`profile-${i}`)}`);
          if (deleted.includes(i)) {
            if (response.status !== 404) return false;
          } else if (
            response.status !== 200 ||
            ((await response.json()) as { version: number }).version !==
              (updated.includes(i) ? 2 : 1)
          ) {
            return false;
          }
        }
        return true;
      },
      90000,
    );

    // Rankings equal those of a matching service that consumed every vector event once, once it
    // holds every live entity too.
    await reference.start({ embedding: false });
    const referenceUrl = await reference.url('matching', '');
    await waitFor(
      'the reference holds every live entity',
      async () => {
        for (const i of profiles.filter((p) => !deleted.includes(p))) {
          const response = await get(referenceUrl, `/v1/entities/profiles/${id(`profile-${i}`)}`);
          if (response.status !== 200) return false;
          if (
            ((await response.json()) as { version: number }).version !==
            (updated.includes(i) ? 2 : 1)
          )
            return false;
        }
        return true;
      },
      90000,
    );
    const ranking = async (base: string, jobId: string) => {
      const response = await get(base, `/v1/matches/jobs/${jobId}`);
      if (response.status !== 200) return null;
      return ((await response.json()) as MatchRankingEvent).matches.map(
        (m) => `${m.counterpartId}:${m.score}`,
      );
    };
    for (const j of jobs) {
      const jobId = id(`job-${j}`);
      let expected: string[] | null = null;
      let actual: string[] | null = null;
      await waitFor(
        `rankings of ${jobId} to agree`,
        async () => {
          expected = await ranking(referenceUrl, jobId);
          actual = await ranking(matching.url, jobId);
          return expected !== null && JSON.stringify(actual) === JSON.stringify(expected);
        },
        30000,
      ).catch(() => undefined);
      expect(actual).toEqual(expected);
      expect(expected!.length).toBeGreaterThan(0);
      expect(
        expected!.some((m) => deleted.some((d) => m.startsWith(`${id(`profile-${d}`)}:`))),
      ).toBe(false);
    }
  });
});
