/**
 * Memory per entity of the matching service's core, and its start-up time: N profiles and N jobs
 * (100k per side by default) applied as the service applies entity-vector events (the event JSON
 * decoded and validated with the contracts, the vector decoded, `EntityState.upsert*`), every
 * subject's ranking held in the service's `RankingBook` (K + reserve entries, seeded as described
 * below), then the service's own snapshot written and, in a fresh process, loaded again.
 *
 * Memory is read with `process.memoryUsage()` after full GCs (`--expose-gc`) at each step, as
 * growth over the process's baseline divided by the entities (2N): RSS (everything, hnswlib's
 * native memory included), the V8 heap, and external memory (typed arrays: the vector copies).
 *
 * Documents look like real ones: generated profiles and jobs (bench/src/load/load-generator.ts), with
 * the profile prose lengthened to `profileTextChars` (default 2,500 characters, about the seed
 * profiles' prose in ../shared/seeds) from the role family's own sentences.
 *
 * Rankings: exact rankings of every subject are quadratic to compute (hours at 100k here), so each
 * ranking is seeded from counterparts drawn at random until 2 × (K + reserve) of them pass the hard
 * constraints, scored by the service's PairScorer (no floor), the best K + reserve kept (the
 * maintenance bench seeds from HNSW pools the same way);
 * memory depends on how many entries a ranking holds, not on which. Scoring also fills whatever
 * per-entity caches the scorer keeps, as live traffic does.
 *
 * Start-up: a restart with a snapshot loads it (timed in a fresh process: the indexes, the state
 * file, the rankings restored into a book); a restart without one replays the compacted topic,
 * which costs decoding and indexing every entity (the build below, timed at the service's
 * efConstruction unless `efConstruction` says otherwise) plus one exact ranking pass per entity
 * (estimated: 2N passes at the mean cost of a pass over the final population, measured on a
 * sample, halved, since the population grows during a replay).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeVector, encodeVector, entityKey, entityVectorEvent } from '@matchstream/contracts';
import type { EntityType, JobPayloadInput, ProfilePayloadInput } from '@matchstream/contracts';
import { DEFAULT_WEIGHTS } from '@matchstream/scoring';
import { rankingFromScan } from '@matchstream/ranking';
import type { RankEntry } from '@matchstream/ranking';
import { EntityState, PairScorer, RankingBook, RankingMaintainer } from '@matchstream/ranking';
// The service's own snapshot code: what a restart runs is what is timed.
// eslint-disable-next-line no-restricted-imports -- the snapshot format, see above
import {
  loadEntityStateSnapshot,
  saveEntityStateSnapshot,
} from '../../../apps/matching-service/src/snapshots/entity-state.snapshot';
import { Rng } from '../harness/rng';
import { LoadGenerator } from '../load/load-generator';
import { ROLE_FAMILIES } from '../load/vocabulary';
import { vectorSource } from '../maintenance/maintenance-bench';
import { dot } from '../load/synthetic-vectors';
import { settleMemory } from '../search/search-bench';
import { leastSquaresSlope } from '../harness/stats';

export interface MemoryOptions {
  perSide: number;
  seed: number;
  topK: number;
  reserve: number;
  m: number;
  efConstruction: number;
  efSearch: number;
  /** Profile prose (headline, summary, wishes, history) is lengthened to about this. */
  profileTextChars: number;
  /** Also hold every subject's stored-ranking summary (what RankingStore keeps in memory). */
  served: boolean;
  /** Ranking passes timed for the replay estimate. */
  passSample: number;
  /**
   * The leak check: churn events (updates with new content, removals, re-adds) over a small
   * population with exact rankings, maintained as the service does (0: none). See runChurnCheck.
   */
  churnEvents: number;
  bases?: readonly Float32Array[];
  dimension?: number;
  log?: (message: string) => void;
}

/** Growth over the baseline, per entity (2N), in bytes. */
export interface PerEntity {
  rss: number;
  heap: number;
  external: number;
}

