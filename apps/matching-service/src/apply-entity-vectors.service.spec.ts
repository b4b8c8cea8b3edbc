import { Logger } from '@nestjs/common';
import { TOPICS, encodeVector, matchRankingEvent } from '@matchstream/contracts';
import type { EntityType, MatchRankingEvent } from '@matchstream/contracts';
import type { ConsumedRecord, DeadLetterPublisher, EventPublisher } from '@matchstream/kafka';
import { DEFAULT_WEIGHTS } from '@matchstream/matching';
import { MetricsService } from '@matchstream/observability';
import { SAMPLE_JOBS, SAMPLE_PROFILES, seededRandom } from '@matchstream/testing';
import type { Redis } from 'ioredis';
import { ApplyEntityVectorsService } from './apply-entity-vectors.service';
import { EntityState } from './entity-state';
import { MatchEngine } from './match-engine';
import { RankingStore } from './ranking.store';

const DIMENSION = 8;
const TOP_K = 3;
const metrics = new MetricsService('matching-spec');

/**
 * The service against real indexes and a real match engine, with Kafka and Redis faked: what it
 * publishes and stores is checked against rankings searched from scratch.
 */
function setUp(
  candidatePool = 64,
  publishGate: (keys: string[]) => Promise<void> = () => Promise.resolve(),
) {
  const state = new EntityState({
    dimension: DIMENSION,
    initialCapacity: 4,
    m: 8,
    efConstruction: 64,
    efSearch: 64,
  });
  const engine = new MatchEngine(state, { topK: TOP_K, candidatePool, weights: DEFAULT_WEIGHTS });
  const redis = {
    mset: () => Promise.resolve('OK'),
    del: () => Promise.resolve(1),
  } as unknown as Redis;
  const rankings = new RankingStore(redis);
  const published: MatchRankingEvent[] = [];
  const publisher = {
    publish: (topic: string, messages: { key: string; value: string }[]) => {
      expect(topic).toBe(TOPICS.matches);
      for (const m of messages) {
        const parsed = matchRankingEvent.safeParse(JSON.parse(m.value));
        if (parsed.success) published.push(parsed.data);
      }
      return publishGate(messages.map((m) => m.key));
    },
  } as unknown as EventPublisher;
  const deadLetters = { publish: () => Promise.resolve() } as unknown as DeadLetterPublisher;
  const service = new ApplyEntityVectorsService(
    state,
    engine,
    rankings,
    publisher,
    deadLetters,
    metrics,
  );
  return { state, engine, rankings, published, service };
}

let offset = 0;
function record(value: object, key: string): ConsumedRecord {
  return {
    topic: TOPICS.entityVectors,
    partition: 0,
    offset: String(offset++),
    key,
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
    timestamp: '0',
  };
}

