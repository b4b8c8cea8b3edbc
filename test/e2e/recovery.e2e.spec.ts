import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jobUpserted, profileUpserted, resetEventIds } from '@matchstream/testing';
import type { InputEventInput, MatchRankingEvent } from '@matchstream/contracts';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';

/**
 * The matching service stopped mid-stream and started again recovers the same state as a service
 * that saw every event once: stored rankings from Redis, entities replayed from the compacted
 * vector topic up to the committed offsets, then consumption resumes where it stopped.
 * Entities here share the category "logistics" only with each other.
 */
describe('matching service recovery', () => {
  const harness = new PipelineHarness(runId('e2e-recovery'));
  const reference = new PipelineHarness(runId('e2e-recovery-ref'));
  const id = (name: string) => `${harness.run}-${name}`;
  const skills = ['Forklift', 'Inventory', 'SAP', 'Route planning', 'Customs', 'Excel', 'Lean'];
  const cities = ['Leeds', 'Manchester', 'Bristol'];

  const profiles: InputEventInput[] = Array.from({ length: 16 }, (_, i) =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      entityVersion: 1,
      payload: {
        headline: `${['Warehouse', 'Freight', 'Supply chain', 'Fleet'][i % 4]} specialist with ${i + 2} years on the floor`,
        summary: `Runs ${skills[i % skills.length]} and ${skills[(i + 3) % skills.length]} for a ${cities[i % 3]} distribution centre.`,
        lookingFor: 'A logistics team that values safety.',
        skills: [skills[i % skills.length], skills[(i + 3) % skills.length]],
        experience: [],
        education: [],
        location: { city: cities[i % 3], country: 'GB' },
        workModes: ['onsite'],
        workAuthorization: ['GB'],
        categories: ['logistics'],
        yearsOfExperience: i + 2,
        seniority: undefined,
      },
    }),
  );
  const jobs: InputEventInput[] = Array.from({ length: 4 }, (_, i) =>
    jobUpserted({
      entityId: id(`job-${i}`),
      entityVersion: 1,
      payload: {
        title: `${['Warehouse', 'Freight', 'Supply chain', 'Fleet'][i]} supervisor`,
        company: 'Northern Haulage',
        description: `Supervise ${skills[i]} across our ${cities[i % 3]} site.`,
        requirements: [],
        requiredSkills: [skills[i], skills[(i + 3) % skills.length]],
        niceToHaveSkills: [],
        remotePolicy: 'onsite',
        location: { city: cities[i % 3], country: 'GB' },
        hiringCountries: ['GB'],
        seniority: 'mid',
        categories: ['logistics'],
      },
    }),
  );

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
    await reference.stop();
  });

  const ranking = async (h: PipelineHarness, jobId: string): Promise<MatchRankingEvent | null> => {
    const response = await fetch(await h.url('matching', `/v1/matches/jobs/${jobId}`));
    return response.status === 200 ? ((await response.json()) as MatchRankingEvent) : null;
  };
  const summary = (r: MatchRankingEvent | null) =>
    r?.matches.map((m) => `${m.counterpartId}:${m.score}`);

  it('ends in the same state after a stop mid-stream as a service that never stopped', async () => {
    await harness.publish([...profiles.slice(0, 8), ...jobs.slice(0, 2)]);
    await waitFor(
      'first half matched',
      async () => (await ranking(harness, id('job-1')))?.matches.length,
    );
    // Stop while the second half is on its way.
    const rest = harness.publish([...profiles.slice(8), ...jobs.slice(2)]);
    await harness.stopMatching();
    // The shutdown wrote a snapshot, which the restart loads before replaying the log's tail.
    expect(existsSync(join(harness.env.MATCHING_SNAPSHOT_DIR, 'LATEST'))).toBe(true);
    await rest;
    await harness.startMatching();

    await reference.start({ embedding: false });
    const everyoneIndexed = async (h: PipelineHarness) => {
      for (const e of [...profiles, ...jobs]) {
        const path = `${e.type.startsWith('profile') ? 'profiles' : 'jobs'}/${e.entityId}`;
        if ((await fetch(await h.url('matching', `/v1/entities/${path}`))).status !== 200)
          return false;
      }
      return true;
    };
    await waitFor('all entities after restart', () => everyoneIndexed(harness));
    await waitFor('all entities in the reference', () => everyoneIndexed(reference));

    for (const job of jobs) {
      const expected = await waitFor(`reference ranking of ${job.entityId}`, () =>
        ranking(reference, job.entityId),
      );
      await waitFor(
        `restarted ranking of ${job.entityId} to settle`,
        async () =>
          JSON.stringify(summary(await ranking(harness, job.entityId))) ===
          JSON.stringify(summary(expected)),
      );
      expect(expected.matches.length).toBeGreaterThan(0);
    }
  });
});