export interface MemoryRun {
  perSide: number;
  entities: number;
  m: number;
  efConstruction: number;
  /** Mean bytes of a profile's and a job's event document (JSON). */
  documentBytes: { profile: number; job: number };
  /** After the state alone (entities, indexes, versions). */
  state: PerEntity;
  /** After the rankings too: the service's core, all in. */
  withRankings: PerEntity;
  /** Every subject's stored-ranking summary on top (RankingStore's memory), when measured. */
  withServed: PerEntity | null;
  /** The leak check (runChurnCheck), when run. */
  churn: ChurnCheck | null;
  /** The same process's RSS in MiB at the end of the build and with rankings. */
  rssMiB: { baseline: number; state: number; withRankings: number };
  meanRankingEntries: number;
  /** Decode and apply every entity event: the state half of a replay from the log. */
  buildSeconds: number;
  /** Mean ms of one exact ranking pass over the final population. */
  passMs: number;
  /** Estimated replay of the rankings: 2N passes over a population growing from 0 to N. */
  replayRankingSecondsEstimate: number;
  snapshot: {
    bytesOnDisk: number;
    writeSeconds: number;
    /** Fresh process: snapshot loaded, rankings restored into a book. */
    loadSeconds: number;
    /** RSS growth per entity in that process after loading (GC'd), against its own baseline. */
    loaded: PerEntity;
  } | null;
}

const MiB = 2 ** 20;

export async function measure(): Promise<NodeJS.MemoryUsage> {
  await settleMemory();
  return process.memoryUsage();
}

export function perEntity(
  before: NodeJS.MemoryUsage,
  after: NodeJS.MemoryUsage,
  entities: number,
): PerEntity {
  return {
    rss: (after.rss - before.rss) / entities,
    heap: (after.heapUsed - before.heapUsed) / entities,
    external: (after.external - before.external) / entities,
  };
}

/**
 * Builds the population and measures it (run in a process started with --expose-gc); writes the
 * service's snapshot into `snapshotDir` when given, for `measureSnapshotLoad` in another process.
 */
export async function runMemoryBuild(
  options: MemoryOptions,
  snapshotDir?: string,
): Promise<
  Omit<MemoryRun, 'snapshot' | 'churn'> & { snapshotWrite?: { seconds: number; bytes: number } }