function randomVector(random: () => number): Float32Array {
  const v = Float32Array.from({ length: DIMENSION }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function upserted(
  type: EntityType,
  id: string,
  version: number,
  vector: Float32Array,
  sample: number,
): ConsumedRecord {
  const document =
    type === 'profile'
      ? SAMPLE_PROFILES[sample % SAMPLE_PROFILES.length].payload
      : SAMPLE_JOBS[sample % SAMPLE_JOBS.length].payload;
  return record(
    {
      schemaVersion: 1,
      sourceEventId: `evt-${type}-${id}-${version}`,
      entityId: id,
      entityVersion: version,
      occurredAt: '2026-01-01T00:00:00.000Z',
      producedAt: '2026-01-01T00:00:00.000Z',
      modelId: 'test-model',
      textBuilderVersion: 1,
      contentHash: '0'.repeat(64),
      vector: encodeVector(vector),
      dimension: DIMENSION,
      type: 'entity.embedded',
      entityType: type,
      document,
    },
    `${type}:${id}`,
  );
}

function removed(type: EntityType, id: string, version: number): ConsumedRecord {
  return record(
    {
      schemaVersion: 1,
      sourceEventId: `evt-${type}-${id}-${version}-removed`,
      entityId: id,
      entityVersion: version,
      occurredAt: '2026-01-01T00:00:00.000Z',
      producedAt: '2026-01-01T00:00:00.000Z',
      type: 'entity.removed',
      entityType: type,
    },
    `${type}:${id}`,
  );
}

function idsAndScores(matches: { counterpartId: string; score: number }[]) {
  return matches.map((m) => [m.counterpartId, Math.round(m.score * 1e4) / 1e4]);
}

describe('ApplyEntityVectorsService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
  });

  it('keeps every stored ranking equal to a fresh search through random upserts and removals', async () => {
    const { state, engine, rankings, service } = setUp();
    const random = seededRandom(7);
    const versions = new Map<string, number>();
    const live = new Set<string>();
    const pick = (n: number) => Math.floor(random() * n);

    for (let chunkNo = 0; chunkNo < 60; chunkNo++) {
      const chunk: ConsumedRecord[] = [];
      for (let i = 0, size = 1 + pick(5); i < size; i++) {
        const type: EntityType = random() < 0.5 ? 'profile' : 'job';
        const id = `${type[0]}${pick(type === 'profile' ? 14 : 10)}`;
        const key = `${type}:${id}`;
        const version = (versions.get(key) ?? 0) + 1;
        versions.set(key, version);
        if (live.has(key) && random() < 0.15) {
          chunk.push(removed(type, id, version));
          live.delete(key);
        } else {
          chunk.push(upserted(type, id, version, randomVector(random), pick(100)));
          live.add(key);
        }
      }
      await service.process(chunk);

      for (const key of live) {
        const [type, id] = key.split(':') as [EntityType, string];
        const fresh =
          type === 'job' ? engine.rankCandidatesForJob(id) : engine.rankJobsForProfile(id);
        expect({ key, ranking: idsAndScores(rankings.get(type, id)?.matches ?? []) }).toEqual({
          key,
          ranking: idsAndScores(fresh),
        });
      }
    }
    expect(state.profiles.size + state.jobs.size).toBe(live.size);
  });

  it('answers a new job with its own ranking and the changed rankings of the profiles it enters', async () => {
    const { published, service } = setUp();
    const random = seededRandom(11);
    // Three remote-friendly profiles; a remote job every one of them accepts.
    await service.process([
      upserted('profile', 'p1', 1, randomVector(random), 0),
      upserted('profile', 'p2', 1, randomVector(random), 0),
    ]);
    published.length = 0;
    await service.process([upserted('job', 'j1', 1, randomVector(random), 0)]);

    const own = published.find((e) => e.subject.type === 'job');
    expect(own).toMatchObject({ subject: { id: 'j1' }, trigger: 'subject-changed' });
    const listed = own!.matches.map((m) => m.counterpartId).sort();
    expect(listed).toEqual(['p1', 'p2']);
    const profileEvents = published.filter((e) => e.subject.type === 'profile');
    // Each listed profile had no job yet: its ranking changed and was published, naming the job.
    expect(profileEvents.map((e) => e.subject.id).sort()).toEqual(listed);
    for (const e of profileEvents) {
      expect(e.trigger).toBe('counterpart-changed');
      expect(e.causationEventId).toBe('evt-job-j1-1');
      expect(e.matches.map((m) => m.counterpartId)).toEqual(['j1']);
    }
  });

  it('publishes nothing for profiles whose ranking a job does not change', async () => {
    const { published, service, rankings } = setUp();
    const random = seededRandom(3);
    const profileVector = randomVector(random);
    await service.process([upserted('profile', 'p1', 1, profileVector, 0)]);
    // Fill p1's top-K with jobs, then add one that scores below all of them.
    const jobs = Array.from({ length: TOP_K }, (_, i) =>
      upserted('job', `j${i}`, 1, profileVector, 0),
    );
    await service.process(jobs);
    const opposite = profileVector.map((x) => -x);
    published.length = 0;
    await service.process([upserted('job', 'far', 1, opposite, 0)]);

    expect(published.map((e) => `${e.subject.type}:${e.subject.id}`)).toEqual(['job:far']);
    expect(rankings.get('profile', 'p1')!.matches.map((m) => m.counterpartId)).not.toContain('far');
  });

  it('applies concurrent chunks one after the other, so no ranking update is lost', async () => {
    let gateOpen: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (gateOpen = resolve));
    // The first job's chunk waits in its publish until the test opens the gate.
    const { state, rankings, service } = setUp(64, (keys) =>
      keys.includes('job:j1') ? gate : Promise.resolve(),
    );
    const random = seededRandom(21);
    const vector = randomVector(random);
    await service.process([upserted('profile', 'p1', 1, vector, 0)]);

    const first = service.process([upserted('job', 'j1', 1, vector, 0)]);
    const second = service.process([upserted('job', 'j2', 1, vector, 0)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first chunk is between publishing and storing: the second has not touched the state.
    expect(state.jobs.has('j1')).toBe(true);
    expect(state.jobs.has('j2')).toBe(false);
    gateOpen();
    await Promise.all([first, second]);

    const listed = rankings
      .get('profile', 'p1')!
      .matches.map((m) => m.counterpartId)
      .sort();
    expect(listed).toEqual(['j1', 'j2']);
  });
});
