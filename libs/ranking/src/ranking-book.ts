import { entityKey, parseEntityKey } from '@matchstream/contracts';
import type { EntityType } from '@matchstream/contracts';
import { foldIntoRanking } from './maintained-ranking';
import type { FoldOutcome, MaintainedRanking } from './maintained-ranking';
import { otherSide } from './entity-state';

/** The book as a snapshot keeps it: per subject its key, ids, scores and exhaustive flag. */
export type BookSnapshot = [key: string, ids: string[], scores: number[], exhaustive: boolean][];

/**
 * Every subject's maintained ranking, and the reverse relation (which subjects list a
 * counterpart), so a removed or changed entity finds the rankings it is in without a scan.
 * Keyed by subject key (`type:id`); stored per type, so hot paths can look up by id alone.
 */
export class RankingBook {
  private readonly byType: Record<EntityType, Map<string, MaintainedRanking>> = {
    profile: new Map(),
    job: new Map(),
  };
  /**
   * Per counterpart type, counterpart id -> ids of the subjects (of the other type) whose ranking
   * lists it, in the order they came. Most entities are listed by about K + reserve subjects: such
   * a list is an array (a tenth of a set's memory); a long one (a hub) becomes a set.
   */
  private readonly listedIn: Record<EntityType, Map<string, Listed>> = {
    profile: new Map(),
    job: new Map(),
  };

  constructor(
    readonly k: number,
    readonly depth: number,
  ) {}

  get size(): number {
    return this.byType.profile.size + this.byType.job.size;
  }

  get(key: string): MaintainedRanking | undefined {
    const [type, id] = parseEntityKey(key);
    return this.byType[type].get(id);
  }

  of(type: EntityType, id: string): MaintainedRanking | undefined {
    return this.byType[type].get(id);
  }

  *keys(): IterableIterator<string> {
    for (const type of ['profile', 'job'] as const)
      for (const id of this.byType[type].keys()) yield entityKey(type, id);
  }

  /** Ids of the subjects whose ranking lists this entity (`type` is the entity's own type). */
  subjectsListing(type: EntityType, id: string): ReadonlySet<string> {
    const subjects = this.listedIn[type].get(id);
    return subjects === undefined ? EMPTY : Array.isArray(subjects) ? new Set(subjects) : subjects;
  }

  set(key: string, ranking: MaintainedRanking): void {
    this.delete(key);
    const [type, id] = parseEntityKey(key);
    this.byType[type].set(id, ranking);
    this.link(type, id, ranking.entries);
  }

  delete(key: string): void {
    const [type, id] = parseEntityKey(key);
    const previous = this.byType[type].get(id);
    if (!previous) return;
    this.unlink(type, id, previous.entries);
    this.byType[type].delete(id);
  }

  /** Folds a counterpart's new score into the subject's ranking (see foldIntoRanking). */
  fold(key: string, counterpartId: string, score: number | null): FoldOutcome {
    const [type, id] = parseEntityKey(key);
    const ranking = this.byType[type].get(id);
    if (!ranking) return 'rescan';
    // A change replaces the entries array, so the old one stays as it was.
    const before = ranking.entries;
    const outcome = foldIntoRanking(ranking, counterpartId, score, this.k, this.depth);
    if (outcome === 'changed') {
      const after = new Set(ranking.entries.map((e) => e.id));
      const was = new Set(before.map((e) => e.id));
      this.unlink(
        type,
        id,
        before.filter((e) => !after.has(e.id)),
      );
      this.link(
        type,
        id,
        ranking.entries.filter((e) => !was.has(e.id)),
      );
    }
    return outcome;
  }

  serialise(): BookSnapshot {
    return [...this.keys()].map((key) => {
      const r = this.get(key)!;
      return [key, r.entries.map((e) => e.id), r.entries.map((e) => e.score), r.exhaustive];
    });
  }

  restore(saved: Readonly<BookSnapshot>): void {
    for (const [key, ids, scores, exhaustive] of saved) {
      this.set(key, { entries: ids.map((id, i) => ({ id, score: scores[i] })), exhaustive });
    }
  }

  private link(type: EntityType, id: string, entries: readonly { id: string }[]): void {
    const listedIn = this.listedIn[otherSide(type)];
    for (const { id: counterpartId } of entries) {
      const subjects = listedIn.get(counterpartId);
      if (subjects === undefined) listedIn.set(counterpartId, [id]);
      else if (!Array.isArray(subjects)) subjects.add(id);
      else if (!subjects.includes(id)) {
        subjects.push(id);
        if (subjects.length > LONGEST_ARRAY) listedIn.set(counterpartId, new Set(subjects));
      }
    }
  }

  private unlink(type: EntityType, id: string, entries: readonly { id: string }[]): void {
    const listedIn = this.listedIn[otherSide(type)];
    for (const { id: counterpartId } of entries) {
      const subjects = listedIn.get(counterpartId);
      if (subjects === undefined) continue;
      if (Array.isArray(subjects)) {
        const at = subjects.indexOf(id);
        if (at >= 0) subjects.splice(at, 1);
        if (subjects.length === 0) listedIn.delete(counterpartId);
      } else {
        subjects.delete(id);
        if (subjects.size <= LONGEST_ARRAY / 2) listedIn.set(counterpartId, [...subjects]);
      }
    }
  }
}

/** Subjects listing one counterpart, in the order they came (see RankingBook.listedIn). */
type Listed = string[] | Set<string>;
/** Beyond it a list becomes a set (and back at half of it, so it does not flip to and fro). */
const LONGEST_ARRAY = 48;

const EMPTY: ReadonlySet<string> = new Set();
