import type { INestApplication } from '@nestjs/common';
import { TOPICS, streamMatchEvent } from '@matchstream/contracts';
import type { InputEventInput, MatchRankingEvent, StreamMatchEvent } from '@matchstream/contracts';
import { profileUpserted } from '@matchstream/testing';
import { startGateway } from '../../apps/gateway/src/main';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { loadMatchingServiceConfig } from '../../apps/matching-service/src/matching-service.config';
import {
  Collector,
  PipelineHarness,
  UNRELATED_PROFILE,
  runId,
  waitFor,
} from '../support/pipeline-harness';

interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Reads a Server-Sent Events response with fetch, as a dashboard would. */
class SseReader {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly controller = new AbortController();

  private constructor(readonly status: number) {}

  static async open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    });
    const reader = new SseReader(response.status);
    reader.controller.signal.addEventListener('abort', () => controller.abort());
    if (response.body) void reader.pump(response.body);
    return reader;
  }

  rankings(jobId: string): (StreamMatchEvent & MatchRankingEvent & { sseId: string })[] {
    return this.messages
      .filter((m) => m.event === 'match.ranking')
      .map((m) => ({
        ...(JSON.parse(m.data) as StreamMatchEvent & MatchRankingEvent),
        sseId: m.id!,
      }))
      .filter((e) => e.subject.type === 'job' && e.subject.id === jobId);
  }

  get ids(): string[] {
    return this.messages.flatMap((m) => (m.id ? [m.id] : []));
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close(), or the server closed the stream.
    }
    this.ended = true;
  }

  private parse(frame: string): void {
    const message: SseMessage = { event: 'message', data: '' };
    let hasData = false;
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) {
        message.data += line.slice(6);
        hasData = true;
      }
    }
    if (hasData) this.messages.push(message);
  }
}

/**
 * The gateway on the real broker, Redis and model, next to the embedding and matching services:
 * events in over HTTP, rankings out over Server-Sent Events. Its documents share a category of
 * their own, so no other suite's entities rank against them.
 */
