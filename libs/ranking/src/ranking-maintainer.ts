import { entityKey, parseEntityKey } from '@matchstream/contracts';
import type { EntityType, JobPayload, ProfilePayload, RankedMatch } from '@matchstream/contracts';
import { admissionScore, compareEntries } from './maintained-ranking';
import type { MaintainedRanking, RankEntry } from './maintained-ranking';
import { pairSimilarity } from '@matchstream/vector-index';
import type { Approximation } from '@matchstream/vector-index';
import { BulkRanker } from './bulk-ranker';
import type { BulkPassStats, BulkProgress } from './bulk-ranker';
import { otherSide } from './entity-state';
import type { EntityState, StoredEntity } from './entity-state';
import type { PairScorer } from './pair-scorer';
import type { RankingBook } from './ranking-book';

type Entity = StoredEntity<JobPayload | ProfilePayload>;

/** Which subjects this maintainer keeps rankings for (an instance's share of them). */
export type SubjectScope = (type: EntityType, id: string) => boolean;

const EVERY_SUBJECT: SubjectScope = () => true;

/**
 * Keeps every subject's ranking exact: the top K (and a reserve) of all qualifying counterparts by
 * hybrid score, ties by id, whatever arrives in whatever order.
 *
 * A changed entity costs one exact pass over the other side's vectors (narrowed to the entities
 * that can share a category with it). The pass both ranks the entity's own counterparts and finds
 * every subject whose ranking it enters, leaves or moves in: the score is bounded by similarity
 * through the weights, so most pairs are dismissed by comparing that bound with the subject's
 * admission score (its last entry, or the floor while its list holds everything that qualifies)
 * and are never scored. A removed entity needs no pass: the book knows which rankings list it.
 * A ranking that lost an entry it cannot replace from its reserve is scanned again.
 *
 * Its scope says which subjects it keeps rankings for (all by default; an instance's share when
 * several divide them): every change still costs its exact pass, but only in-scope rankings are
 * folded into, rescanned and created.
 */
export class RankingMaintainer {
  constructor(
    private readonly state: EntityState,
    private readonly scorer: PairScorer,
    readonly book: RankingBook,
  ) {
    this.admissions = {
      profile: new SlotValues(NaN),
      job: new SlotValues(NaN),
    };
    this.floors = {
      profile: new SlotValues(-Infinity),
      job: new SlotValues(-Infinity),
    };
    for (const key of book.keys()) this.remember(key);
  }

  private readonly admissions: Record<EntityType, SlotValues>;
  /**
   * The same as similarity floors (similarityFloor): a pair whose similarity is surely below its
   * subject's floor cannot enter, leave or move in that ranking. -Infinity where the admission is
   * unknown (NaN: such a pair must be looked at), Infinity out of scope.
   */
  private readonly floors: Record<EntityType, SlotValues>;
  private scope: SubjectScope = EVERY_SUBJECT;
  private lastPass: BulkPassStats | null = null;

  /** Whether the subject is in this maintainer's scope. */
  keeps(type: EntityType, id: string): boolean {
    return this.scope(type, id);
  }

  /**
   * Changes the scope: rankings of subjects now out of it are dropped (returns their keys); the
   * ones now in scope are created by `fillMissing`.
   */
  rescope(scope: SubjectScope): string[] {
    this.scope = scope;
    const dropped = [...this.book.keys()].filter((key) => !scope(...parseEntityKey(key)));
    for (const key of dropped) this.book.delete(key);
    // Slots cached as out of scope may be in it now.
    for (const type of ['profile', 'job'] as const) {
      this.admissions[type].fill(NaN);
      this.floors[type].fill(-Infinity);
      for (const id of this.state.side(type).entities.keys()) {
        const ranking = this.book.of(type, id);
        const slot = this.state.side(type).index.slotOf(id);
        if (ranking && slot !== undefined) this.admit(type, slot, admissionScore(ranking));
      }
    }
    return dropped;
  }