> {
  const log = options.log ?? (() => undefined);
  const { perSide } = options;
  const entities = perSide * 2;
  const dimension = options.bases?.[0]?.length ?? options.dimension ?? 384;
  const vectors = vectorSource(options, perSide * 2, dimension);
  const generator = new LoadGenerator({ seed: options.seed, idPrefix: 'mem' });
  const baseline = await measure();

  const state = new EntityState({
    dimension,
    // As the service starts: HNSW_INITIAL_CAPACITY's default, grown by doubling.
    initialCapacity: 10000,
    m: options.m,
    efConstruction: options.efConstruction,
    efSearch: options.efSearch,
  });
  let documentBytes = { profile: 0, job: 0 };
  const buildStart = performance.now();
  let next = 0;
  for (let i = 0; i < perSide; i++) {
    const profile = lengthened(generator.profile(i).payload, options.profileTextChars, i);
    const job = generator.job(i).payload;
    documentBytes = {
      profile: documentBytes.profile + JSON.stringify(profile).length,
      job: documentBytes.job + JSON.stringify(job).length,
    };
    apply(state, eventJson('profile', generator.profileId(i), profile, vectors(next++)));
    apply(state, eventJson('job', generator.jobId(i), job, vectors(next++)));
    if ((i + 1) % Math.max(10000, perSide / 10) === 0) log(`  ${i + 1} per side applied`);
  }
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const afterState = await measure();
  log(
    `  state built in ${buildSeconds.toFixed(0)} s: RSS ${(afterState.rss / MiB).toFixed(0)} MiB`,
  );

  const book = new RankingBook(options.topK, options.topK + options.reserve);
  const scorer = new PairScorer({ weights: DEFAULT_WEIGHTS, minScore: 0 });
  const maintainer = new RankingMaintainer(state, scorer, book);
  const rng = Rng.seeded(options.seed, 'memory-rankings', perSide);
  let entries = 0;
  for (const type of ['profile', 'job'] as const) {
    const own = state.side(type);
    const other = state.side(type === 'job' ? 'profile' : 'job');
    const ids = [...other.entities.keys()];
    for (const [id, entity] of own.entities) {
      const vector = own.index.vectorView(id)!;
      const found: RankEntry[] = [];
      // Most random pairs fail a hard constraint: draw until 2 × (K + reserve) qualify.
      for (let c = 0; c < 40 * book.depth && found.length < 2 * book.depth; c++) {
        const counterpartId = ids[rng.int(0, ids.length - 1)];
        const counterpart = other.entities.get(counterpartId)!;
        // With no floor, a null score at similarity 0 means a hard constraint fails.
        if (scorer.score(type, entity, counterpart, 0) === null) continue;
        if (found.some((e) => e.id === counterpartId)) continue;
        const counterpartVector = other.index.vectorView(counterpartId)!;
        const score = scorer.score(type, entity, counterpart, dot(vector, counterpartVector));
        if (typeof score === 'number') found.push({ id: counterpartId, score });
      }
      const seeded = rankingFromScan(found, book.depth);
      entries += seeded.entries.length;
      maintainer.replace(entityKey(type, id), { entries: seeded.entries, exhaustive: false });
    }
  }
  const afterRankings = await measure();
  log(`  rankings seeded: RSS ${(afterRankings.rss / MiB).toFixed(0)} MiB`);

  const passKeys = Array.from({ length: options.passSample }, (_, i) =>
    i % 2
      ? `job:${generator.jobId(rng.int(0, perSide - 1))}`
      : `profile:${generator.profileId(rng.int(0, perSide - 1))}`,
  );
  const passStart = performance.now();
  for (const key of passKeys) maintainer.rank(key);
  const passMs = options.passSample ? (performance.now() - passStart) / options.passSample : 0;

  let withServed: PerEntity | null = null;
  if (options.served) {
    // What RankingStore keeps in memory per owned subject: a summary of what it stored (the
    // explained ranking itself lives in Redis).
    const served = new Map<string, { version: number; ids: string[]; scores: number[] }>();
    for (const key of book.keys()) {
      const top = book.get(key)!.entries.slice(0, book.k);
      served.set(key, { version: 1, ids: top.map((e) => e.id), scores: top.map((e) => e.score) });
    }
    withServed = perEntity(baseline, await measure(), entities);
    log(`  served copies built: ${served.size}`);
    served.clear();
  }

  let snapshotWrite: { seconds: number; bytes: number } | undefined;
  if (snapshotDir) {
    const started = performance.now();
    await saveEntityStateSnapshot(
      snapshotDir,
      state,
      {},
      { settings: 'memory-bench', rankings: book.serialise() },
    );
    snapshotWrite = {
      seconds: (performance.now() - started) / 1000,
      bytes: directoryBytes(snapshotDir),
    };
  }

  return {
    perSide,
    entities,
    m: options.m,
    efConstruction: options.efConstruction,
    documentBytes: {
      profile: documentBytes.profile / perSide,
      job: documentBytes.job / perSide,
    },
    state: perEntity(baseline, afterState, entities),
    withRankings: perEntity(baseline, afterRankings, entities),
    withServed,
    rssMiB: {
      baseline: baseline.rss / MiB,
      state: afterState.rss / MiB,
      withRankings: afterRankings.rss / MiB,
    },
    meanRankingEntries: entries / entities,
    buildSeconds,
    passMs,
    replayRankingSecondsEstimate: (entities * passMs) / 2 / 1000,
    snapshotWrite,
  };
}

export interface ChurnCheck {
  perSide: number;
  events: number;
  /** V8 heap after full GCs, per round of events, in MiB (the first after warm-up). */
  heapMiB: number[];
  /** Least-squares slope of the heap over the rounds, per 10,000 events, in MiB. */
  heapMiBPer10k: number;
  /** The same for RSS. */
  rssMiBPer10k: number;
  /** Population after each round (removals and re-adds move it a little). */
  entities: number[];
}

