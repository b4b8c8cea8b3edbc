import { Logger } from '@nestjs/common';
import {
  TOPICS,
  encodeVector,
  matchRankingEvent,
  entityKey,
  parseEntityKey,
} from '@matchstream/contracts';
import type { EntityType, MatchRankingEvent } from '@matchstream/contracts';
import type { ConsumedRecord, DeadLetterPublisher, EventPublisher } from '@matchstream/kafka';
import { DEFAULT_WEIGHTS } from '@matchstream/scoring';
import { MetricsService } from '@matchstream/observability';
import {
  SAMPLE_JOBS,
  SAMPLE_PROFILES,
  bruteForceRanking,
  seededRandom,
} from '@matchstream/testing';
import type { Redis } from 'ioredis';
import { EntityState, PairScorer, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import { RankingStore } from './settle/ranking.store';
import type { RankingSummary } from './settle/ranking.store';
import { PartitionOwnership, partitionOfSubject } from './ownership/partition-ownership';
import { StateLock } from './lock/state-lock';
import { AppliedOffsets } from './apply/applied-offsets';
import { ChunkApplier } from './apply/chunk-applier';
import { ChunkProcessor } from './settle/chunk-processor';
import { RankingSettler } from './settle/ranking-settler';
import { UnsettledSubjects } from './settle/unsettled-subjects';
import { Handover } from './handover/handover';
import { RankingRepair } from './audit/ranking-repair';

const DIMENSION = 8;
const TOP_K = 3;
const RESERVE = 2;
const metrics = new MetricsService('matching-spec');

/** Redis as the ranking store uses it, in memory, with a switch that makes it fail. */
class FakeRedis {
  readonly data = new Map<string, string>();
  failing = false;
  options = { keyPrefix: '' };

  multi() {
    const ops: (() => void)[] = [];
    const transaction = {
      del: (...keys: string[]) => {
        ops.push(() => keys.forEach((k) => this.data.delete(k)));
        return transaction;
      },
      mset: (...pairs: string[]) => {
        ops.push(() => {
          for (let i = 0; i < pairs.length; i += 2) this.data.set(pairs[i], pairs[i + 1]);
        });
        return transaction;
      },
      exec: () => {
        if (this.failing) return Promise.reject(new Error('Connection is closed.'));
        ops.forEach((op) => op());
        return Promise.resolve(ops.map(() => [null, 'OK']));
      },
    };
    return transaction;
  }

  get(key: string) {
    return Promise.resolve(this.data.get(key) ?? null);
  }

  set(key: string, value: string) {
    this.data.set(key, value);
    return Promise.resolve('OK');
  }

  exists(key: string) {
    return Promise.resolve(this.data.has(key) ? 1 : 0);
  }

  scan() {
    return Promise.resolve(['0', [...this.data.keys()]]);
  }

  mget(...keys: string[]) {
    return Promise.resolve(keys.map((k) => this.data.get(k) ?? null));
  }

  /** A Redis restarted without persistence. */
  flush() {
    this.data.clear();
  }
}

/** The topic as every instance of a cluster appends to it, in order. */
interface SharedTopic {
  latest: Map<string, string>;
  published: MatchRankingEvent[];
}

/**
 * The service against real indexes and the real maintainer, with Kafka and Redis faked: what it
 * publishes and stores is checked against rankings computed independently, by brute force.
 */
function setUp(
  options: {
    minScore?: number;
    publishGate?: (keys: string[]) => Promise<void>;
    /** Several instances: the vector topic's partitions, those this one owns, what they share. */
    partitions?: number;
    owned?: number[];
    redis?: FakeRedis;
    shared?: SharedTopic;
  } = {},
) {
  const state = new EntityState({
    dimension: DIMENSION,
    initialCapacity: 4,
    m: 8,
    efConstruction: 64,
    efSearch: 64,
  });
  const book = new RankingBook(TOP_K, TOP_K + RESERVE);
  const maintainer = new RankingMaintainer(
    state,
    new PairScorer({ weights: DEFAULT_WEIGHTS, minScore: options.minScore ?? 0 }),
    book,
  );
  const redis = options.redis ?? new FakeRedis();
  const instanceId = `instance-${instances++}`;
  const rankings = new RankingStore(redis as unknown as Redis, {
    MATCHING_INSTANCE_ID: instanceId,
  });
  const shared = options.shared ?? { latest: new Map<string, string>(), published: [] };
  const published = shared.published;
  const topic = shared.latest;
  const broker = { failing: false };
  const publisher = {
    publish: async (name: string, messages: { key: string; value: string }[]) => {
      expect(name).toBe(TOPICS.matches);
      if (broker.failing) throw new Error('KafkaJSConnectionError: Connection timeout');
      await (options.publishGate ?? (() => Promise.resolve()))(messages.map((m) => m.key));
      for (const m of messages) {
        topic.set(m.key, m.value);
        const parsed = matchRankingEvent.safeParse(JSON.parse(m.value));
        if (parsed.success) published.push(parsed.data);
      }
    },
  } as unknown as EventPublisher;
  const letters: { reason: string; detail: string }[] = [];
  const deadLetters = {
    publish: (batch: { reason: string; detail: string }[]) => {
      letters.push(...batch);
      return Promise.resolve();
    },
  } as unknown as DeadLetterPublisher;
  const partitions = options.partitions ?? 1;
  const ownership = new PartitionOwnership().configure(partitions, options.owned ?? [0]);
  maintainer.rescope((type, id) => ownership.holds(type, id));
  // A single instance owns everything from the start; a cluster's members hand over first.
  if (!options.owned) {
    ownership.assign([0], new Map());
    ownership.markReady();
  }
  const lock = new StateLock();
  const offsets = new AppliedOffsets();
  const applier = new ChunkApplier(state, maintainer, ownership, offsets, metrics, {
    EMBEDDING_MODEL_ID: 'test-model',
  });
  const unsettled = new UnsettledSubjects();
  const settler = new RankingSettler(
    state,
    book,
    maintainer,
    rankings,
    unsettled,
    publisher,
    deadLetters,
    metrics,
    ownership,
  );
  const processor = new ChunkProcessor(
    lock,
    applier,
    unsettled,
    settler,
    offsets,
    ownership,
    state,
    metrics,
  );
  const handover = new Handover(
    lock,
    ownership,
    maintainer,
    rankings,
    settler,
    offsets,
    metrics,
    processor,
  );
  const repairs = new RankingRepair(maintainer, rankings, unsettled, settler, ownership);
  return {
    state,
    maintainer,
    rankings,
    published,
    topic,
    redis,
    broker,
    processor,
    applier,
    offsets,
    unsettled,
    handover,
    repairs,
    lock,
    letters,
    ownership,
    instanceId,
  };
}

let instances = 0;

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

function normalised(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function randomVector(random: () => number): Float32Array {
  return normalised(Float32Array.from({ length: DIMENSION }, () => random() * 2 - 1));
}

/** Vectors in a few tight clusters: many near-ties, like real embeddings of similar texts. */
function clusteredVector(random: () => number, centres: Float32Array[]): Float32Array {
  const centre = centres[Math.floor(random() * centres.length)];
  return normalised(centre.map((x) => x + (random() - 0.5) * 0.2));
}

const CATEGORY_POOL = ['software-engineering', 'data-analytics', 'devops', 'frontend', 'mobile'];

/** A sample document with varied categories, so the category constraint splits the sides. */
function documentFor(type: EntityType, sample: number, random: () => number): object {
  const base =
    type === 'profile'
      ? SAMPLE_PROFILES[sample % SAMPLE_PROFILES.length].payload
      : SAMPLE_JOBS[sample % SAMPLE_JOBS.length].payload;
  const categories = random() < 0.3 ? [] : [CATEGORY_POOL[Math.floor(random() * 5)]];
  return { ...base, categories };
}

function upserted(
  type: EntityType,
  id: string,
  version: number,
  vector: Float32Array,
  document: object,
): ConsumedRecord {
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
    entityKey(type, id),
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
    entityKey(type, id),
  );
}

type Listing = [string, number][];

/** The brute-force top K of a subject (bruteForceRanking: the definition, the slow way). */
function bruteForce(state: EntityState, type: EntityType, id: string, minScore = 0): Listing {
  return bruteForceRanking(state, type, id, { minScore })
    .slice(0, TOP_K)
    .map((s) => [s.id, s.score]);
}

function listing(ranking: MatchRankingEvent | RankingSummary | undefined | null): Listing | null {
  if (!ranking) return null;
  return 'ids' in ranking
    ? ranking.ids.map((id, i) => [id, ranking.scores[i]])
    : ranking.matches.map((m) => [m.counterpartId, m.score]);
}

/** Every live subject's served, stored and last-published ranking equals the brute-force one. */
function expectAllExact(context: ReturnType<typeof setUp>, minScore = 0): number {
  const { state, rankings, redis, topic } = context;
  let checked = 0;
  for (const type of ['profile', 'job'] as const) {
    for (const id of state.side(type).entities.keys()) {
      const expected = bruteForce(state, type, id, minScore);
      const stored = redis.data.get(`ranking:${type}:${id}`);
      const onTopic = topic.get(entityKey(type, id));
      expect({ subject: entityKey(type, id), served: listing(rankings.get(type, id)) }).toEqual({
        subject: entityKey(type, id),
        served: expected,
      });
      expect(listing(stored ? (JSON.parse(stored) as MatchRankingEvent) : null)).toEqual(expected);
      expect(listing(onTopic ? (JSON.parse(onTopic) as MatchRankingEvent) : null)).toEqual(
        expected,
      );
      checked++;
    }
  }
  // Nothing is served or stored for subjects that are gone.
  for (const key of rankings.keys()) {
    const [type, id] = key.split(':') as [EntityType, string];
    expect(state.side(type).entities.has(id)).toBe(true);
  }
  return checked;
}

interface Workload {
  seed: number;
  profiles: number;
  jobs: number;
  chunks: number;
  clustered: boolean;
  /** Which side arrives first (the other follows), or interleaved. */
  order: 'profiles-first' | 'jobs-first' | 'interleaved';
}

/**
 * Random upserts, updates and removals over populations much larger than a ranking's depth, in
 * chunks of 1 to 24 records.
 */
function* workload(w: Workload): Generator<ConsumedRecord[]> {
  const random = seededRandom(w.seed);
  const centres = Array.from({ length: 4 }, () => randomVector(random));
  const vector = () => (w.clustered ? clusteredVector(random, centres) : randomVector(random));
  const versions = new Map<string, number>();
  const live = new Set<string>();
  const pick = (n: number) => Math.floor(random() * n);
  const next = (type: EntityType, id: string) => {
    const key = entityKey(type, id);
    const version = (versions.get(key) ?? 0) + 1;
    versions.set(key, version);
    if (live.has(key) && random() < 0.2) {
      live.delete(key);
      return removed(type, id, version);
    }
    live.add(key);
    return upserted(type, id, version, vector(), documentFor(type, pick(100), random));
  };
  const seed: [EntityType, number][] =
    w.order === 'profiles-first'
      ? [
          ['profile', w.profiles],
          ['job', w.jobs],
        ]
      : [
          ['job', w.jobs],
          ['profile', w.profiles],
        ];
  if (w.order !== 'interleaved') {
    for (const [type, count] of seed) {
      for (let i = 0; i < count; i += 16) {
        yield Array.from({ length: Math.min(16, count - i) }, (_, j) =>
          upserted(type, `${type[0]}${i + j}`, 1, vector(), documentFor(type, pick(100), random)),
        );
        for (let j = i; j < Math.min(i + 16, count); j++) {
          versions.set(`${type}:${type[0]}${j}`, 1);
          live.add(`${type}:${type[0]}${j}`);
        }
      }
    }
  }
  for (let chunkNo = 0; chunkNo < w.chunks; chunkNo++) {
    yield Array.from({ length: 1 + pick(24) }, () => {
      const type: EntityType = random() < 0.5 ? 'profile' : 'job';
      return next(type, `${type[0]}${pick(type === 'profile' ? w.profiles : w.jobs)}`);
    });
  }
}

describe('the matching flow (apply, settle, handover, repair)', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
  });

  it.each<Workload>([
    { seed: 7, profiles: 120, jobs: 80, chunks: 60, clustered: true, order: 'profiles-first' },
    { seed: 8, profiles: 80, jobs: 120, chunks: 60, clustered: true, order: 'jobs-first' },
    { seed: 9, profiles: 100, jobs: 100, chunks: 120, clustered: false, order: 'interleaved' },
    { seed: 10, profiles: 150, jobs: 20, chunks: 80, clustered: true, order: 'interleaved' },
  ])(
    'keeps every ranking equal to a brute-force ranking of the current state ($order, clustered $clustered, $profiles profiles, $jobs jobs)',
    async (w) => {
      const context = setUp();
      let chunkNo = 0;
      for (const chunk of workload(w)) {
        await context.processor.process(chunk);
        if (++chunkNo % 15 === 0) expectAllExact(context);
      }
      expect(expectAllExact(context)).toBeGreaterThan(3 * (TOP_K + RESERVE));
    },
  );

  it('keeps rankings exact with thousands of entities per side (a sample checked by brute force)', async () => {
    const context = setUp();
    const w: Workload = {
      seed: 77,
      profiles: 1500,
      jobs: 1500,
      chunks: 40,
      clustered: true,
      order: 'jobs-first',
    };
    const random = seededRandom(78);
    for (const chunk of workload(w)) await context.processor.process(chunk);
    expect(context.state.profiles.size + context.state.jobs.size).toBeGreaterThan(2000);
    for (const type of ['profile', 'job'] as const) {
      const ids = [...context.state.side(type).entities.keys()];
      for (let i = 0; i < 40; i++) {
        const id = ids[Math.floor(random() * ids.length)];
        expect({
          subject: entityKey(type, id),
          served: listing(context.rankings.get(type, id)),
        }).toEqual({ subject: entityKey(type, id), served: bruteForce(context.state, type, id) });
      }
    }
  });

  it('publishes nothing below MATCH_MIN_SCORE, and keeps rankings exact with the floor', async () => {
    const minScore = 0.75;
    const context = setUp({ minScore });
    for (const chunk of workload({
      seed: 12,
      profiles: 60,
      jobs: 60,
      chunks: 40,
      clustered: true,
      order: 'interleaved',
    })) {
      await context.processor.process(chunk);
    }
    expectAllExact(context, minScore);
    for (const event of context.published)
      for (const m of event.matches) expect(m.score).toBeGreaterThanOrEqual(minScore);
  });

  it.each(['broker', 'redis'] as const)(
    'produces every output of a chunk retried after the %s failed, and serves nothing unpublished',
    async (dependency) => {
      const context = setUp();
      const chunks = [
        ...workload({
          seed: 21,
          profiles: 60,
          jobs: 60,
          chunks: 30,
          clustered: true,
          order: 'interleaved',
        }),
      ];
      for (const [i, chunk] of chunks.entries()) {
        const fail = i % 3 === 1;
        if (fail) {
          if (dependency === 'broker') context.broker.failing = true;
          else context.redis.failing = true;
          const servedBefore = new Map(
            [...context.rankings.keys()].map((k) => {
              const [type, id] = k.split(':') as [EntityType, string];
              return [k, context.rankings.get(type, id)];
            }),
          );
          await expect(context.processor.process(chunk)).rejects.toThrow();
          // What is served did not move ahead of what was stored.
          for (const [key, ranking] of servedBefore) {
            const [type, id] = key.split(':') as [EntityType, string];
            expect(context.rankings.get(type, id)).toBe(ranking);
          }
          context.broker.failing = false;
          context.redis.failing = false;
        }
        // The consumer retries the same records: they are duplicates now, yet nothing is lost.
        await context.processor.process(chunk);
        expect(context.unsettled.isEmpty).toBe(true);
      }
      expectAllExact(context);
    },
  );

  it('answers a new job with its own ranking and the changed rankings of the profiles it enters', async () => {
    const { published, processor } = setUp();
    const random = seededRandom(11);
    const remote = SAMPLE_PROFILES[0].payload;
    await processor.process([
      upserted('profile', 'p1', 1, randomVector(random), remote),
      upserted('profile', 'p2', 1, randomVector(random), remote),
    ]);
    published.length = 0;
    await processor.process([
      upserted('job', 'j1', 1, randomVector(random), SAMPLE_JOBS[0].payload),
    ]);

    const own = published.find((e) => e.subject.type === 'job');
    expect(own).toMatchObject({ subject: { id: 'j1' }, trigger: 'subject-changed' });
    const listed = own!.matches.map((m) => m.counterpartId).sort();
    expect(listed).toEqual(['p1', 'p2']);
    const profileEvents = published.filter((e) => e.subject.type === 'profile');
    expect(profileEvents.map((e) => e.subject.id).sort()).toEqual(listed);
    for (const e of profileEvents) {
      expect(e.trigger).toBe('counterpart-changed');
      expect(e.causationEventId).toBe('evt-job-j1-1');
      expect(e.matches.map((m) => m.counterpartId)).toEqual(['j1']);
    }
  });

  it('publishes nothing for profiles whose ranking a job does not change', async () => {
    const { published, processor, rankings } = setUp();
    const random = seededRandom(3);
    const profileVector = randomVector(random);
    const remote = SAMPLE_PROFILES[0].payload;
    const job = SAMPLE_JOBS[0].payload;
    await processor.process([upserted('profile', 'p1', 1, profileVector, remote)]);
    // Fill p1's ranking and its reserve, then add a job that scores below all of them.
    await processor.process(
      Array.from({ length: TOP_K + RESERVE }, (_, i) =>
        upserted('job', `j${i}`, 1, profileVector, job),
      ),
    );
    const opposite = profileVector.map((x) => -x);
    published.length = 0;
    await processor.process([upserted('job', 'far', 1, opposite, job)]);

    expect(published.map((e) => entityKey(e.subject.type, e.subject.id))).toEqual(['job:far']);
    expect(rankings.get('profile', 'p1')!.ids).not.toContain('far');
  });

  it('refuses a vector of another model: dead-lettered, never mixed into the index', async () => {
    const { state, processor, letters } = setUp();
    const random = seededRandom(9);
    const record = upserted('profile', 'p1', 1, randomVector(random), SAMPLE_PROFILES[0].payload);
    const event = JSON.parse(record.value!.toString()) as Record<string, unknown>;
    record.value = Buffer.from(JSON.stringify({ ...event, modelId: 'another-model' }));
    await processor.process([record]);
    expect(state.profiles.size).toBe(0);
    expect(letters).toEqual([
      expect.objectContaining({
        reason: 'model-mismatch',
        detail: expect.stringContaining('another-model'),
      }),
    ]);
  });

  it('retracts a removed subject and takes it out of every ranking that listed it', async () => {
    const { published, processor, rankings } = setUp();
    const random = seededRandom(5);
    const v = randomVector(random);
    await processor.process([
      upserted('profile', 'p1', 1, v, SAMPLE_PROFILES[0].payload),
      upserted('job', 'j1', 1, v, SAMPLE_JOBS[0].payload),
    ]);
    expect(rankings.get('job', 'j1')!.ids).toEqual(['p1']);
    await processor.process([removed('profile', 'p1', 2)]);
    expect(rankings.get('profile', 'p1')).toBeUndefined();
    expect(rankings.get('job', 'j1')!.ids).toEqual([]);
    expect(published.at(-1)).toMatchObject({
      subject: { id: 'j1' },
      trigger: 'counterpart-removed',
    });
  });

  it('applies concurrent chunks one after the other, so no ranking update is lost', async () => {
    let gateOpen: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (gateOpen = resolve));
    // The first job's chunk waits in its publish until the test opens the gate.
    const { state, rankings, processor } = setUp({
      publishGate: (keys) => (keys.includes('job:j1') ? gate : Promise.resolve()),
    });
    const random = seededRandom(21);
    const vector = randomVector(random);
    const remote = SAMPLE_PROFILES[0].payload;
    const job = SAMPLE_JOBS[0].payload;
    await processor.process([upserted('profile', 'p1', 1, vector, remote)]);

    const first = processor.process([upserted('job', 'j1', 1, vector, job)]);
    const second = processor.process([upserted('job', 'j2', 1, vector, job)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.jobs.has('j1')).toBe(true);
    expect(state.jobs.has('j2')).toBe(false);
    gateOpen();
    await Promise.all([first, second]);

    const listed = [...rankings.get('profile', 'p1')!.ids].sort();
    expect(listed).toEqual(['j1', 'j2']);
  });

  it('a new instance against an emptied Redis stores every ranking again once its handover completes', async () => {
    const first = setUp();
    const records = [
      ...workload({
        seed: 31,
        profiles: 40,
        jobs: 40,
        chunks: 10,
        clustered: true,
        order: 'interleaved',
      }),
    ];
    for (const chunk of records) await first.processor.process(chunk);

    // A new instance replays the same log with an empty Redis: nothing is published during the
    // replay; the handover stores every ranking and publishes them (it cannot know they were).
    const second = setUp({ owned: [] });
    for (const chunk of records) second.applier.replay(chunk);
    second.offsets.set(0, BigInt(offset));
    expect(second.published).toEqual([]);
    await second.handover.assign([0], new Map([[0, BigInt(offset)]]));
    expect(second.ownership.phase).toBe('ready');
    expect(second.redis.data.size).toBe(second.state.profiles.size + second.state.jobs.size + 1);
    expectAllExact(second);
    for (const event of second.published) {
      const { type, id } = event.subject;
      expect(listing(event)).toEqual(
        listing(JSON.parse(first.topic.get(entityKey(type, id))!) as MatchRankingEvent),
      );
    }
  });

  it('a bulk load: the state loaded with no maintenance, every ranking computed in one blocked pass by the handover and published once, exact', async () => {
    const first = setUp();
    const records = [
      ...workload({
        seed: 37,
        profiles: 400,
        jobs: 300,
        chunks: 20,
        clustered: true,
        order: 'jobs-first',
      }),
    ];
    for (const chunk of records) await first.processor.process(chunk);

    const second = setUp({ owned: [] });
    for (const chunk of records) second.applier.load(chunk);
    expect(second.maintainer.book.size).toBe(0);
    await second.handover.assign([0], new Map([[0, BigInt(offset)]]));
    expect(second.ownership.phase).toBe('ready');
    // More than the handover computes one by one: the blocked pass ranked them.
    const subjects = second.state.profiles.size + second.state.jobs.size;
    expect(subjects).toBeGreaterThan(500);
    expect(second.maintainer.lastBulkPass?.ranked).toBe(subjects);
    expect(expectAllExact(second)).toBe(subjects);
    const published = second.published.map((e) => entityKey(e.subject.type, e.subject.id));
    expect(published.length).toBe(subjects);
    expect(new Set(published).size).toBe(subjects);
    for (const event of second.published) {
      const { type, id } = event.subject;
      expect(listing(event)).toEqual(
        listing(JSON.parse(first.topic.get(entityKey(type, id))!) as MatchRankingEvent),
      );
    }
  });

  it('repairs what an audit found: a stale stored ranking is published and stored again, an orphan retracted', async () => {
    const context = setUp();
    for (const chunk of workload({
      seed: 19,
      profiles: 30,
      jobs: 30,
      chunks: 6,
      clustered: true,
      order: 'interleaved',
    }))
      await context.processor.process(chunk);
    const [victim] = context.state.jobs.keys();
    const key = `job:${victim}`;
    // Another writer (a former owner) left an older ranking in Redis; and a subject that no
    // longer exists still has one.
    const stale = JSON.parse(context.redis.data.get(`ranking:${key}`)!) as MatchRankingEvent;
    context.redis.data.set(`ranking:${key}`, JSON.stringify({ ...stale, matches: [] }));
    context.redis.data.set(
      'ranking:job:gone',
      JSON.stringify({ ...stale, subject: { ...stale.subject, id: 'gone' } }),
    );
    await context.rankings.load((k) => k === 'job:gone');
    const published = context.published.length;

    const repaired = await context.lock.runExclusive(() =>
      context.repairs.repair(new Map([[key, context.maintainer.rank(key)]]), ['job:gone']),
    );
    expect(repaired).toBe(2);
    expect(context.published.length).toBe(published + 1);
    expect(context.redis.data.has('ranking:job:gone')).toBe(false);
    expectAllExact(context);
  });

  describe('several instances dividing the subjects', () => {
    const PARTITIONS = 4;

    /** Records placed on the partitions their keys hash to, one chunk per partition, in order. */
    function byPartition(chunk: ConsumedRecord[]): ConsumedRecord[][] {
      const split = new Map<number, ConsumedRecord[]>();
      for (const r of chunk) {
        const [type, id] = parseEntityKey(r.key!);
        const partition = partitionOfSubject(type, id, PARTITIONS);
        split.set(partition, [...(split.get(partition) ?? []), { ...r, partition }]);
      }
      return [...split.values()];
    }

    it('publish and store between them what one instance would, through kill, add and remove', async () => {
      const redis = new FakeRedis();
      const shared: SharedTopic = { latest: new Map(), published: [] };
      const join = () => setUp({ partitions: PARTITIONS, owned: [], redis, shared });
      const log: ConsumedRecord[][] = [];
      const ends = () => {
        const end = new Map<number, bigint>();
        for (const chunk of log) for (const r of chunk) end.set(r.partition, BigInt(r.offset) + 1n);
        return end;
      };
      type Instance = ReturnType<typeof setUp>;
      let cluster: Instance[] = [join(), join(), join()];
      const rebalance = async (assignments: number[][]) => {
        for (const member of cluster) member.ownership.fence();
        const end = ends();
        await Promise.all(cluster.map((m, i) => m.handover.assign(assignments[i], end)));
      };
      const feed = async (chunks: ConsumedRecord[][]) => {
        for (const chunk of chunks.flatMap(byPartition)) {
          log.push(chunk);
          for (const member of cluster) await member.processor.process(chunk);
        }
      };
      const records = [
        ...workload({
          seed: 41,
          profiles: 60,
          jobs: 60,
          chunks: 60,
          clustered: true,
          order: 'interleaved',
        }),
      ];
      const third = Math.floor(records.length / 3);

      await rebalance([[0, 1], [2], [3]]);
      await feed(records.slice(0, third));
      // One is killed; a new one joins and catches up from the start of the log while the
      // others go on; then two are removed.
      cluster = [cluster[0], cluster[1]];
      await rebalance([[0, 1, 2], [3]]);
      const newcomer = join();
      cluster.push(newcomer);
      await rebalance([[0, 1], [2], [3]]);
      expect(newcomer.ownership.phase).toBe('catching-up');
      for (const chunk of log) await newcomer.processor.process(chunk);
      expect(newcomer.ownership.phase).toBe('ready');
      await feed(records.slice(third, 2 * third));
      cluster = [newcomer];
      await rebalance([[0, 1, 2, 3]]);
      await feed(records.slice(2 * third));

      // Every subject: what Redis holds and the latest record on the topic equal a ranking from
      // scratch (any member's state is the whole state).
      const state = newcomer.state;
      let checked = 0;
      for (const type of ['profile', 'job'] as const) {
        for (const id of state.side(type).entities.keys()) {
          const expected = bruteForce(state, type, id);
          const stored = redis.data.get(`ranking:${type}:${id}`);
          const onTopic = shared.latest.get(entityKey(type, id));
          expect({
            subject: entityKey(type, id),
            stored: listing(stored ? (JSON.parse(stored) as MatchRankingEvent) : null),
          }).toEqual({ subject: entityKey(type, id), stored: expected });
          expect(listing(onTopic ? (JSON.parse(onTopic) as MatchRankingEvent) : null)).toEqual(
            expected,
          );
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(80);
      // Per subject, versions never go backwards on the topic.
      const seen = new Map<string, number>();
      for (const event of shared.published) {
        const key = entityKey(event.subject.type, event.subject.id);
        expect(event.subject.version).toBeGreaterThanOrEqual(seen.get(key) ?? 0);
        seen.set(key, event.subject.version);
      }
    });

    it('a chunk retried after a failure publishes nothing while a handover is in progress', async () => {
      const context = setUp();
      const chunks = [
        ...workload({
          seed: 23,
          profiles: 30,
          jobs: 30,
          chunks: 4,
          clustered: true,
          order: 'interleaved',
        }),
      ];
      for (const chunk of chunks.slice(0, -1)) await context.processor.process(chunk);
      context.redis.failing = true;
      await expect(context.processor.process(chunks.at(-1)!)).rejects.toThrow();
      // A rebalance, then the retry: the state may be behind the previous owner's until caught up.
      context.ownership.fence();
      const target = BigInt(offset) + 100n;
      await context.handover.assign([0], new Map([[0, target]]));
      context.redis.failing = false;
      const published = context.published.length;
      await context.processor.process(chunks.at(-1)!);
      expect(context.published.length).toBe(published);
      context.offsets.set(0, target);
      await context.handover.tryComplete();
      expect(context.ownership.phase).toBe('ready');
      expectAllExact(context);
    });

    it('publishes nothing while fenced or catching up, and only its own subjects once ready', async () => {
      const shared: SharedTopic = { latest: new Map(), published: [] };
      const member = setUp({ partitions: PARTITIONS, owned: [], shared });
      const chunks = [
        ...workload({
          seed: 7,
          profiles: 30,
          jobs: 30,
          chunks: 10,
          clustered: false,
          order: 'interleaved',
        }),
      ].flatMap(byPartition);
      for (const chunk of chunks) await member.processor.process(chunk);
      expect(shared.published).toEqual([]);
      const end = new Map<number, bigint>();
      for (const chunk of chunks)
        for (const r of chunk) end.set(r.partition, BigInt(r.offset) + 1n);
      end.set(0, end.get(0)! + 5n); // not there yet
      await member.handover.assign([1, 3], end);
      expect(member.ownership.phase).toBe('catching-up');
      expect(shared.published).toEqual([]);
      // (As if five more records of partition 0 had been applied.)
      member.offsets.set(0, end.get(0)!);
      expect(await member.handover.tryComplete()).toBeGreaterThan(0);
      expect(member.ownership.phase).toBe('ready');
      const partitionsPublished = new Set(
        shared.published.map((e) => partitionOfSubject(e.subject.type, e.subject.id, PARTITIONS)),
      );
      expect([...partitionsPublished].sort()).toEqual([1, 3]);
    });
  });
});
