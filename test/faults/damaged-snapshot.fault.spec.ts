import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess, jobUpserted, profileUpserted, resetEventIds } from '@matchstream/testing';
import type { InputEventInput } from '@matchstream/contracts';
import { PipelineHarness, runId, serviceProcesses, waitFor } from '../support/pipeline-harness';
import { heldEntities, servedRanking } from '../support/served-rankings';
import { parseMetrics } from '../support/prometheus-text';
import { verifySnapshotFolder } from '../../apps/matching-service/src/snapshots/snapshot-store';

/**
 * Damaged local state never keeps the matching service down: a snapshot with truncated files, a
 * flipped byte in an index or in the state, a missing file, a LATEST naming a folder that is gone,
 * or every snapshot damaged is set aside (renamed, logged, counted) and the service starts from
 * the previous good snapshot or a replay of the vector topic; readiness answers 503 with the
 * recovery progress until then. A snapshot folder on a filesystem that fills up fails the
 * snapshots, not the service. After each, the consistency audit over every subject agrees and
 * every subject is served the ranking a matching service that read every vector once computes.
 * Real processes, broker, Redis and model.
 */
describe('recovery from damaged local state', () => {
  const harness = new PipelineHarness(runId('fault-snapshot'));
  const reference = new PipelineHarness(runId('fault-snapshot-ref'));
  const id = (name: string) => `${harness.run}-${name}`;
  const { env, port, embedding, matching } = serviceProcesses(harness);
  const snapshots = env.MATCHING_SNAPSHOT_DIR;
  const category = `${harness.run}-falconry`;
  const skills = ['Falcon training', 'Raptor care', 'Flight displays', 'Aviary building'];

  // A real small filesystem where mounting is permitted; else the snapshot writer's own ENOSPC
  // at the same capacity, which also counts the files the native index writer adds
  // (MATCHSTREAM_TEST_NO_MOUNT=1 picks that path where mounting works too).
  const tiny = join(tmpdir(), 'matchstream-test', harness.run, 'tiny');
  const capacity = 16 * 1024 * 1024;
  mkdirSync(tiny, { recursive: true });
  const mounted =
    process.env.MATCHSTREAM_TEST_NO_MOUNT !== '1' &&
    spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${capacity}`, 'tmpfs', tiny]).status === 0;
  const onWhat = mounted
    ? 'a tmpfs mount'
    : 'a folder whose writes fail with ENOSPC past a capacity';

  const profile = (i: number): InputEventInput =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      entityVersion: 1,
      payload: {
        headline: `Falconer, ${skills[i % 4].toLowerCase()} for ${i + 2} years`,
        summary: `Flies ${3 + (i % 5)} birds; strong in ${skills[i % 4]} and ${skills[(i + 1) % 4]}.`,
        lookingFor: i % 2 ? 'A bird-of-prey centre.' : 'Pest control work with raptors.',
        skills: [skills[i % 4], skills[(i + 1) % 4]],
        experience: [],
        education: [],
        location: { city: 'Utrecht', country: 'NL' },
        workModes: ['onsite'],
        workAuthorization: ['NL'],
        categories: [category],
        yearsOfExperience: i + 2,
      },
    });
  const job = (i: number): InputEventInput =>
    jobUpserted({
      entityId: id(`job-${i}`),
      entityVersion: 1,
      payload: {
        title: `Falconer, ${skills[i % 4].toLowerCase()}`,
        company: 'Raptor Works',
        description: `Lead ${skills[i % 4]} for a team of handlers.`,
        requirements: [],
        requiredSkills: [skills[i % 4]],
        niceToHaveSkills: [skills[(i + 2) % 4]],
        remotePolicy: 'onsite',
        location: { city: 'Utrecht', country: 'NL' },
        hiringCountries: ['NL'],
        seniority: 'mid',
        categories: [category],
      },
    });

  const JOBS = 4;
  let profiles = 10;
  const entities = () => [
    ...Array.from({ length: profiles }, (_, i) => ({
      path: 'profiles' as const,
      id: id(`profile-${i}`),
    })),
    ...Array.from({ length: JOBS }, (_, i) => ({ path: 'jobs' as const, id: id(`job-${i}`) })),
  ];

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start({ embedding: false, matching: false });
    await reference.start({ embedding: false });
    await embedding.start();
    await matching.start();
    await harness.publish([
      ...Array.from({ length: JOBS }, (_, i) => job(i)),
      ...Array.from({ length: profiles }, (_, i) => profile(i)),
    ]);
  });
  afterAll(async () => {
    await embedding.stop();
    await matching.stop();
    await harness.stop();
    await reference.stop();
    if (mounted) spawnSync('umount', [tiny]);
    rmSync(tiny, { recursive: true, force: true });
  });

  const snapshotFolders = (root = snapshots) =>
    readdirSync(root).filter((e) => /^snapshot-\d+-\d+$/.test(e));
  const latestOf = (root = snapshots) =>
    existsSync(join(root, 'LATEST')) ? readFileSync(join(root, 'LATEST'), 'utf8') : null;
  const filesOf = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? filesOf(join(dir, e.name)) : [join(dir, e.name)],
    );
  const indexFile = (name: string, side: 'profiles' | 'jobs') =>
    filesOf(join(snapshots, name, side)).find((f) => f.endsWith('.hnsw'))!;
  const flipByte = (path: string) => {
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)] ^= 0x5a;
    writeFileSync(path, bytes);
  };
  const truncateHalf = (path: string) =>
    truncateSync(path, Math.floor(readFileSync(path).length / 2));

  const metrics = async (base: string) =>
    parseMetrics(await (await fetch(`${base}/metrics`)).text());
  const readiness = async (base: string) => {
    const response = await fetch(`${base}/health/ready`);
    return {
      code: response.status,
      body: (await response.json()) as {
        status: string;
        components: Record<string, { status: string; detail?: string }>;
      },
    };
  };

  /** Starts the instance, keeping what readiness said until it answered 200. */
  const startWatchingReadiness = async (instance: ServiceProcess) => {
    const child = instance.launch();
    const notReady: string[] = [];
    await waitFor(
      `${instance.url} ready`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the matching service exited: ${instance.output.join('').slice(-3000)}`);
        const answer = await readiness(instance.url).catch(() => null);
        if (answer?.code === 503) notReady.push(answer.body.components.recovery?.detail ?? '');
        return answer?.code === 200;
      },
      120000,
    );
    return notReady;
  };

  /**
   * Every entity is held, the audit over every subject agrees, and every subject is served the
   * reference's ranking.
   */
  const expectAgreement = async (base: string) => {
    const expected = entities();
    for (const at of [base, await reference.url('matching', '')]) {
      await waitFor(
        `${at} holds every entity`,
        async () => (await heldEntities(at, expected)) === expected.length,
        120000,
      );
    }
    type Report = { ratio: number; sampled: number; orphans: number; differences: unknown[] };
    const audit = async () =>
      (await (await fetch(`${base}/v1/admin/consistency?sample=100000`)).json()) as Report;
    await waitFor('the audit to agree', async () => (await audit()).ratio === 1, 30000).catch(
      () => undefined,
    );
    const report = await audit();
    expect(report).toMatchObject({ ratio: 1, orphans: 0, differences: [] });
    expect(report.sampled).toBeGreaterThanOrEqual(expected.length);
    const referenceBase = await reference.url('matching', '');
    for (const { path, id: subject } of expected) {
      let actual: string[] | null = null;
      let wanted: string[] | null = null;
      await waitFor(`${subject} served as by the reference`, async () => {
        actual = await servedRanking(base, path, subject);
        wanted = await servedRanking(referenceBase, path, subject);
        return actual !== null && JSON.stringify(actual) === JSON.stringify(wanted);
      }).catch(() => undefined);
      expect({ subject, served: actual }).toEqual({ subject, served: wanted });
      expect(actual).not.toBeNull();
    }
  };

  /** A new entity, applied and snapshotted: LATEST then names a snapshot with a good one before it. */
  const changeAndSnapshot = async () => {
    // Without a snapshot in force yet, the change could land in the first one, leaving no previous.
    await waitFor('a snapshot in force', () => latestOf() !== null, 30000);
    const before = latestOf();
    await harness.publish([profile(profiles)]);
    profiles++;
    await waitFor(
      'the new profile applied',
      async () => (await heldEntities(matching.url, entities())) === entities().length,
      60000,
    );
    await waitFor(
      'a new snapshot and a previous one',
      () => latestOf() !== before && snapshotFolders().length >= 2,
      30000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}: LATEST ${latestOf()}, folder [${readdirSync(snapshots).join(', ')}]; ` +
          `the service said: ${matching.output.join('').slice(-3000)}`,
      );
    });
  };

  /**
   * A new profile while no snapshot can be written: still applied and served, and readiness stays
   * 200 but degraded, with the reason.
   */
  const changeWhileSnapshotsFail = async (instance: ServiceProcess, reason: RegExp) => {
    await harness.publish([profile(profiles)]);
    profiles++;
    await waitFor(
      'the new profile applied',
      async () => (await heldEntities(instance.url, entities())) === entities().length,
      60000,
    );
    const degraded = await waitFor(
      'readiness degraded by the failing snapshots',
      async () => {
        const answer = await readiness(instance.url);
        return answer.body.components.snapshots?.status === 'degraded' && answer;
      },
      30000,
    );
    expect(degraded.code).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.components.snapshots.detail).toMatch(reason);
  };

  /** What to damage, the reason the latest is rejected for, and whether every snapshot is. */
  const cases: [string, (latest: string, all: string[]) => void, string, boolean][] = [
    [
      // As a disk error or a broken restore leaves it: the checksums file is cut too.
      'every file of the latest snapshot truncated to half',
      (latest) => filesOf(join(snapshots, latest)).forEach(truncateHalf),
      'bad-checksums',
      false,
    ],
    [
      'the index files truncated to half, the checksums intact',
      (latest) => [indexFile(latest, 'profiles'), indexFile(latest, 'jobs')].forEach(truncateHalf),
      'checksum',
      false,
    ],
    [
      'a flipped byte inside an index',
      (latest) => flipByte(indexFile(latest, 'profiles')),
      'checksum',
      false,
    ],
    [
      'a flipped byte inside the state',
      (latest) => flipByte(join(snapshots, latest, 'state.json')),
      'checksum',
      false,
    ],
    ['a missing file', (latest) => rmSync(indexFile(latest, 'jobs')), 'missing-file', false],
    [
      'a LATEST naming a folder that is gone',
      (latest) => rmSync(join(snapshots, latest), { recursive: true }),
      'missing',
      false,
    ],
    [
      'every snapshot truncated: a replay from the start',
      (_, all) => all.forEach((name) => filesOf(join(snapshots, name)).forEach(truncateHalf)),
      'bad-checksums',
      true,
    ],
  ];

  it.each(cases)(
    '%s: set aside, and the same rankings served',
    async (_, damage, reason, every) => {
      await changeAndSnapshot();
      await matching.stop();
      const latest = latestOf()!;
      const all = snapshotFolders();
      damage(latest, all);

      const notReady = await startWatchingReadiness(matching);
      expect(matching.output.join('')).toContain(`snapshot ${latest} rejected (${reason})`);
      if (reason !== 'missing')
        expect(readdirSync(snapshots)).toContain(`${latest}.rejected-${reason}`);
      expect(
        (await metrics(matching.url)).get(
          `matchstream_snapshots_rejected_total{reason="${reason}"}`,
        ),
      ).toBe(every ? all.length : 1);
      // Readiness told the truth while recovering: 503, naming where the state came from.
      expect(notReady.length).toBeGreaterThan(0);
      expect(notReady.some((detail) => detail.includes('no usable snapshot'))).toBe(every);
      await expectAgreement(matching.url);
    },
  );

  it(`a snapshot folder on ${onWhat} that fills up fails the snapshots, not the service`, async () => {
    await matching.stop();
    const filler = join(tiny, 'filler');
    const fill = () => {
      if (!mounted) {
        writeFileSync(filler, '');
        truncateSync(filler, capacity);
        return;
      }
      for (const chunk of [1 << 20, 1 << 12, 1]) {
        try {
          for (;;) appendFileSync(filler, Buffer.alloc(chunk));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        }
      }
    };
    const instance = new ServiceProcess(
      'matching-service',
      {
        ...env,
        MATCHING_SNAPSHOT_DIR: tiny,
        ...(mounted ? {} : { MATCHING_SNAPSHOT_TEST_CAPACITY_BYTES: String(capacity) }),
      },
      port + 1,
    );
    try {
      await instance.start();
      await waitFor('a first snapshot on the small filesystem', () => latestOf(tiny) !== null);
      const good = latestOf(tiny)!;

      fill();
      await changeWhileSnapshotsFail(instance, /ENOSPC|no space/i);
      const failing = await metrics(instance.url);
      expect(failing.get('matchstream_snapshot_failing')).toBe(1);
      expect(failing.get('matchstream_snapshot_failures_total{reason="no-space"}')).toBeGreaterThan(
        0,
      );
      // The complete snapshot stays in force, and no half-written one is left.
      expect(latestOf(tiny)).toBe(good);
      await expect(verifySnapshotFolder(join(tiny, good))).resolves.toBeDefined();
      expect(snapshotFolders(tiny)).toEqual([good]);
      await expectAgreement(instance.url);

      rmSync(filler);
      await waitFor(
        'a snapshot written again',
        async () => (await readiness(instance.url)).body.components.snapshots?.status === 'up',
        30000,
      );
      expect((await metrics(instance.url)).get('matchstream_snapshot_failing')).toBe(0);
      const next = latestOf(tiny)!;
      expect(next).not.toBe(good);
      await expect(verifySnapshotFolder(join(tiny, next))).resolves.toBeDefined();
      expect(snapshotFolders(tiny).sort()).toEqual([good, next].sort());
      await expectAgreement(instance.url);
    } finally {
      await instance.stop();
    }
  });

  // Only a real mount can be made read-only under a running service.
  (mounted ? it : it.skip)(
    'a snapshot folder remounted read-only fails the snapshots, not the service',
    async () => {
      const remount = (mode: 'ro' | 'rw') =>
        expect(spawnSync('mount', ['-o', `remount,${mode}`, tiny]).status).toBe(0);
      const instance = new ServiceProcess(
        'matching-service',
        { ...env, MATCHING_SNAPSHOT_DIR: tiny },
        port + 1,
      );
      try {
        await instance.start();
        const good = latestOf(tiny)!;
        remount('ro');
        await changeWhileSnapshotsFail(instance, /EROFS|read-only/i);
        expect(
          (await metrics(instance.url)).get(
            'matchstream_snapshot_failures_total{reason="read-only"}',
          ),
        ).toBeGreaterThan(0);
        expect(latestOf(tiny)).toBe(good);
        await expectAgreement(instance.url);

        remount('rw');
        await waitFor(
          'a snapshot written again',
          async () => (await readiness(instance.url)).body.components.snapshots?.status === 'up',
          30000,
        );
        expect(latestOf(tiny)).not.toBe(good);
        await expectAgreement(instance.url);
      } finally {
        spawnSync('mount', ['-o', 'remount,rw', tiny]);
        await instance.stop();
      }
    },
  );
});
