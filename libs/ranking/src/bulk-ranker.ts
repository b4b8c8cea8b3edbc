import { entityKey } from '@matchstream/contracts';
import type { EntityType, JobPayload, ProfilePayload } from '@matchstream/contracts';
import type { MaintainedRanking, RankEntry } from './maintained-ranking';
import type { BoundedRow, BoundedScan, HnswVectorIndex } from '@matchstream/vector-index';
import type { EntityState, StoredEntity } from './entity-state';
import { BOUND_ROUNDING, PairBounds } from './pair-bounds';
import type { PairScorer } from './pair-scorer';
import type { RankingBook } from './ranking-book';
import type { SubjectScope } from './ranking-maintainer';

type Job = StoredEntity<JobPayload>;
type Profile = StoredEntity<ProfilePayload>;

/** Jobs kept in the kernel's block at once (their vectors stay in cache). */
const BLOCK = 64;
/** Profiles read per kernel call: with the block, what the core's second-level cache holds. */
const CHUNK = 256;

/** What a blocked pass did, for benchmarks and logs. */
export interface BulkPassStats {
  /** Pairs the kernel computed (pairs of categories that cannot meet are never computed). */
  pairs: number;
  /** Pairs whose bound could reach a ranking they were offered to: given their exact product. */
  rescored: number;
  /** Rankings set. */
  ranked: number;
}

/**
 * Exact rankings of many subjects at once: what a bulk load needs instead of one exact pass per
 * subject. The hybrid score of a pair is the same from either side (pairScore orders the pair as
 * job, profile; `dotProduct` is symmetric bit for bit), so one pass over job × profile pairs
 * ranks both sides.
 *
 * Blocks of jobs are held in the kernel's memory against a stream of the profiles that can share
 * a category with them (`HnswVectorIndex.boundedScan`: four jobs per step, each profile's vector
 * read once per block, each pair's bound computed there; where the kernel cannot run,
 * `blockScan`'s exact similarities and the same bound in JavaScript). A pair is dismissed when its
 * bound is below the floor, or below both of its subjects' running admission scores (the depth-th
 * best found so far, once more than depth qualify): the bound is PairBounds' at the kernel's
 * similarity widened by its proven margin, so a dismissed pair surely scores below them, and so
 * below the rankings' final admissions. Every other pair is scored as a single pass scores it (the
 * exact similarity, `PairScorer.score`) and offered to both rankings. The result is what
 * `RankingMaintainer.rank` gives each subject, bit for bit: the top `depth` of every qualifying
 * counterpart, ties by id, `exhaustive` when no more qualify.
 */
export class BulkRanker {
  private stats: BulkPassStats = { pairs: 0, rescored: 0, ranked: 0 };

  constructor(
    private readonly state: EntityState,
    private readonly scorer: PairScorer,
    private readonly book: RankingBook,
  ) {}

  /** What the last `rankAll` did. */
  get lastPass(): BulkPassStats {
    return { ...this.stats };
  }