  /**
   * Brings every ranking up to date with the given entities' current state (already applied,
   * all of them: the passes run on the final state). Returns the subjects whose ranking was
   * created, changed, rescanned or dropped (the changed entities included), each with the key of
   * the changed entity that affected it.
   */
  apply(changedKeys: Iterable<string>): Map<string, string> {
    const changed = new Set(changedKeys);
    const touched = new Map<string, string>();
    const rescan = new Map<string, string>();
    let by = '';
    const foldInto = (subject: string, counterpartId: string, score: number | null) => {
      const outcome = this.book.fold(subject, counterpartId, score);
      if (outcome === 'changed') {
        this.remember(subject);
        if (!touched.has(subject)) touched.set(subject, by);
      } else if (outcome === 'rescan') rescan.set(subject, by);
    };

    for (const key of changed) {
      by = key;
      const [type, id] = parseEntityKey(key);
      if (this.scope(type, id)) touched.set(key, key);
      const entity = this.state.side(type).entities.get(id);
      const counterpartType = otherSide(type);
      const listing = new Set(this.book.subjectsListing(type, id));
      if (!entity) {
        this.drop(key);
        for (const subjectId of listing) foldInto(entityKey(counterpartType, subjectId), id, null);
        continue;
      }
      const admissions = this.admissions[counterpartType];
      const floors = this.floors[counterpartType];
      const counterpartIndex = this.state.side(counterpartType).index;
      // Listed pairs always need their new score: their subjects' floors are lifted for the pass.
      const listedSlots: number[] = [];
      for (const subjectId of listing) {
        const slot = counterpartIndex.slotOf(subjectId);
        if (slot !== undefined) {
          listedSlots.push(slot);
          floors.set(slot, -Infinity);
        }
      }
      const own = this.scope(type, id);
      const ranking = this.pass(key, entity, own, {
        floors,
        admissions,
        want: (counterpartId, bound, slot) => {
          const listed = listing.size !== 0 && listing.has(counterpartId);
          // Most pairs: not listed, and too weak for the counterpart's ranking (read by slot, no
          // lookup; NaN, for a slot whose ranking is unknown, fails the test and goes on).
          if (!listed && bound < admissions.get(slot)) return undefined;
          const counterpartKey = entityKey(counterpartType, counterpartId);
          if (changed.has(counterpartKey) || rescan.has(counterpartKey)) return undefined;
          const theirs = this.book.of(counterpartType, counterpartId);
          if (!theirs) {
            if (this.scope(counterpartType, counterpartId)) rescan.set(counterpartKey, key);
            // Out of scope: dismissed by its slot from now on.
            else this.admit(counterpartType, slot, Infinity);
            return undefined;
          }
          // A listed pair always needs its new score (it may move, or leave).
          if (listed) {
            listing.delete(counterpartId);
            return -Infinity;
          }
          const admission = admissionScore(theirs);
          return bound < admission ? undefined : admission;
        },
        take: (counterpartId, score) =>
          foldInto(entityKey(counterpartType, counterpartId), id, score),
      });
      for (const slot of listedSlots) this.admit(counterpartType, slot, admissions.get(slot));
      if (own) this.put(key, ranking);
      // Subjects listing it that the pass did not reach can no longer share a category with it.
      for (const subjectId of listing) {
        const counterpartKey = entityKey(counterpartType, subjectId);
        if (!changed.has(counterpartKey) && !rescan.has(counterpartKey))
          foldInto(counterpartKey, id, null);
      }
    }

    for (const [key, cause] of rescan) {
      touched.set(key, cause);
      const fresh = this.rank(key);
      if (fresh) this.put(key, fresh);
      else this.drop(key);
    }
    return touched;
  }

  /** A fresh exact ranking of the subject from the current state; null when it is unknown. */
  rank(key: string): MaintainedRanking | null {
    const [type, id] = parseEntityKey(key);
    const entity = this.state.side(type).entities.get(id);
    return entity ? this.pass(key, entity, true, NO_REVERSE) : null;
  }

