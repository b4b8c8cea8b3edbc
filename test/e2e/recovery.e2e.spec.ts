import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jobUpserted, profileUpserted, resetEventIds } from '@matchstream/testing';
import { TOPICS } from '@matchstream/contracts';
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
  const everyoneIndexed = async (h: PipelineHarness) => {
    for (const e of [...profiles, ...jobs]) {
      const path = `${e.type.startsWith('profile') ? 'profiles' : 'jobs'}/${e.entityId}`;
      if ((await fetch(await h.url('matching', `/v1/entities/${path}`))).status !== 200)
        return false;
    }
    return true;
  };

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

  it('bulk-loads a log it is far behind: to the log end, every ranking computed then, the same answers', async () => {
    // A new instance (its own replica group, no snapshot) with the whole topic as its backlog.
    const bulk = new PipelineHarness(runId('e2e-recovery-bulk'));
    Object.assign(bulk.env, {
      MATCHING_CONSUMER_GROUP: `${harness.run}-bulk-matching`,
      MATCHING_BULK_LOAD_MIN_RECORDS: '1',
    });
    const admin = bulk.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(TOPICS.entityVectors);
      await bulk.start({ embedding: false });
      expect(await everyoneIndexed(bulk)).toBe(true);

      const metrics = await (await fetch(await bulk.url('matching', '/metrics'))).text();
      const loaded =
        /matchstream_matching_load_records\{state="done",mode="bulk"[^}]*\} (\d+)/.exec(metrics);
      expect(Number(loaded?.[1])).toBeGreaterThanOrEqual(profiles.length + jobs.length);
      // The consumer resumes at the log end the bulk load read to: nothing is applied twice.
      const [committed] = await admin.fetchOffsets({
        groupId: `${harness.run}-bulk-matching.replica.matching-1`,
        topics: [TOPICS.entityVectors],
      });
      for (const { partition, high } of ends) {
        const offset = committed.partitions.find((p) => p.partition === partition)?.offset;
        expect(BigInt(offset ?? '-1')).toBeGreaterThanOrEqual(BigInt(high));
      }

      for (const job of jobs) {
        const expected = await waitFor(`reference ranking of ${job.entityId}`, () =>
          ranking(reference, job.entityId),
        );
        await waitFor(
          `bulk-loaded ranking of ${job.entityId}`,
          async () =>
            JSON.stringify(summary(await ranking(bulk, job.entityId))) ===
            JSON.stringify(summary(expected)),
        );
      }
      const audit = (await (
        await fetch(await bulk.url('matching', '/v1/admin/consistency?sample=100000'))
      ).json()) as { ratio: number; orphans: number; sampled: number };
      expect(audit).toMatchObject({ ratio: 1, orphans: 0 });
      expect(audit.sampled).toBeGreaterThanOrEqual(profiles.length + jobs.length);

      // And it goes on live: a new profile enters the rankings it fits.
      const newcomer = profileUpserted({
        entityId: id('profile-late'),
        entityVersion: 1,
        payload: (profiles[0] as Extract<InputEventInput, { type: 'profile.upserted' }>).payload,
      });
      await harness.publish([newcomer]);
      await waitFor('the newcomer indexed by the bulk-loaded instance', async () => {
        const path = `/v1/entities/profiles/${newcomer.entityId}`;
        return (await fetch(await bulk.url('matching', path))).status === 200;
      });
    } finally {
      await admin.disconnect();
      await bulk.stop();
    }
  });
});