  /**
   * Ranks every subject `wanted` names (all by default) afresh from the current state and sets
   * each ranking in the book, in one blocked pass. Returns their keys.
   */
  rankAll(wanted: SubjectScope = () => true): string[] {
    const steps = this.rankAllInSteps(wanted);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `rankAll` in steps, for a caller that lets other work run in between (a service's event
   * loop: the pass over a large catalogue takes minutes): it yields after each block of jobs,
   * with how far it is, and returns the keys once every ranking is set. The state must not change
   * until it returns (the pass holds views into the indexes' memory and its running rankings).
   */
  *rankAllInSteps(wanted: SubjectScope = () => true): Generator<BulkProgress, string[], void> {
    const jobs = [...this.state.jobs.values()];
    const profiles = [...this.state.profiles.values()];
    const { depth } = this.book;
    const jobTop = new TopLists(jobs.length, depth, profiles);
    const profileTop = new TopLists(profiles.length, depth, jobs);
    jobs.forEach((j, a) => jobTop.want(a, wanted('job', j.id)));
    profiles.forEach((p, b) => profileTop.want(b, wanted('profile', p.id)));
    this.stats = { pairs: 0, rescored: 0, ranked: 0 };
    if (jobs.length > 0 && profiles.length > 0 && (jobTop.wanted > 0 || profileTop.wanted > 0)) {
      yield* new Pass(
        this.state,
        this.scorer,
        jobs,
        profiles,
        jobTop,
        profileTop,
        this.stats,
      ).run();
    }
    const keys: string[] = [];
    const publish = (type: EntityType, entities: readonly { id: string }[], top: TopLists) =>
      entities.forEach((entity, s) => {
        const ranking = top.ranking(s);
        if (!ranking) return;
        const key = entityKey(type, entity.id);
        this.book.set(key, ranking);
        keys.push(key);
      });
    publish('job', jobs, jobTop);
    publish('profile', profiles, profileTop);
    this.stats.ranked = keys.length;
    return keys;
  }
}

/** How far a stepwise pass is: blocks of jobs done, of how many, and its counts so far. */
export interface BulkProgress extends BulkPassStats {
  blocks: number;
  of: number;
}

/** A row no pair passes: its terms are -Infinity. */
const NO_ROW: BoundedRow = {
  bitsA: [0, 0, 0, 0],
  extraA: 0,
  capA: 0,
  unitA: 0,
  bitsB: [0, 0, 0, 0],
  extraB: 0,
  capB: 0,
  unitB: 0,
  same: -Infinity,
  other: -Infinity,
  threshold: Infinity,
  mask: 0,
  code: 0,
  key: -1,
};

/** One blocked pass over job × profile pairs (see BulkRanker). */
class Pass {
  private readonly bounds: PairBounds;
  private readonly profileSlots: Int32Array;
  private readonly jobSlots: Int32Array;
  private readonly jobIndex: HnswVectorIndex;
  private readonly profileIndex: HnswVectorIndex;
  private bounded: BoundedScan | null = null;

  constructor(
    state: EntityState,
    private readonly scorer: PairScorer,
    private readonly jobs: readonly Job[],
    private readonly profiles: readonly Profile[],
    private readonly jobTop: TopLists,
    private readonly profileTop: TopLists,
    private readonly stats: BulkPassStats,
  ) {
    this.bounds = new PairBounds(scorer, jobs, profiles);
    this.jobIndex = state.jobIndex;
    this.profileIndex = state.profileIndex;
    this.jobSlots = Int32Array.from(jobs, (j) => state.jobIndex.slotOf(j.id)!);
    this.profileSlots = Int32Array.from(profiles, (p) => state.profileIndex.slotOf(p.id)!);
  }

  *run(): Generator<BulkProgress, void, void> {
    // Taken before any view of the profiles' vectors: it may grow their memory.
    const bounded = this.profileIndex.boundedScan(BLOCK, this.profiles.length, CHUNK);
    this.bounded = bounded;
    if (bounded) {
      this.bounds.writeColumns(bounded, this.profileSlots);
      this.profileTop.keepThresholdsIn(bounded.thresholds);
      yield* this.inBlocks((block, vectors, stream, length) =>
        this.boundedBlock(bounded, block, vectors, stream, length),
      );
      return;
    }
    const scan = this.profileIndex.blockScan(BLOCK, this.profiles.length, CHUNK);
    const slots = new Int32Array(this.profiles.length);
    yield* this.inBlocks((block, vectors, stream, length) => {
      for (let k = 0; k < length; k++) slots[k] = this.profileSlots[stream[k]];
      scan.stream(slots, length);
      scan.load(vectors);
      for (let from = 0; from < length; from += CHUNK) {
        const count = Math.min(CHUNK, length - from);
        for (let group = 0; 4 * group < block.length; group++) {
          const tile = scan.dots(group, from, count);
          for (let i = 0; i < 4 && 4 * group + i < block.length; i++) {
            const q = 4 * group + i;
            this.filter(block[q], vectors[q], scan.margin(q), tile, i, stream, from, count);
          }
        }
      }
    });
  }

  /**
   * Every block of jobs with the profiles it can meet (see jobOrder and Streams): `stream` holds
   * the profiles' numbers, the first `length` of them; `vectors` the block's vectors. Yields
   * after each block.
   */
  private *inBlocks(
    each: (block: Int32Array, vectors: Float32Array[], stream: Int32Array, length: number) => void,
  ): Generator<BulkProgress, void, void> {
    const order = this.jobOrder();
    const streams = new Streams(this.profiles, this.profileTop);
    const stream = new Int32Array(this.profiles.length);
    const of = Math.ceil(order.length / BLOCK);
    for (let first = 0; first < order.length; first += BLOCK) {
      const block = order.subarray(first, Math.min(first + BLOCK, order.length));
      let anyWanted = false;
      for (const a of block) anyWanted ||= this.jobTop.threshold[a] !== Infinity;
      const length = streams.fill(
        stream,
        [...new Set(Array.from(block, (a) => this.jobs[a].document.categories))],
        !anyWanted,
      );
      if (length > 0) {
        const vectors = Array.from(block, (a) => this.jobIndex.vectorView(this.jobs[a].id)!);
        each(block, vectors, stream, length);
        this.stats.pairs += block.length * length;
      }
      yield { ...this.stats, blocks: first / BLOCK + 1, of };
    }
  }

  /** One block on the kernel's bound (PairBounds' rows and columns): only its survivors come back. */
  private boundedBlock(
    scan: BoundedScan,
    block: Int32Array,
    vectors: Float32Array[],
    stream: Int32Array,
    length: number,
  ): void {
    const { bounds } = this;
    const threshold = this.jobTop.threshold;
    scan.stream(stream, length);
    scan.load(vectors);
    const rows = Math.ceil(block.length / 4) * 4;
    for (let q = 0; q < rows; q++) {
      // Rows past the block's end are zero vectors; an impossible bound keeps them out.
      scan.setRow(q, q < block.length ? bounds.row(block[q]) : NO_ROW);
    }
    const weight = this.scorer.weights.similarity;
    const floor = this.scorer.minScore;
    const quick = this.scorer.upperBound(0);
    const jobs = Array.from(block, (a) => bounds.job(a));
    const profileThreshold = this.profileTop.threshold;
    for (let from = 0; from < length; from += CHUNK) {
      const count = Math.min(CHUNK, length - from);
      for (let group = 0; 4 * group < block.length; group++) {
        for (let i = 0; i < 4 && 4 * group + i < block.length; i++)
          scan.setRowThreshold(4 * group + i, threshold[block[4 * group + i]]);
        const kept = scan.scan(group, from, count, weight, floor, quick, BOUND_ROUNDING);
        for (let j = 0; j < kept; j++) {
          const code = scan.survivors[2 * j];
          const q = 4 * group + (code & 3);
          if (q >= block.length) continue;
          const a = block[q];
          const b = stream[from + (code >> 2)];
          const widened = scan.survivorDots[2 * j + 1] + scan.margin(q);
          // The kernel held the pair against thresholds as they were when the call began; those
          // its earlier survivors raised since may dismiss it now, before the exact work.
          let atLeast = threshold[a] < profileThreshold[b] ? threshold[a] : profileThreshold[b];
          if (atLeast < floor) atLeast = floor;
          const similarity = widened > 1 ? 1 : widened < 0 ? 0 : widened;
          if (weight * similarity + bounds.othersOf(jobs[q], b) < atLeast) continue;
          this.rescore(a, b, vectors[q], widened, q);
        }
      }
    }
  }

  /**
   * The pairs of job `a` with `count` profiles of the stream from `from` on, their approximate
   * similarities at tile[4k + i]: those whose bound can reach a ranking are scored.
   */
  private filter(
    a: number,
    vector: Float32Array,
    margin: number,
    tile: Float32Array | Float64Array,
    i: number,
    stream: Int32Array,
    from: number,
    count: number,
  ): void {
    const { bounds } = this;
    const job = bounds.job(a);
    const jobThreshold = this.jobTop.threshold;
    const profileThreshold = this.profileTop.threshold;
    const floor = this.scorer.minScore;
    const weight = this.scorer.weights.similarity;
    // The most the other terms can add (each at its maximum), for a first cut by similarity.
    const others = this.scorer.upperBound(0);
    for (let k = 0; k < count; k++) {
      const b = stream[from + k];
      let atLeast = jobThreshold[a];
      const theirs = profileThreshold[b];
      if (theirs < atLeast) atLeast = theirs;
      if (atLeast < floor) atLeast = floor;
      const widened = tile[4 * k + i] + margin;
      const similarity = widened > 1 ? 1 : widened < 0 ? 0 : widened;
      if (weight * similarity + others < atLeast) continue;
      if (!bounds.meets(job, b)) continue;
      if (weight * similarity + bounds.othersOf(job, b) < atLeast) continue;
      this.rescore(a, b, vector, widened);
    }
  }

  /** A pair that may enter a ranking: scored exactly, as a single pass scores it. */
  /**
   * `q`: the job's place in the bounded scan's block, whose kernel then gives the exact
   * similarity (the same bits as similarityAt); -1 on the plain path.
   */
  private rescore(a: number, b: number, vector: Float32Array, widened: number, q = -1): void {
    const jobThreshold = this.jobTop.threshold[a];
    const profileThreshold = this.profileTop.threshold[b];
    const atLeast = jobThreshold < profileThreshold ? jobThreshold : profileThreshold;
    const job = this.jobs[a];
    const profile = this.profiles[b];
    if (!this.scorer.mayReach('job', job, profile, widened, atLeast)) return;
    this.stats.rescored++;
    const slot = this.profileSlots[b];
    const similarity =
      q >= 0 && this.bounded
        ? this.bounded.similarity(q, slot)
        : this.profileIndex.similarityAt(vector, slot);
    // Where the bounds count the pair's skills exactly, scoring needs no look-up (mayReach has
    // checked the constraints).
    const { bounds } = this;
    const score = bounds.countsExactly(a)
      ? this.scorer.scoreOfMatches(
          job,
          profile,
          similarity,
          bounds.matchedRequired(a, b),
          bounds.matchedNice(a, b),
        )
      : this.scorer.score('job', job, profile, similarity, atLeast);
    if (typeof score !== 'number') return;
    if (score >= jobThreshold) this.jobTop.offer(a, b, score);
    if (score >= profileThreshold) this.profileTop.offer(b, a, score);
  }

  /**
   * Jobs in the order the blocks take them: those whose ranking is wanted first (a block of
   * unwanted jobs streams only wanted profiles), then by categories (a block of one category
   * streams only the profiles it can meet), then by slot.
   */
  private jobOrder(): Int32Array {
    const signature = this.jobs.map((j) => j.document.categories.join('\u0000'));
    const order = Int32Array.from(this.jobs, (_, a) => a);
    const wanted = (a: number) => (this.jobTop.threshold[a] === Infinity ? 1 : 0);
    order.sort(
      (x, y) =>
        wanted(x) - wanted(y) ||
        (signature[x] < signature[y] ? -1 : signature[x] > signature[y] ? 1 : 0) ||
        this.jobSlots[x] - this.jobSlots[y],
    );
    return order;
  }
}

/**
 * The profiles a block of jobs can meet, by the categories the block's jobs name: profiles
 * grouped by their categories, each group in slot order, and the groups that can share a
 * category with any of the block's (a profile or job naming none meets every other). The last
 * stream is kept: consecutive blocks mostly name the same categories.
 */
class Streams {
  private readonly groups: { categories: readonly string[]; members: Int32Array }[] = [];
  private last = '';
  private lastLength = 0;
  private lastStream: Int32Array | null = null;

  constructor(
    profiles: readonly Profile[],
    private readonly top: TopLists,
  ) {
    const byCategories = new Map<string, { categories: readonly string[]; members: number[] }>();
    profiles.forEach((p, b) => {
      const categories = p.document.categories;
      const key = categories.join('\u0000');
      let group = byCategories.get(key);
      if (!group) byCategories.set(key, (group = { categories, members: [] }));
      group.members.push(b);
    });
    for (const { categories, members } of byCategories.values())
      this.groups.push({ categories, members: Int32Array.from(members) });
  }

  /** Fills `into` with the stream for jobs naming these category lists; returns its length. */
  fill(
    into: Int32Array,
    categoryLists: readonly (readonly string[])[],
    wantedOnly: boolean,
  ): number {
    const meets = (categories: readonly string[]) =>
      categoryLists.some(
        (own) =>
          own.length === 0 || categories.length === 0 || own.some((c) => categories.includes(c)),
      );
    const chosen = this.groups.filter((g) => meets(g.categories));
    const key = `${wantedOnly ? 1 : 0}:${chosen.map((g) => this.groups.indexOf(g)).join(',')}`;
    if (key === this.last && this.lastStream === into) return this.lastLength;
    let length = 0;
    for (const { members } of chosen) {
      for (const b of members) {
        if (!wantedOnly || this.top.threshold[b] !== Infinity) into[length++] = b;
      }
    }
    this.last = key;
    this.lastStream = into;
    this.lastLength = length;
    return length;
  }
}

/**
 * Each subject's best `depth` counterparts so far, in typed arrays, kept sorted as a single
 * pass's ranking sorts them (score, then id: ids compared by their rank among the counterparts'
 * ids, worked out once). `threshold` is the running admission score: -Infinity while every
 * qualifying counterpart has been kept, then the depth-th best score (a counterpart scoring less
 * cannot enter); Infinity for subjects not being ranked.
 */
class TopLists {
  threshold: Float64Array;
  wanted = 0;
  private readonly counterparts: Int32Array;
  private readonly scores: Float64Array;
  private readonly counts: Int32Array;
  /** 1 once a qualifying counterpart was dropped: the ranking is not exhaustive. */
  private readonly cut: Uint8Array;
  private readonly idRank: Int32Array;

  constructor(
    subjects: number,
    private readonly depth: number,
    private readonly others: readonly { id: string }[],
  ) {
    this.threshold = new Float64Array(subjects).fill(Infinity);
    this.counterparts = new Int32Array(subjects * depth);
    this.scores = new Float64Array(subjects * depth);
    this.counts = new Int32Array(subjects);
    this.cut = new Uint8Array(subjects);
    const byId = Array.from(others, (_, c) => c).sort((x, y) =>
      others[x].id < others[y].id ? -1 : others[x].id > others[y].id ? 1 : 0,
    );
    this.idRank = new Int32Array(others.length);
    byId.forEach((c, rank) => (this.idRank[c] = rank));
  }

  /** Keeps the thresholds in `into` from now on (where a kernel reads them). */
  keepThresholdsIn(into: Float64Array): void {
    into.set(this.threshold);
    this.threshold = into;
  }

  want(s: number, wanted: boolean): void {
    if (!wanted) return;
    this.threshold[s] = -Infinity;
    this.wanted++;
  }

  /** A qualifying counterpart scoring at least the threshold: kept if it ranks in the top. */
  offer(s: number, counterpart: number, score: number): void {
    const { depth, counterparts, scores, idRank } = this;
    const base = s * depth;
    const count = this.counts[s];
    const rank = idRank[counterpart];
    // The first place it ranks before (compareEntries' order), from the end.
    let at = count;
    while (at > 0) {
      const before = scores[base + at - 1];
      if (before > score || (before === score && idRank[counterparts[base + at - 1]] < rank)) break;
      at--;
    }
    if (at === depth) {
      this.cut[s] = 1;
      this.threshold[s] = scores[base + depth - 1];
      return;
    }
    const last = count < depth ? count : depth - 1;
    if (count === depth) this.cut[s] = 1;
    for (let k = last; k > at; k--) {
      counterparts[base + k] = counterparts[base + k - 1];
      scores[base + k] = scores[base + k - 1];
    }
    counterparts[base + at] = counterpart;
    scores[base + at] = score;
    if (count < depth) this.counts[s] = count + 1;
    if (this.cut[s] === 1) this.threshold[s] = scores[base + depth - 1];
  }

  /** The subject's ranking as a single pass leaves it; null when it was not ranked. */
  ranking(s: number): MaintainedRanking | null {
    if (this.threshold[s] === Infinity) return null;
    const base = s * this.depth;
    const entries: RankEntry[] = [];
    for (let k = 0; k < this.counts[s]; k++) {
      const id = this.others[this.counterparts[base + k]].id;
      entries.push({ id, score: this.scores[base + k] });
    }
    return { entries, exhaustive: this.cut[s] === 0 };
  }
}