/**
 * Tells a leak from growth: a fixed population (`perSide` per side, exact rankings) then rounds of
 * churn events (updates with new content, removals, and re-adds of the removed, at most 1% of the
 * population away at a time; each maintained as the service does), the heap read after full GCs after each round. The state's size does not change,
 * so neither may memory: the slope over the rounds is what each event leaves behind. Nothing of
 * the bench's own is kept per event.
 */
export async function runChurnCheck(options: {
  perSide: number;
  /** Events before the first measurement. */
  warmUp: number;
  events: number;
  rounds: number;
  seed: number;
  topK: number;
  reserve: number;
  profileTextChars: number;
  dimension?: number;
}): Promise<ChurnCheck> {
  const { perSide } = options;
  const dimension = options.dimension ?? 384;
  const vectors = vectorSource(options, 0, dimension);
  const generators = [42, 43, 44].map((seed) => new LoadGenerator({ seed, idPrefix: 'churn' }));
  const state = new EntityState({
    dimension,
    initialCapacity: perSide,
    m: 16,
    efConstruction: 40,
    efSearch: 100,
  });
  const document = (type: EntityType, index: number, variant: number) =>
    type === 'profile'
      ? lengthened(generators[variant].profile(index).payload, options.profileTextChars, index)
      : generators[variant].job(index).payload;
  const id = (type: EntityType, index: number) =>
    type === 'profile' ? generators[0].profileId(index) : generators[0].jobId(index);
  for (let i = 0; i < perSide; i++) {
    for (const type of ['profile', 'job'] as const)
      apply(state, eventJson(type, id(type, i), document(type, i, 0), vectors(0)));
  }
  const book = new RankingBook(options.topK, options.topK + options.reserve);
  const maintainer = new RankingMaintainer(
    state,
    new PairScorer({ weights: DEFAULT_WEIGHTS, minScore: 0 }),
    book,
  );
  maintainer.fillMissing();
  const rng = Rng.seeded(options.seed, 'churn', perSide);
  // Removed ids wait here for their re-add: at most 1% of the population is ever away.
  const away: [EntityType, number][] = [];
  const churn = (events: number) => {
    for (let e = 0; e < events; e++) {
      const roll = rng.next();
      let type: EntityType = rng.next() < 0.5 ? 'profile' : 'job';
      let index = rng.int(0, perSide - 1);
      let remove = false;
      if (roll < 0.2 && away.length > 0)
        [type, index] = away.splice(rng.int(0, away.length - 1), 1)[0];
      else if (
        roll < 0.4 &&
        away.length < perSide / 50 &&
        state.side(type).entities.has(id(type, index))
      ) {
        remove = true;
        away.push([type, index]);
      } else if (!state.side(type).entities.has(id(type, index))) continue;
      const entityId = id(type, index);
      const version = (state.versionOf(type, entityId) ?? 0) + 1;
      if (remove) state.remove(type, entityId, version);
      else
        apply(
          state,
          eventJson(type, entityId, document(type, index, rng.int(0, 2)), vectors(0), version),
        );
      maintainer.apply([entityKey(type, entityId)]);
    }
  };
  const perRound = Math.ceil(options.events / options.rounds);
  // Unmeasured first: the first events compile code and fill the caches of skills, shared values
  // and word codes with the churn's new content (measured: about 1 MiB over 9,000 events here).
  churn(options.warmUp);
  const heap: number[] = [];
  const rss: number[] = [];
  const entities: number[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    if (round > 0) churn(perRound);
    const usage = await measure();
    heap.push(usage.heapUsed / MiB);
    rss.push(usage.rss / MiB);
    entities.push(state.profiles.size + state.jobs.size);
  }
  const per10k = (values: number[]) =>
    leastSquaresSlope(values.map((v, round) => [round * perRound, v])) * 10000;
  return {
    perSide,
    events: perRound * options.rounds,
    heapMiB: heap,
    heapMiBPer10k: per10k(heap),
    rssMiBPer10k: per10k(rss),
    entities,
  };
}

