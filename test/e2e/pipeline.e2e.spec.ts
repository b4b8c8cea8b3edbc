import { DEFAULT_EMBEDDING_MODEL_ID } from '@matchstream/config';
import {
  SAMPLE_JOBS,
  SAMPLE_PROFILES,
  resetEventIds,
  sampleJobEvents,
  sampleProfileEvents,
} from '@matchstream/testing';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';

/**
 * The whole pipeline on the real broker, Redis and model: sample profiles and jobs in, ranked
 * matches out, over Kafka and over HTTP.
 */
describe('pipeline end to end', () => {
  const harness = new PipelineHarness(runId('e2e-pipeline'));

  // Newer than anything an earlier run on the same broker published for these sample ids.
  const version = Date.now();

  // Everything the services log during the run, to check it carries no personal data.
  const logged: string[] = [];
  const writes = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };

  beforeAll(async () => {
    harness.env.LOG_LEVEL = 'debug';
    process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      logged.push(String(chunk));
      return writes.out(chunk, ...rest);
    };
    process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      logged.push(String(chunk));
      return writes.err(chunk, ...rest);
    };
    await harness.start();
    resetEventIds(harness.run);
    await harness.publish(sampleProfileEvents(version));
    await harness.publish(sampleJobEvents(version));
  });
  afterAll(async () => {
    await harness.stop();
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  });

  const current = (type: 'job' | 'profile', id: string) =>
    harness
      .rankingsFor(type, id)
      .filter((r) => r.subject.version === version)
      .at(-1);
  // The best-ranked sample profile. On a broker reused across runs other suites' entities may
  // share a ranking; sample ids are what this suite owns.
  const sampleIds = new Set(SAMPLE_PROFILES.map((p) => p.id));
  const topCandidate = (jobId: string) =>
    current('job', jobId)?.matches.find((m) => sampleIds.has(m.counterpartId));

  it('ranks the ML platform engineer first for the ML platform job', async () => {
    const best = await waitFor(
      'ML platform ranking',
      () =>
        topCandidate('job-ml-platform')?.counterpartId === 'profile-ml-platform' &&
        topCandidate('job-ml-platform'),
    );
    const samples = current('job', 'job-ml-platform')!.matches.filter((m) =>
      sampleIds.has(m.counterpartId),
    );
    expect(best.score).toBeGreaterThan(samples[1]?.score ?? 0);
    expect(best.explanation.matchedRequiredSkills).toEqual(
      expect.arrayContaining(['Python', 'Kafka', 'Spark', 'Airflow']),
    );
    expect(best.explanation.constraints.every((c) => c.passed)).toBe(true);
    const ranking = current('job', 'job-ml-platform')!;
    expect(ranking.modelId).toBe(process.env.EMBEDDING_MODEL_ID ?? DEFAULT_EMBEDDING_MODEL_ID);
    const scores = ranking.matches.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('ranks the messaging engineer first for the real-time messaging job', async () => {
    await waitFor(
      'messaging ranking',
      () => topCandidate('job-realtime-messaging')?.counterpartId === 'profile-realtime-messaging',
    );
  });

  it('gives every sample job a ranking and the ML engineer the ML job as best job', async () => {
    await waitFor('all job rankings', () =>
      SAMPLE_JOBS.every(({ id }) => harness.rankingsFor('job', id).length > 0),
    );
    const best = await waitFor('profile ranking', () => {
      const latest = current('profile', 'profile-ml-platform');
      return latest?.matches[0]?.counterpartId === 'job-ml-platform' && latest;
    });
    expect(best.subject.version).toBe(version);
  });

  it('serves the stored ranking over HTTP, and answers bad requests with 4xx', async () => {
    await waitFor(
      'ranking',
      () => topCandidate('job-ml-platform')?.counterpartId === 'profile-ml-platform',
    );
    const response = await fetch(await harness.url('matching', '/v1/matches/jobs/job-ml-platform'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { matches: { counterpartId: string }[] };
    expect(body.matches.find((m) => sampleIds.has(m.counterpartId))?.counterpartId).toBe(
      'profile-ml-platform',
    );

    expect(
      (await fetch(await harness.url('matching', '/v1/matches/jobs/no-such-job'))).status,
    ).toBe(404);
    expect((await fetch(await harness.url('matching', '/v1/matches/jobs/bad%20id!'))).status).toBe(
      400,
    );
    const badSearch = await fetch(await harness.url('matching', '/v1/search'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'people', k: 'ten' }),
    });
    expect(badSearch.status).toBe(400);
    const malformed = await fetch(await harness.url('matching', '/v1/search'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"target":',
    });
    expect(malformed.status).toBe(400);
  });

  it('searches by free text with the real model', async () => {
    await waitFor('profiles indexed', () =>
      SAMPLE_PROFILES.every(({ id }) => harness.rankingsFor('profile', id).length > 0),
    );
    const response = await fetch(await harness.url('matching', '/v1/search'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        target: 'profiles',
        text: 'Kubernetes and Terraform site reliability on call',
        k: 3,
      }),
    });
    expect(response.status).toBe(200);
    const { hits } = (await response.json()) as { hits: { id: string }[] };
    expect(hits[0].id).toBe('profile-sre');
  });

  it('serves its OpenAPI document', async () => {
    const response = await fetch(await harness.url('matching', '/openapi.json'));
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/v1/matches/jobs/{id}');
  });

  it('exposes health and metrics that moved by the events processed', async () => {
    await waitFor('all job rankings', () =>
      SAMPLE_JOBS.every(({ id }) => harness.rankingsFor('job', id).length > 0),
    );
    for (const app of ['embedding', 'matching'] as const) {
      expect((await fetch(await harness.url(app, '/health/ready'))).status).toBe(200);
    }
    const metrics = await (await fetch(await harness.url('embedding', '/metrics'))).text();
    // At least: other suites on the same broker may have published to these topics too.
    const processed = (topic: string) =>
      Number(
        new RegExp(
          `matchstream_events_consumed_total\\{topic="${topic}",outcome="processed",service="embedding-service"\\} (\\d+)`,
        ).exec(metrics)?.[1] ?? 0,
      );
    expect(processed('matchstream.profile-events.v1')).toBeGreaterThanOrEqual(
      SAMPLE_PROFILES.length,
    );
    expect(processed('matchstream.job-events.v1')).toBeGreaterThanOrEqual(SAMPLE_JOBS.length);
    expect(metrics).toMatch(
      /matchstream_embedding_batch_size_count\{service="embedding-service"\} [1-9]/,
    );
  });

  it('logs ids and counts, never names or profile text', () => {
    expect(logged.length).toBeGreaterThan(0);
    const text = logged.join('');
    for (const { payload } of SAMPLE_PROFILES) {
      expect(text).not.toContain(payload.name);
      expect(text).not.toContain(payload.headline);
    }
  });
});