  /**
   * Ranks afresh every subject in scope that `which` names (all of them by default) in one
   * blocked pass over job × profile pairs (BulkRanker), instead of one pass per subject: the same
   * rankings bit for bit, for a bulk load or a state far behind. Returns the keys it set; the
   * caller publishes each once.
   */
  rankAll(which: SubjectScope = EVERY_SUBJECT): string[] {
    const steps = this.rankAllInSteps(which);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `rankAll` in steps (BulkRanker.rankAllInSteps): yields its progress after each block of jobs,
   * for a caller that lets other work run in between; the state must not change until it returns.
   */
  *rankAllInSteps(which: SubjectScope = EVERY_SUBJECT): Generator<BulkProgress, string[], void> {
    const ranker = new BulkRanker(this.state, this.scorer, this.book);
    const keys = yield* ranker.rankAllInSteps(
      (type, id) => this.scope(type, id) && which(type, id),
    );
    this.lastPass = ranker.lastPass;
    for (const key of keys) this.remember(key);
    return keys;
  }

  /** What the last `rankAll` did (pairs computed, rescored, rankings set); null before one. */
  get lastBulkPass(): BulkPassStats | null {
    return this.lastPass;
  }

  /** Creates the ranking of every subject in scope that has none (recovery); returns how many. */
  fillMissing(): number {
    return this.fill(this.missing());
  }

  /** The subjects in scope that have no ranking yet. */
  missing(): string[] {
    const keys: string[] = [];
    for (const type of ['profile', 'job'] as const) {
      for (const id of this.state.side(type).entities.keys()) {
        const key = entityKey(type, id);
        if (!this.book.get(key) && this.scope(type, id)) keys.push(key);
      }
    }
    return keys;
  }

  /**
   * Computes the rankings of these subjects (known, in scope, without one) from the current
   * state; returns how many were created. A caller with many splits them into slices, to let
   * other work in between.
   */
  fill(keys: readonly string[]): number {
    let created = 0;
    for (const key of keys) {
      if (this.book.get(key) || !this.keeps(...parseEntityKey(key))) continue;
      const ranking = this.rank(key);
      if (!ranking) continue;
      this.put(key, ranking);
      created++;
    }
    return created;
  }

  /** The subject's published matches: its top K with their explanations. */
  topMatches(key: string): RankedMatch[] {
    const [type, id] = parseEntityKey(key);
    const subjectSide = this.state.side(type);
    const subject = subjectSide.entities.get(id);
    const ranking = this.book.get(key);
    if (!subject || !ranking) return [];
    const subjectVector = subjectSide.index.vectorView(id)!;
    const counterparts = this.state.side(otherSide(type));
    return ranking.entries.slice(0, this.book.k).map((entry, i) => {
      const counterpart = counterparts.entities.get(entry.id)!;
      const vector = counterparts.index.vectorView(entry.id)!;
      const similarity = pairSimilarity(subjectVector, vector);
      const scored = this.scorer.explain(type, subject, counterpart, similarity);
      return {
        rank: i + 1,
        counterpartId: scored.id,
        counterpartVersion: scored.version,
        score: scored.score,
        explanation: scored.explanation,
      };
    });
  }

  /** A subject's admission score and, beside it, its similarity floor. */
  /**
   * Replaces a subject's ranking with one computed elsewhere (a repair: the audit's fresh
   * ranking), or drops it (null). Every change of the book goes through the maintainer, which
   * keeps each ranking's admission score beside it.
   */
  replace(key: string, ranking: MaintainedRanking | null): void {
    if (ranking) this.put(key, ranking);
    else this.drop(key);
  }

  /** Drops every ranking (a bulk load computes them all afresh). */
  dropAll(): void {
    for (const key of [...this.book.keys()]) this.drop(key);
  }

  private put(key: string, ranking: MaintainedRanking): void {
    this.book.set(key, ranking);
    this.remember(key);
  }

  private drop(key: string): void {
    this.book.delete(key);
    this.remember(key);
  }

  /** Every ranking's admission score, by its subject's index slot: the scans' hottest check. */
  private remember(key: string): void {
    const [type, id] = parseEntityKey(key);
    const slot = this.state.side(type).index.slotOf(id);
    const ranking = this.book.get(key);
    if (slot !== undefined) this.admit(type, slot, ranking ? admissionScore(ranking) : NaN);
  }

  private admit(type: EntityType, slot: number, admission: number): void {
    this.admissions[type].set(slot, admission);
    this.floors[type].set(slot, this.scorer.similarityFloor(admission));
  }

  /**
   * One exact pass over the counterparts that can share a category with `entity`: ranks its own
   * top `depth` (unless `ranked` is false: only other rankings need the pass), and offers every
   * pair that can matter to `reverse.want`, which says (given the pair's score bound) whether
   * another ranking needs the pair's score and from what score on; `reverse.take` then gets the
   * score (null: no match).
   *
   * The vectors are read once by the index's approximate scan (SIMD, within a proven margin of
   * the exact similarity); a pair is looked at only when its similarity, widened by the margin,
   * can reach the entity's own threshold or the subject's floor, and it is then scored from the
   * exact similarity, as without the filter: the pairs left out are exactly pairs the exact pass
   * would have dismissed, so rankings are the same bit for bit (specs hold it against the
   * unfiltered pass). The own threshold starts at the depth-th best score among the nearest few
   * (see ownThreshold), so the filter has something to cut at from the first pair.
   */
  private pass(
    key: string,
    entity: Entity,
    ranked: boolean,
    reverse: ReverseCheck,
  ): MaintainedRanking {
    const [type, id] = parseEntityKey(key);
    const own = this.state.side(type);
    const other = this.state.side(otherSide(type));
    const vector = own.index.vectorView(id)!;
    const { depth } = this.book;
    const found: RankEntry[] = [];
    const candidates = other.categories.candidatesFor(entity.document.categories);
    const approximation = other.index.approximate(vector, candidates ?? undefined);
    const { similarities, slots, count, margin } = approximation;
    // Without a ranking of its own, only pairs another ranking wants are scored.
    let threshold = ranked ? -Infinity : Infinity;
    let truncated = false;
    if (ranked) {
      const start = this.ownThreshold(type, entity, vector, approximation);
      if (start !== undefined) {
        threshold = start;
        truncated = true;
      }
    }
    let cut = this.scorer.similarityFloor(threshold) - margin;
    const { floors, admissions } = reverse;
    const index = other.index;
    for (let k = 0; k < count; k++) {
      const approximate = similarities[k];
      const slot = slots === null ? k : slots[k];
      if (approximate < cut && (floors === null || approximate + margin < floors.get(slot)))
        continue;
      const counterpartId = index.idAt(slot);
      if (counterpartId === undefined) continue;
      // Unless the subject's ranking lists the pair or is unknown (floor -Infinity: the pair
      // must be looked at), the pair matters only from the lesser of the entity's threshold and
      // the subject's admission on: the pair's own bound at the widened similarity (it grows
      // with similarity) dismisses most of the rest before the exact product is computed.
      const floor = floors === null ? Infinity : floors.get(slot);
      const widened = approximate + margin;
      if (floor !== -Infinity && widened < Infinity) {
        const counterpart = other.entities.get(counterpartId);
        if (!counterpart) continue;
        const atLeast =
          widened < floor || admissions === null
            ? threshold
            : Math.min(threshold, admissions.get(slot));
        if (!this.scorer.mayReach(type, entity, counterpart, widened, atLeast)) continue;
      }
      const similarity = index.similarityAt(vector, slot);
      const bound = this.scorer.upperBound(similarity);
      const wanted = reverse.want(counterpartId, bound, slot);
      if (bound < threshold && wanted === undefined) continue;
      const counterpart = other.entities.get(counterpartId);
      if (!counterpart) continue;
      const atLeast = wanted === undefined ? threshold : Math.min(wanted, threshold);
      const score = this.scorer.score(type, entity, counterpart, similarity, atLeast);
      if (score === undefined) continue;
      if (wanted !== undefined && (score === null || score >= wanted))
        reverse.take(counterpartId, score);
      if (score === null || score < threshold) continue;
      found.push({ id: counterpartId, score });
      if (found.length >= 2 * depth) {
        found.sort(compareEntries).length = depth;
        threshold = found[depth - 1].score;
        cut = this.scorer.similarityFloor(threshold) - margin;
        truncated = true;
      }
    }
    found.sort(compareEntries);
    if (found.length > depth) {
      found.length = depth;
      truncated = true;
    }
    return { entries: found, exhaustive: !truncated };
  }

  /**
   * A score the entity's own ranking surely reaches, from its nearest counterparts by approximate
   * similarity, exactly scored: when more than `depth` of them qualify, the ranking is not
   * exhaustive and its depth-th entry scores at least the depth-th best of them. Undefined when
   * too few qualify even among many (the pass then looks at every pair).
   */
  private ownThreshold(
    type: EntityType,
    entity: Entity,
    vector: Float32Array,
    { similarities, slots, count }: Approximation,
  ): number | undefined {
    const { depth } = this.book;
    const other = this.state.side(otherSide(type));
    for (let wanted = 4 * depth; wanted < count; wanted *= 8) {
      const scores: number[] = [];
      for (const k of strongest(similarities, count, wanted)) {
        const slot = slots === null ? k : slots[k];
        const counterpartId = other.index.idAt(slot);
        const counterpart =
          counterpartId === undefined ? undefined : other.entities.get(counterpartId);
        if (!counterpart) continue;
        const similarity = other.index.similarityAt(vector, slot);
        const score = this.scorer.score(type, entity, counterpart, similarity);
        if (typeof score === 'number') scores.push(score);
      }
      if (scores.length > depth) return scores.sort((a, b) => b - a)[depth - 1];
    }
    return undefined;
  }
}

interface ReverseCheck {
  /** Similarity floors by slot (see RankingMaintainer.floors); null: no other ranking wants any. */
  floors: SlotValues | null;
  /** Admission scores by slot, beside the floors. */
  admissions: SlotValues | null;
  /** undefined: no other ranking needs this pair; otherwise the least score that matters. */
  want(counterpartId: string, bound: number, slot: number): number | undefined;
  take(counterpartId: string, score: number | null): void;
}

const NO_REVERSE: ReverseCheck = {
  floors: null,
  admissions: null,
  want: () => undefined,
  take: () => undefined,
};

/** The indexes of the `wanted` largest of the first `count` values (a min-heap of them). */
function strongest(values: ArrayLike<number>, count: number, wanted: number): Int32Array {
  const heap = new Int32Array(Math.min(wanted, count));
  let size = 0;
  const down = (at: number) => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && values[heap[right]] < values[heap[left]] ? right : left;
      if (values[heap[child]] >= values[heap[at]]) return;
      const swap = heap[at];
      heap[at] = heap[child];
      heap[child] = swap;
      at = child;
    }
  };
  for (let k = 0; k < count; k++) {
    if (size < heap.length) {
      heap[size] = k;
      for (let at = size++; at > 0;) {
        const parent = (at - 1) >> 1;
        if (values[heap[parent]] <= values[heap[at]]) break;
        const swap = heap[at];
        heap[at] = heap[parent];
        heap[parent] = swap;
        at = parent;
      }
    } else if (values[k] > values[heap[0]]) {
      heap[0] = k;
      down(0);
    }
  }
  return heap;
}

/** A number per index slot, `unset` where none was set; grows as slots do. */
class SlotValues {
  private values: Float64Array;

  constructor(private readonly unset: number) {
    this.values = new Float64Array(1024).fill(unset);
  }

  get(slot: number): number {
    return slot < this.values.length ? this.values[slot] : this.unset;
  }

  fill(value: number): void {
    this.values.fill(value);
  }

  set(slot: number, value: number): void {
    if (slot >= this.values.length) {
      const grown = new Float64Array(Math.max(slot + 1, this.values.length * 2)).fill(this.unset);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[slot] = value;
  }
}