/** Loads the snapshot as a restarting service does (run in a fresh process with --expose-gc). */
export async function measureSnapshotLoad(
  snapshotDir: string,
  options: Pick<
    MemoryOptions,
    'perSide' | 'm' | 'efConstruction' | 'efSearch' | 'topK' | 'reserve'
  > & {
    dimension: number;
  },
): Promise<{ loadSeconds: number; loaded: PerEntity }> {
  const baseline = await measure();
  const started = performance.now();
  const loaded = await loadEntityStateSnapshot(snapshotDir, {
    dimension: options.dimension,
    initialCapacity: 10000,
    m: options.m,
    efConstruction: options.efConstruction,
    efSearch: options.efSearch,
  });
  if (!loaded) throw new Error(`no snapshot in ${snapshotDir}`);
  const book = new RankingBook(options.topK, options.topK + options.reserve);
  if (loaded.rankings) book.restore(loaded.rankings.rankings);
  const loadSeconds = (performance.now() - started) / 1000;
  // Kept reachable until measured.
  const held = { state: loaded.state, book };
  const after = await measure();
  const entities = held.state.profiles.size + held.state.jobs.size;
  if (held.book.size !== entities) throw new Error('the snapshot lacks rankings');
  return { loadSeconds, loaded: perEntity(baseline, after, entities) };
}

function apply(state: EntityState, json: string): void {
  const event = entityVectorEvent.parse(JSON.parse(json));
  if (event.type === 'entity.removed') return;
  const vector = decodeVector(event.vector, event.dimension);
  const base = { id: event.entityId, version: event.entityVersion, modelId: event.modelId };
  if (event.entityType === 'profile')
    state.upsertProfile({ ...base, document: event.document }, vector);
  else state.upsertJob({ ...base, document: event.document }, vector);
}

/** The entity-vector event the embedding service would publish, as JSON. */
function eventJson(
  type: EntityType,
  id: string,
  document: ProfilePayloadInput | JobPayloadInput,
  vector: Float32Array,
  version = 1,
): string {
  const at = '2026-01-01T00:00:00.000Z';
  return JSON.stringify({
    schemaVersion: 1,
    sourceEventId: `${id}-e${version}`,
    entityId: id,
    entityVersion: version,
    occurredAt: at,
    producedAt: at,
    modelId: 'intfloat/e5-small-v2',
    textBuilderVersion: 1,
    contentHash: '0'.repeat(64),
    vector: encodeVector(vector),
    dimension: vector.length,
    type: 'entity.embedded',
    entityType: type,
    document,
  });
}

/**
 * The profile with its prose lengthened to about `chars` characters from its family's sentences
 * (the generated prose is short; real profiles carry a few kilobytes of it).
 */
export function lengthened(
  profile: ProfilePayloadInput,
  chars: number,
  index: number,
): ProfilePayloadInput {
  const prose = (p: ProfilePayloadInput) =>
    [
      p.headline,
      p.summary ?? '',
      p.lookingFor ?? '',
      ...(p.experience ?? []).map((e) => `${e.title} ${e.description ?? ''}`),
    ].join(' ').length;
  const family =
    ROLE_FAMILIES.find((f) => f.skills.some((s) => profile.skills?.includes(s))) ??
    ROLE_FAMILIES[0];
  const rng = Rng.seeded('lengthen', index);
  const out: ProfilePayloadInput = {
    ...profile,
    experience: (profile.experience ?? []).map((e) => ({ ...e })),
  };
  let turn = 0;
  while (prose(out) < chars && turn < 200) {
    const sentence = `${rng.pick(family.work)} ${rng.pick(family.products)} for ${rng.int(2, 90)} teams.`;
    const experience = out.experience ?? [];
    if (turn % 3 === 0 || experience.length === 0) out.summary = `${out.summary ?? ''} ${sentence}`;
    else {
      const entry = experience[turn % experience.length];
      entry.description = `${entry.description ?? ''} ${sentence}`.slice(0, 2000);
    }
    turn++;
  }
  return out;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}
