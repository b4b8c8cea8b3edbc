import type { EntityType, JobPayload, ProfilePayload, RankedMatch } from '@matchstream/contracts';
import { admissionScore, compareEntries } from '@matchstream/matching';
import type { MaintainedRanking, RankEntry } from '@matchstream/matching';
import { dotProduct } from '@matchstream/vector-index';
import { otherSide } from './entity-state';
import type { EntityState, StoredEntity } from './entity-state';
import type { PairScorer } from './pair-scorer';
import type { RankingBook } from './ranking-book';
import { splitKey } from './ranking-book';

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
      profile: new SlotValues(),
      job: new SlotValues(),
    };
    // Every ranking's admission score, by its subject's index slot: the scans' hottest check.
    const remember = (key: string, ranking: MaintainedRanking | undefined) => {
      const [type, id] = splitKey(key);
      const slot = this.state.side(type).index.slotOf(id);
      if (slot !== undefined)
        this.admissions[type].set(slot, ranking ? admissionScore(ranking) : NaN);
    };
    for (const key of book.keys()) remember(key, book.get(key));
    book.onChange(remember);
  }

  private readonly admissions: Record<EntityType, SlotValues>;
  private scope: SubjectScope = EVERY_SUBJECT;

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
    const dropped = [...this.book.keys()].filter((key) => !scope(...splitKey(key)));
    for (const key of dropped) this.book.delete(key);
    // Slots cached as out of scope may be in it now.
    for (const type of ['profile', 'job'] as const) {
      const values = this.admissions[type];
      values.fill(NaN);
      for (const id of this.state.side(type).entities.keys()) {
        const ranking = this.book.of(type, id);
        const slot = this.state.side(type).index.slotOf(id);
        if (ranking && slot !== undefined) values.set(slot, admissionScore(ranking));
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
        if (!touched.has(subject)) touched.set(subject, by);
      } else if (outcome === 'rescan') rescan.set(subject, by);
    };

    for (const key of changed) {
      by = key;
      const [type, id] = splitKey(key);
      if (this.scope(type, id)) touched.set(key, key);
      const entity = this.state.side(type).entities.get(id);
      const counterpartType = otherSide(type);
      const listing = new Set(this.book.subjectsListing(type, id));
      if (!entity) {
        this.book.delete(key);
        for (const subjectId of listing) foldInto(`${counterpartType}:${subjectId}`, id, null);
        continue;
      }
      const admissions = this.admissions[counterpartType];
      const own = this.scope(type, id);
      const ranking = this.pass(key, entity, own, {
        want: (counterpartId, bound, slot) => {
          const listed = listing.size !== 0 && listing.has(counterpartId);
          // Most pairs: not listed, and too weak for the counterpart's ranking (read by slot, no
          // lookup; NaN, for a slot whose ranking is unknown, fails the test and goes on).
          if (!listed && bound < admissions.get(slot)) return undefined;
          const counterpartKey = `${counterpartType}:${counterpartId}`;
          if (changed.has(counterpartKey) || rescan.has(counterpartKey)) return undefined;
          const theirs = this.book.of(counterpartType, counterpartId);
          if (!theirs) {
            if (this.scope(counterpartType, counterpartId)) rescan.set(counterpartKey, key);
            // Out of scope: dismissed by its slot from now on.
            else admissions.set(slot, Infinity);
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
        take: (counterpartId, score) => foldInto(`${counterpartType}:${counterpartId}`, id, score),
      });
      if (own) this.book.set(key, ranking);
      // Subjects listing it that the pass did not reach can no longer share a category with it.
      for (const subjectId of listing) {
        const counterpartKey = `${counterpartType}:${subjectId}`;
        if (!changed.has(counterpartKey) && !rescan.has(counterpartKey))
          foldInto(counterpartKey, id, null);
      }
    }

    for (const [key, cause] of rescan) {
      touched.set(key, cause);
      const fresh = this.rank(key);
      if (fresh) this.book.set(key, fresh);
      else this.book.delete(key);
    }
    return touched;
  }

  /** A fresh exact ranking of the subject from the current state; null when it is unknown. */
  rank(key: string): MaintainedRanking | null {
    const [type, id] = splitKey(key);
    const entity = this.state.side(type).entities.get(id);
    return entity ? this.pass(key, entity, true, NO_REVERSE) : null;
  }

  /** Creates the ranking of every subject in scope that has none (recovery); returns how many. */
  fillMissing(): number {
    let created = 0;
    for (const type of ['profile', 'job'] as const) {
      for (const id of this.state.side(type).entities.keys()) {
        const key = `${type}:${id}`;
        if (this.book.get(key) || !this.scope(type, id)) continue;
        this.book.set(key, this.rank(key)!);
        created++;
      }
    }
    return created;
  }

  /** The subject's published matches: its top K with their explanations. */
  topMatches(key: string): RankedMatch[] {
    const [type, id] = splitKey(key);
    const subjectSide = this.state.side(type);
    const subject = subjectSide.entities.get(id);
    const ranking = this.book.get(key);
    if (!subject || !ranking) return [];
    const subjectVector = subjectSide.index.vectorView(id)!;
    const counterparts = this.state.side(otherSide(type));
    return ranking.entries.slice(0, this.book.k).map((entry, i) => {
      const counterpart = counterparts.entities.get(entry.id)!;
      const vector = counterparts.index.vectorView(entry.id)!;
      const similarity = dotProduct(subjectVector, 0, vector, 0, vector.length);
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

  /**
   * One exact pass over the counterparts that can share a category with `entity`: ranks its own
   * top `depth` (unless `ranked` is false: only other rankings need the pass), and offers every
   * pair to `reverse.want`, which says (given the pair's score bound) whether another ranking needs the pair's score and from what score on; `reverse.take` then
   * gets the score (null: no match).
   */
  private pass(
    key: string,
    entity: Entity,
    ranked: boolean,
    reverse: ReverseCheck,
  ): MaintainedRanking {
    const [type, id] = splitKey(key);
    const own = this.state.side(type);
    const other = this.state.side(otherSide(type));
    const vector = own.index.vectorView(id)!;
    const { depth } = this.book;
    const found: RankEntry[] = [];
    // Without a ranking of its own, only pairs another ranking wants are scored.
    let threshold = ranked ? -Infinity : Infinity;
    let truncated = false;
    const candidates = other.categories.candidatesFor(entity.document.categories);
    other.index.scan(
      vector,
      (counterpartId, similarity, slot) => {
        const bound = this.scorer.upperBound(similarity);
        const wanted = reverse.want(counterpartId, bound, slot);
        if (bound < threshold && wanted === undefined) return;
        const counterpart = other.entities.get(counterpartId);
        if (!counterpart) return;
        const atLeast = wanted === undefined ? threshold : Math.min(wanted, threshold);
        const score = this.scorer.score(type, entity, counterpart, similarity, atLeast);
        if (score === undefined) return;
        if (wanted !== undefined && (score === null || score >= wanted))
          reverse.take(counterpartId, score);
        if (score === null || score < threshold) return;
        found.push({ id: counterpartId, score });
        if (found.length >= 2 * depth) {
          found.sort(compareEntries).length = depth;
          threshold = found[depth - 1].score;
          truncated = true;
        }
      },
      candidates ?? undefined,
    );
    found.sort(compareEntries);
    if (found.length > depth) {
      found.length = depth;
      truncated = true;
    }
    return { entries: found, exhaustive: !truncated };
  }
}

interface ReverseCheck {
  /** undefined: no other ranking needs this pair; otherwise the least score that matters. */
  want(counterpartId: string, bound: number, slot: number): number | undefined;
  take(counterpartId: string, score: number | null): void;
}

const NO_REVERSE: ReverseCheck = { want: () => undefined, take: () => undefined };

/** A number per index slot, NaN where none was set; grows as slots do. */
class SlotValues {
  private values = new Float64Array(1024).fill(NaN);

  get(slot: number): number {
    return slot < this.values.length ? this.values[slot] : NaN;
  }

  fill(value: number): void {
    this.values.fill(value);
  }

  set(slot: number, value: number): void {
    if (slot >= this.values.length) {
      const grown = new Float64Array(Math.max(slot + 1, this.values.length * 2)).fill(NaN);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[slot] = value;
  }
}
