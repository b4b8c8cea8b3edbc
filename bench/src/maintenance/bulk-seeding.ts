/**
 * The bulk load's core, measured: every subject's exact ranking from one blocked pass over job ×
 * profile pairs (`RankingMaintainer.rankAll`), against the memory bandwidth of the same run and,
 * at a size where both finish, against seeding by one exact pass per subject.
 */
import { entityKey } from '@matchstream/contracts';
import type { EntityState, RankingMaintainer } from '@matchstream/ranking';
import type { HnswVectorIndex } from '@matchstream/vector-index';

export interface BulkSeeding {
  perSide: number;
  /** Job × profile pairs: N × N. */
  pairs: number;
  /** Pairs the kernel computed (pairs of categories that cannot meet are skipped). */
  computed: number;
  /** Pairs scored exactly (their bound could reach a ranking). */
  rescored: number;
  rankings: number;
  seconds: number;
  /** Seconds ÷ N × N. */
  nsPerPair: number;
  /** The blocked kernel alone (four jobs a step, a block of 64 against a stream), per pair. */
  kernelNsPerPair: number;
  /**
   * The pass at 1M per side at this run's ns per pair (pairs grow as N², the rescored share of
   * them falls: an upper estimate).
   */
  extrapolatedSeconds1M: number;
}

/** Seeds every ranking in one blocked pass and measures it. */
export function seedInBulk(state: EntityState, maintainer: RankingMaintainer): BulkSeeding {
  const started = performance.now();
  maintainer.rankAll();
  const seconds = (performance.now() - started) / 1000;
  const stats = maintainer.lastBulkPass!;
  const perSide = state.jobs.size;
  const pairs = state.jobs.size * state.profiles.size;
  const nsPerPair = (seconds * 1e9) / pairs;
  return {
    perSide,
    pairs,
    computed: stats.pairs,
    rescored: stats.rescored,
    rankings: stats.ranked,
    seconds,
    nsPerPair,
    kernelNsPerPair: blockedKernelNsPerPair(state),
    extrapolatedSeconds1M: (nsPerPair * 1e12) / 1e9,
  };
}

/**
 * The blocked kernel alone over every profile, for a sample of job blocks: what the pass costs
 * before any bound is looked at.
 */
function blockedKernelNsPerPair(state: EntityState): number {
  const jobs = state.jobIndex;
  const profiles: HnswVectorIndex = state.profileIndex;
  const slots = Int32Array.from(profiles.ids(), (id) => profiles.slotOf(id)!);
  const scan = profiles.blockScan(64, slots.length, 256);
  scan.stream(slots, slots.length);
  const queries = jobs
    .ids()
    .slice(0, 256)
    .map((id) => jobs.vectorView(id)!);
  let sink = 0;
  const run = () => {
    for (let first = 0; first < queries.length; first += 64) {
      scan.load(queries.slice(first, first + 64));
      for (let from = 0; from < slots.length; from += 256) {
        const count = Math.min(256, slots.length - from);
        for (let group = 0; group < 16; group++) sink += scan.dots(group, from, count)[0];
      }
    }
  };
  run();
  const started = performance.now();
  run();
  const ns = ((performance.now() - started) * 1e6) / (queries.length * slots.length);
  if (sink === 0.5) console.error('');
  return ns;
}

export interface SeedingComparison {
  perSide: number;
  /** One exact pass per subject (`rank`, as `fillMissing` seeds). */
  singleSeconds: number;
  bulkSeconds: number;
  /** singleSeconds ÷ bulkSeconds. */
  speedUp: number;
  /** Whether both books hold the same rankings bit for bit (they must). */
  identical: boolean;
}

/** Both ways of seeding the same state, side by side, and whether they agree. */
export function compareSeeding(
  state: EntityState,
  maintainer: RankingMaintainer,
): SeedingComparison {
  const { book } = maintainer;
  const keys = (['profile', 'job'] as const).flatMap((type) =>
    [...state.side(type).entities.keys()].map((id) => entityKey(type, id)),
  );
  let started = performance.now();
  const single = keys.map((key) => maintainer.rank(key)!);
  const singleSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  maintainer.rankAll();
  const bulkSeconds = (performance.now() - started) / 1000;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const identical = keys.every((key, i) => same(book.get(key), single[i]));
  return {
    perSide: state.jobs.size,
    singleSeconds,
    bulkSeconds,
    speedUp: singleSeconds / bulkSeconds,
    identical,
  };
}
