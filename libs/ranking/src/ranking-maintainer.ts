import type { JobPayload, ProfilePayload, RankedMatch } from '@matchstream/contracts';
import { admissionScore, compareEntries } from '@matchstream/matching';
import type { MaintainedRanking, RankEntry } from '@matchstream/matching';
import { dotProduct } from '@matchstream/vector-index';
import { otherSide } from './entity-state';
import type { EntityState, StoredEntity } from './entity-state';
import type { PairScorer } from './pair-scorer';
import type { RankingBook } from './ranking-book';
import { splitKey } from './ranking-book';

type Entity = StoredEntity<JobPayload | ProfilePayload>;

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
 */
export class RankingMaintainer {
  constructor(
    private readonly state: EntityState,
    private readonly scorer: PairScorer,
    readonly book: RankingBook,
  ) {}

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
      if (outcome === 'changed' && !touched.has(subject)) touched.set(subject, by);
      else if (outcome === 'rescan') rescan.set(subject, by);
    };

    for (const key of changed) {
      by = key;
      touched.set(key, key);
      const [type, id] = splitKey(key);
      const entity = this.state.side(type).entities.get(id);
      const counterpartType = otherSide(type);
      const listing = new Set(this.book.subjectsListing(type, id));
      if (!entity) {
        this.book.delete(key);
        for (const subjectId of listing) foldInto(`${counterpartType}:${subjectId}`, id, null);
        continue;
      }
      const ranking = this.pass(key, entity, (counterpartKey, counterpartId, bound) => {
        if (changed.has(counterpartKey) || rescan.has(counterpartKey)) return null;
        const theirs = this.book.get(counterpartKey);
        if (!theirs) {
          rescan.set(counterpartKey, key);
          return null;
        }
        const listed = listing.delete(counterpartId);
        if (!listed && bound < admissionScore(theirs)) return null;
        return (score) => foldInto(counterpartKey, id, score);
      });
      this.book.set(key, ranking);
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
    return entity ? this.pass(key, entity, () => null) : null;
  }

  /** Creates the ranking of every entity that has none (recovery); returns how many. */
  fillMissing(): number {
    let created = 0;
    for (const type of ['profile', 'job'] as const) {
      for (const id of this.state.side(type).entities.keys()) {
        const key = `${type}:${id}`;
        if (this.book.get(key)) continue;
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
    const subjectVector = subjectSide.index.getVector(id)!;
    const counterparts = this.state.side(otherSide(type));
    return ranking.entries.slice(0, this.book.k).map((entry, i) => {
      const counterpart = counterparts.entities.get(entry.id)!;
      const vector = counterparts.index.getVector(entry.id)!;
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
   * top `depth`, and offers every pair to `reverse`, which answers (given the pair's score bound)
   * whether another ranking needs the pair's score: null, or what to do with it (null: no match).
   */
  private pass(
    key: string,
    entity: Entity,
    reverse: (
      counterpartKey: string,
      counterpartId: string,
      bound: number,
    ) => ((score: number | null) => void) | null,
  ): MaintainedRanking {
    const [type, id] = splitKey(key);
    const own = this.state.side(type);
    const other = this.state.side(otherSide(type));
    const vector = own.index.getVector(id)!;
    const { depth } = this.book;
    const found: RankEntry[] = [];
    let threshold = -Infinity;
    let truncated = false;
    const candidates = other.categories.candidatesFor(entity.document.categories);
    other.index.scan(
      vector,
      (counterpartId, similarity) => {
        const bound = this.scorer.upperBound(similarity);
        const counterpartKey = `${other.type}:${counterpartId}`;
        const wantedByOthers = reverse(counterpartKey, counterpartId, bound);
        if (bound < threshold && wantedByOthers === null) return;
        const counterpart = other.entities.get(counterpartId);
        if (!counterpart) return;
        const score = this.scorer.score(type, entity, counterpart, similarity);
        wantedByOthers?.(score);
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
