import { join } from 'node:path';
import { tmpdir } from 'node:os';
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

/**
 * Several matching instances divide the subjects through a consumer group and must, between
 * them, give exactly the answers of one. Three instances under a steady load; one is SIGKILLed
 * and started again, a fourth joins, two leave. Then every subject's ranking, from the API of
 * every instance and as the latest record per key on the matches topic, must equal what a single
 * instance computes from the same events; no subject may lack a ranking; per subject, versions
 * never go backwards on the topic; each instance's consistency audit agrees. Real processes,
 * broker, Redis and model.
 */
describe('several matching instances give the same answers as one, through kill, add and remove', () => {
  const harness = new PipelineHarness(runId('fault-scale-out'));
  const reference = new PipelineHarness(runId('fault-scale-out-ref'));
  const id = (name: string) => `${harness.run}-${name}`;
  const { env, port, embedding } = serviceProcesses(harness, {
    CONSUMER_CHUNK_SIZE: '8',
    MATCHING_SESSION_TIMEOUT_MS: '8000',
  });
  const instance = (n: number) =>
    new ServiceProcess(
      'matching-service',
      {
        ...env,
        MATCHING_INSTANCE_ID: `matching-${n}`,
        MATCHING_HTTP_PORT: String(port + n),
        ...(process.env.ECHO_SERVICES === '1' ? { LOG_LEVEL: 'info' } : {}),
        MATCHING_SNAPSHOT_DIR: join(tmpdir(), 'matchstream-test', harness.run, `matching-${n}`),
      },
      port + n,
      process.env.ECHO_SERVICES === '1',
    );
  const instances = [1, 2, 3, 4].map(instance);
  const [one, two, three, four] = instances;

  const categories = [`${harness.run}-welding`, `${harness.run}-nursing`];
  const skills = [
    ['MIG welding', 'TIG welding', 'Blueprint reading', 'Fabrication'],
    ['Triage', 'Wound care', 'Patient assessment', 'Medication administration'],
  ];
  const profile = (i: number, version = 1): InputEventInput => {
    const c = i % 3 === 0 ? 1 : 0;
    const [a, b] = [skills[c][i % 4], skills[c][(i + 1) % 4]];
    return profileUpserted({
      entityId: id(`profile-${i}`),
      entityVersion: version,
      payload: {
        headline: `${c ? 'Nurse' : 'Welder'} with ${a.toLowerCase()} and ${b.toLowerCase()}`,
        summary: `${(i % 15) + 1} years${version > 1 ? `, lately ${b}` : ''}.`,
        skills: [a, b],
        experience: [],
        education: [],
        location: { city: 'Cardiff', country: 'GB' },
        workModes: ['onsite'],
        workAuthorization: ['GB'],
        categories: [categories[c]],
        yearsOfExperience: (i % 15) + 1,
      },
    });
  };
  const job = (i: number): InputEventInput => {
    const c = i % 4 === 0 ? 1 : 0;
    return jobUpserted({
      entityId: id(`job-${i}`),
      entityVersion: 1,
      payload: {
        title: `${skills[c][i % 4]} ${c ? 'nurse' : 'welder'}`,
        company: `Employer ${i % 9}`,
        description: `${skills[c][i % 4]} for ${['a hospital', 'a shipyard', 'a clinic'][i % 3]}.`,
        requirements: [],
        requiredSkills: [skills[c][i % 4]],
        niceToHaveSkills: [skills[c][(i + 2) % 4]],
        remotePolicy: 'onsite',
        location: { city: 'Cardiff', country: 'GB' },
        hiringCountries: ['GB'],
        seniority: (['junior', 'mid', 'senior'] as const)[i % 3],
        categories: [categories[c]],
      },
    });
  };

  const PROFILES = 90;
  const JOBS = 60;
  const updated = [4, 11, 30, 58];
  /** Profiles updated again during the operations, with their latest version. */
  const versions = new Map<number, number>();
  for (const i of updated) versions.set(i, 2);
  const deleted = [7, 25, 61];
  const live = (i: number) => !deleted.includes(i);
  const expectedEntities = PROFILES - deleted.length + JOBS;

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start({ embedding: false, matching: false });
    await embedding.start();
    await Promise.all([one.start(), two.start(), three.start()]);
  });
  afterAll(async () => {
    await embedding.stop();
    for (const i of instances) await i.stop();
    await harness.stop();
    await reference.stop();
  });

  const health = async (i: ServiceProcess) => {
    const r = await fetch(`${i.url}/health`);
    return (await r.json()) as { components: Record<string, { detail?: string }> };
  };
  const ready = async (i: ServiceProcess) =>
    (await health(i)).components.ownership?.detail?.includes(': ready,') ?? false;
  const served = servedRanking;
  const entityCount = (base: string) =>
    heldEntities(base, [
      ...Array.from({ length: PROFILES }, (_, i) => ({
        path: 'profiles' as const,
        id: id(`profile-${i}`),
        version: versions.get(i) ?? 1,
      })),
      ...Array.from({ length: JOBS }, (_, i) => ({ path: 'jobs' as const, id: id(`job-${i}`) })),
    ]);
  const subjects = () => [
    ...Array.from({ length: JOBS }, (_, i) => ['jobs', 'job', id(`job-${i}`)] as const),
    ...Array.from({ length: PROFILES }, (_, i) => i)
      .filter(live)
      .map((i) => ['profiles', 'profile', id(`profile-${i}`)] as const),
  ];
  const latestOnTopic = (type: 'job' | 'profile', subject: string) =>
    harness
      .rankingsFor(type, subject)
      .at(-1)
      ?.matches.map((m) => `${m.counterpartId}:${m.score}`) ?? null;

  it('serves, stores and publishes exactly the rankings of a single instance', async () => {
    const events: InputEventInput[] = [];
    for (let i = 0; i < Math.max(PROFILES, JOBS); i++) {
      if (i < JOBS) events.push(job(i));
      if (i < PROFILES) events.push(profile(i));
    }
    events.push(...updated.map((i) => profile(i, 2)));
    events.push(
      ...deleted.map((i) => profileDeleted({ entityId: id(`profile-${i}`), entityVersion: 3 })),
    );
    // A steady load in small waves for as long as instances come and go: the events above,
    // then updates of live profiles.
    let operating = true;
    const load = (async () => {
      for (let i = 0; i < events.length; i += 5) {
        await harness.publish(events.slice(i, i + 5));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      for (let round = 0; operating; round++) {
        const i = (round * 7) % PROFILES;
        if (!live(i)) continue;
        versions.set(i, (versions.get(i) ?? 1) + 10);
        await harness.publish([profile(i, versions.get(i))]);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    await waitFor('some rankings', () => harness.rankingsFor('job', id('job-0')).length > 0);

    await two.kill();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await two.start();
    await four.start();
    await waitFor('the fourth instance to own partitions', async () =>
      /partitions \[\d/.test((await health(four)).components.ownership?.detail ?? ''),
    );
    await one.stop();
    await three.stop();
    operating = false;
    await load;
    const remaining = [two, four];

    await waitFor(
      'every event applied',
      async () => (await entityCount(two.url)) === expectedEntities,
      180000,
    );
    await waitFor(
      'both instances ready',
      async () => (await ready(two)) && (await ready(four)),
      120000,
    );
    // The two divide all six partitions (once the group has noticed every departure).
    let owned: string[] = [];
    await waitFor(
      'the two instances to divide every partition',
      async () => {
        owned = await Promise.all(
          remaining.map(async (i) => (await health(i)).components.ownership.detail ?? ''),
        );
        const partitions = owned.flatMap((d) =>
          (/ready, partitions \[([^\]]*)\]/.exec(d)?.[1] ?? '').split(', ').filter(Boolean),
        );
        return partitions.map(Number).sort().join() === '0,1,2,3,4,5';
      },
      60000,
    ).catch(() => expect(owned).toEqual(['every partition owned by one ready instance']));

    // Every instance's audit agrees, over the subjects it owns.
    let audited = 0;
    for (const i of remaining) {
      await waitFor(
        `the consistency audit of ${i.url}`,
        async () => {
          const r = await fetch(`${i.url}/v1/admin/consistency?sample=100000`);
          const report = (await r.json()) as { ratio: number; sampled: number };
          if (report.ratio === 1) audited += report.sampled;
          return report.ratio === 1;
        },
        30000,
      );
    }
    expect(audited).toBeGreaterThanOrEqual(expectedEntities);

    // Every subject served by both instances alike, and the same as the topic's latest record.
    const clusterRankings = new Map<string, string[] | null>();
    for (const [path, type, subject] of subjects()) {
      const fromTwo = await served(two.url, path, subject);
      expect({ subject, served: fromTwo !== null }).toEqual({ subject, served: true });
      expect(await served(four.url, path, subject)).toEqual(fromTwo);
      await waitFor(`the topic's latest ranking of ${subject}`, () => {
        const latest = latestOnTopic(type, subject);
        return JSON.stringify(latest) === JSON.stringify(fromTwo);
      });
      clusterRankings.set(subject, fromTwo);
    }
    // Per subject, versions never went backwards on the topic.
    const lastVersion = new Map<string, number>();
    for (const event of harness.matches.items) {
      if (event.schema !== 'match.ranking' || !event.subject.id.startsWith(harness.run)) continue;
      const key = `${event.subject.type}:${event.subject.id}`;
      expect({ key, version: event.subject.version }).toEqual({
        key,
        version: Math.max(event.subject.version, lastVersion.get(key) ?? 0),
      });
      lastVersion.set(key, event.subject.version);
    }

    // The same rankings as one matching instance that read every vector once.
    const expected = await referenceRankings(reference, subjects(), entityCount, expectedEntities);
    for (const [, , subject] of subjects()) {
      expect({ subject, ranking: clusterRankings.get(subject) }).toEqual({
        subject,
        ranking: expected.get(subject),
      });
    }
  }, 600000);
});