describe('gateway end to end', () => {
  const harness = new PipelineHarness(runId('e2e-gateway'));
  const id = (name: string) => `${harness.run}-${name}`;
  const category = `vet-${harness.run}`.slice(0, 64);
  const company = `Harbour Vets ${harness.run}`;
  const apiKey = `key-${harness.run}`;
  const auth = { authorization: `Bearer ${apiKey}` };
  const jobId = id('job-vet-surgeon');
  const best = id('profile-surgeon');
  const inputJobEvents = new Collector(harness.kafka, TOPICS.jobEvents, (r) => {
    const value = JSON.parse(r.value?.toString() ?? 'null') as { eventId?: string } | null;
    return value?.eventId ? { key: r.key, eventId: value.eventId } : null;
  });
  let gateway: INestApplication;
  let base: string;
  const readers: SseReader[] = [];

  const envelope = (eventId: string, entityId: string, version = 1) => ({
    eventId: id(eventId),
    schemaVersion: 1 as const,
    occurredAt: new Date().toISOString(),
    source: 'gateway-e2e',
    entityId,
    entityVersion: version,
  });
  const profile = (name: string, headline: string, skills: string[], seniority: string) => ({
    ...envelope(`evt-${name}`, id(name)),
    type: 'profile.upserted' as const,
    payload: {
      name: `Test ${name}`,
      headline,
      summary: headline,
      skills,
      seniority,
      location: { city: 'Bristol', country: 'GB' },
      workModes: ['onsite'],
      workAuthorization: ['GB'],
      categories: [category],
    },
  });
  const profiles = [
    profile(
      'profile-surgeon',
      'Senior veterinary surgeon for small animal soft-tissue and orthopaedic surgery',
      ['Small animal surgery', 'Anaesthesia', 'Diagnostic imaging', 'Orthopaedics'],
      'senior',
    ),
    profile(
      'profile-nurse',
      'Veterinary nurse supporting anaesthesia and recovery',
      ['Anaesthesia'],
      'junior',
    ),
    profile(
      'profile-equine',
      'Equine vet doing ambulatory work and imaging',
      ['Diagnostic imaging'],
      'mid',
    ),
  ];
  const job = (version: number, eventId: string) => ({
    ...envelope(eventId, jobId, version),
    type: 'job.upserted' as const,
    payload: {
      title: 'Senior Veterinary Surgeon',
      company,
      description: 'Small animal referral hospital: soft-tissue and orthopaedic surgery.',
      requiredSkills: ['Small animal surgery', 'Anaesthesia', 'Diagnostic imaging'],
      niceToHaveSkills: ['Orthopaedics'],
      location: { city: 'Bristol', country: 'GB' },
      remotePolicy: 'onsite',
      hiringCountries: ['GB'],
      seniority: 'senior',
      categories: [category],
    },
  });
  const unrelated = (name: string) =>
    profileUpserted({ eventId: id(`evt-${name}`), entityId: id(name), payload: UNRELATED_PROFILE });

  const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const stream = async (query: string, headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${base}/v1/stream/matches?${query}`, {
      ...auth,
      ...headers,
    });
    readers.push(reader);
    expect(reader.status).toBe(200);
    return reader;
  };
  const stats = async () =>
    (await (await fetch(`${base}/v1/stats`, { headers: auth })).json()) as Record<string, number>;

  beforeAll(async () => {
    await harness.start();
    await inputJobEvents.start();
    gateway = await startGateway(
      loadGatewayConfig({
        ...process.env,
        ...harness.env,
        GATEWAY_HTTP_PORT: '0',
        API_KEYS: apiKey,
        GATEWAY_STREAM_HEARTBEAT_MS: '500',
      }),
    );
    base = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    for (const reader of readers) reader.close();
    await gateway?.close();
    await inputJobEvents.stop();
    await harness.stop();
  });

  it('requires the API key for the API and leaves /live, /health and /metrics open', async () => {
    expect((await post('/v1/events/jobs', job(1, 'evt-unauth'), {})).status).toBe(401);
    expect((await fetch(`${base}/v1/stream/matches`)).status).toBe(401);
    expect((await fetch(`${base}/v1/stats`)).status).toBe(401);
    const live = await fetch(`${base}/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toContain('text/html');
    expect(live.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('matchstream_stream_clients{service="gateway"}');
  });

  let firstStream: SseReader;

  it('takes profiles and a job over HTTP and streams the job ranking, filtered', async () => {
    firstStream = await stream(`jobId=${jobId}`);
    const byCategory = await stream(`category=${category}`);
    const byCompany = await stream(`company=${encodeURIComponent(company.toUpperCase())}`);
    const otherJob = await stream(`jobId=${id('no-such-job')}`);

    const batch = await post('/v1/events/profiles:batch', profiles);
    expect(batch.status).toBe(202);
    expect(await batch.json()).toEqual({
      accepted: profiles.map((p) => p.eventId),
      duplicate: [],
    });
    const single = await post('/v1/events/jobs', job(1, 'evt-job-v1'));
    expect(single.status).toBe(202);
    expect(await single.json()).toEqual({ accepted: [id('evt-job-v1')], duplicate: [] });

    // Profiles and the job reach the matching service in any order: wait for the settled ranking.
    const ranking = await waitFor('the job ranking on the stream', () =>
      firstStream.rankings(jobId).find((r) => r.matches[0]?.counterpartId === best),
    );
    expect(ranking.sseId).toMatch(/^\d+:\d+$/);
    // The junior nurse (one of three required skills) scores below the model's floor: no match.
    const floor = loadMatchingServiceConfig({ ...process.env, ...harness.env }).MATCH_MIN_SCORE;
    expect(ranking.matches.map((m) => m.counterpartId)).not.toContain(id('profile-nurse'));
    for (const m of ranking.matches) expect(m.score).toBeGreaterThanOrEqual(floor);
    expect(ranking.matches[0].explanation.summary.length).toBeGreaterThan(0);
    // Display fields from the entity-vector topic: the job's title and company, each ranked
    // candidate's headline, and no candidate's name (GATEWAY_STREAM_CANDIDATE_NAMES is off).
    expect(streamMatchEvent.safeParse(ranking).success).toBe(true);
    expect(ranking.display?.jobs?.[jobId]).toEqual({ title: 'Senior Veterinary Surgeon', company });
    for (const m of ranking.matches) {
      const sent = profiles.find((p) => p.entityId === m.counterpartId)!;
      expect(ranking.display?.profiles?.[m.counterpartId]).toEqual({
        headline: sent.payload.headline,
      });
    }
    for (const message of firstStream.messages) expect(message.data).not.toContain('"Test ');
    // The jobId filter passes the job's own rankings and the candidate rankings listing it.
    for (const message of firstStream.messages) expect(message.data).toContain(jobId);

    await waitFor('the category stream', () => byCategory.rankings(jobId).length > 0);
    await waitFor('the company stream', () => byCompany.rankings(jobId).length > 0);
    await waitFor('a heartbeat', () => firstStream.comments.includes('ping'));
    expect(otherJob.messages).toEqual([]);
  });

  it('answers a repeated eventId as a duplicate without producing it, and resumes a stream after Last-Event-ID', async () => {
    // Everything the first stream saw, up to now.
    const seen = new Set(firstStream.ids);
    const lastEventId = firstStream.ids.at(-1)!;
    firstStream.close();

    const repeat = await post('/v1/events/jobs', job(1, 'evt-job-v1'));
    expect(repeat.status).toBe(202);
    expect(await repeat.json()).toEqual({ accepted: [], duplicate: [id('evt-job-v1')] });

    // Same key, same partition: once v2 is on the topic, a second v1 would have been before it.
    const v2 = await post('/v1/events/jobs', job(2, 'evt-job-v2'));
    expect(await v2.json()).toEqual({ accepted: [id('evt-job-v2')], duplicate: [] });
    await waitFor('v2 on the input topic', () =>
      inputJobEvents.items.some((e) => e.eventId === id('evt-job-v2')),
    );
    expect(inputJobEvents.items.filter((e) => e.eventId === id('evt-job-v1'))).toHaveLength(1);

    // The v2 ranking is published while no stream is open: only a resume can deliver it.
    await waitFor('the v2 ranking', () =>
      harness.rankingsFor('job', jobId).some((r) => r.subject.version === 2),
    );
    const resumed = await stream(`jobId=${jobId}`, { 'last-event-id': lastEventId });
    await waitFor('the v2 ranking on the resumed stream', () =>
      resumed.rankings(jobId).some((r) => r.subject.version === 2),
    );
    expect(resumed.ids.filter((sseId) => seen.has(sseId))).toEqual([]);

    // A duplicate within one batch is produced once.
    const twice = unrelated('profile-twice');
    const batch = await post('/v1/events/profiles:batch', [twice, twice]);
    expect(await batch.json()).toEqual({ accepted: [twice.eventId], duplicate: [twice.eventId] });
  });

  it('answers bad requests with 4xx listing every problem, and accepts nothing of them', async () => {
    const noTitle = job(1, 'evt-no-title');
    delete (noTitle.payload as { title?: string }).title;
    const invalid = await post('/v1/events/jobs', noTitle);
    expect(invalid.status).toBe(400);
    const invalidBody = (await invalid.json()) as {
      errors: { index: number; reason: string; issues?: { path: string }[] }[];
    };
    expect(invalidBody.errors).toEqual([
      expect.objectContaining({
        index: 0,
        reason: 'schema-violation',
        issues: [expect.objectContaining({ path: 'payload.title' })],
      }),
    ]);

    const good = unrelated('profile-good');
    const bad: InputEventInput[] = [
      { ...unrelated('profile-bad-1'), entityVersion: -1 },
      { ...unrelated('profile-bad-2'), type: 'job.upserted' } as unknown as InputEventInput,
    ];
    const mixed = await post('/v1/events/profiles:batch', [good, ...bad]);
    expect(mixed.status).toBe(400);
    const mixedBody = (await mixed.json()) as { errors: { index: number }[] };
    expect(mixedBody.errors.map((e) => e.index)).toEqual([1, 2]);
    // All or nothing: the valid event of the refused batch was neither produced nor remembered.
    expect(await (await post('/v1/events/profiles', good)).json()).toEqual({
      accepted: [good.eventId],
      duplicate: [],
    });

    const wrongRoute = await post('/v1/events/jobs', unrelated('profile-wrong-route'));
    expect(wrongRoute.status).toBe(400);
    expect(JSON.stringify(await wrongRoute.json())).toContain('wrong-entity-type');

    const oversized = job(1, 'evt-oversized');
    oversized.payload.description = 'x'.repeat(300 * 1024);
    expect((await post('/v1/events/jobs', oversized)).status).toBe(413);
    expect((await post('/v1/events/jobs:batch', `[${'"x",'.repeat(2_400_000)}"x"]`)).status).toBe(
      413,
    );
    expect((await post('/v1/events/jobs', '{"eventId": "a",')).status).toBe(400);
    expect((await post('/v1/events/jobs:batch', '{"not":"an array"}')).status).toBe(400);
    expect(
      (
        await post(
          '/v1/events/profiles:batch',
          Array.from({ length: 501 }, () => good),
        )
      ).status,
    ).toBe(400);
    expect(
      (await post('/v1/events/jobs', '{}', { ...auth, 'content-type': 'text/plain' })).status,
    ).toBe(415);
    expect(
      (await fetch(`${base}/v1/stream/matches?jobId=bad%20id`, { headers: auth })).status,
    ).toBe(400);
  });

  it('counts events in, matches out and dead letters in /v1/stats and /metrics', async () => {
    await harness.publishRaw(TOPICS.profileEvents, id('broken'), '{"eventId":');
    const counted = await waitFor('a dead letter counted', async () => {
      const current = await stats();
      return current.deadLettersSeen >= 1 && current;
    });
    expect(counted.eventsAccepted).toBeGreaterThanOrEqual(7);
    expect(counted.eventsDuplicate).toBeGreaterThanOrEqual(2);
    expect(counted.eventsRejected).toBeGreaterThanOrEqual(3);
    expect(counted.matchesRelayed).toBeGreaterThanOrEqual(2);
    const by = counted.matchesRelayedBy as unknown as Record<string, number>;
    expect(by.jobRankings + by.candidateRankings + by.retractions).toBe(counted.matchesRelayed);
    expect(by.jobRankings).toBeGreaterThanOrEqual(1);
    // The record published straight to Kafka counts on the input topics, not as HTTP ingestion.
    const topics = await waitFor('the input topic offsets read', async () => {
      const current = (await stats()) as unknown as {
        eventsAccepted: number;
        inputTopicRecords: { profiles: number; jobs: number } | null;
      };
      const records = current.inputTopicRecords;
      return records && records.profiles + records.jobs > current.eventsAccepted && current;
    });
    expect(topics.inputTopicRecords!.profiles).toBeGreaterThanOrEqual(profiles.length + 1);
    expect(counted.streamClients).toBeGreaterThanOrEqual(1);
    // Readers that keep reading are never dropped, whatever bursts the topic brought.
    expect(counted.streamClientsDropped).toBe(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/matchstream_stream_events_relayed_total\{service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/matchstream_stream_clients_dropped_total/);
    expect(metrics).toMatch(
      /matchstream_ingest_events_total\{entity_type="job",outcome="accepted",service="gateway"\} [1-9]/,
    );
  });
});
