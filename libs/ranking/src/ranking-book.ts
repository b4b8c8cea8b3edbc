import type { EntityType } from '@matchstream/contracts';
import { foldIntoRanking } from '@matchstream/matching';
import type { FoldOutcome, MaintainedRanking } from '@matchstream/matching';
import { otherSide } from './entity-state';

/** A subject's maintained ranking as a snapshot keeps it: ids, scores, exhaustive. */
export type SerialisedRanking = [key: string, ids: string[], scores: number[], exhaustive: boolean];

/**
 * Every subject's maintained ranking, and the reverse relation (which subjects list a
 * counterpart), so a removed or changed entity finds the rankings it is in without a scan.
 */
export class RankingBook {
  private readonly rankings = new Map<string, MaintainedRanking>();
  /** Counterpart key -> ids of the subjects (of the other type) whose ranking lists it. */
  private readonly listedIn = new Map<string, Set<string>>();

  constructor(
    readonly k: number,
    readonly depth: number,
  ) {}

  get size(): number {
    return this.rankings.size;
  }

  get(key: string): MaintainedRanking | undefined {
    return this.rankings.get(key);
  }

  keys(): IterableIterator<string> {
    return this.rankings.keys();
  }

  /** Ids of the subjects whose ranking lists this entity (`type` is the entity's own type). */
  subjectsListing(type: EntityType, id: string): ReadonlySet<string> {
    return this.listedIn.get(`${type}:${id}`) ?? EMPTY;
  }

  set(key: string, ranking: MaintainedRanking): void {
    this.delete(key);
    this.rankings.set(key, ranking);
    this.link(
      key,
      ranking.entries.map((e) => e.id),
    );
  }

  delete(key: string): void {
    const previous = this.rankings.get(key);
    if (!previous) return;
    this.unlink(
      key,
      previous.entries.map((e) => e.id),
    );
    this.rankings.delete(key);
  }

  /** Folds a counterpart's new score into the subject's ranking (see foldIntoRanking). */
  fold(key: string, counterpartId: string, score: number | null): FoldOutcome {
    const ranking = this.rankings.get(key);
    if (!ranking) return 'rescan';
    const before = ranking.entries.map((e) => e.id);
    const outcome = foldIntoRanking(ranking, counterpartId, score, this.k, this.depth);
    if (outcome === 'changed') {
      const after = new Set(ranking.entries.map((e) => e.id));
      this.unlink(
        key,
        before.filter((id) => !after.has(id)),
      );
      const was = new Set(before);
      this.link(
        key,
        [...after].filter((id) => !was.has(id)),
      );
    }
    return outcome;
  }

  serialise(): SerialisedRanking[] {
    return [...this.rankings].map(([key, r]) => [
      key,
      r.entries.map((e) => e.id),
      r.entries.map((e) => e.score),
      r.exhaustive,
    ]);
  }

  restore(saved: readonly SerialisedRanking[]): void {
    for (const [key, ids, scores, exhaustive] of saved) {
      this.set(key, { entries: ids.map((id, i) => ({ id, score: scores[i] })), exhaustive });
    }
  }

  private link(key: string, counterpartIds: readonly string[]): void {
    const [type, id] = splitKey(key);
    const counterpartType = otherSide(type);
    for (const counterpartId of counterpartIds) {
      const listed = `${counterpartType}:${counterpartId}`;
      let subjects = this.listedIn.get(listed);
      if (!subjects) this.listedIn.set(listed, (subjects = new Set()));
      subjects.add(id);
    }
  }

  private unlink(key: string, counterpartIds: readonly string[]): void {
    const [type, id] = splitKey(key);
    const counterpartType = otherSide(type);
    for (const counterpartId of counterpartIds) {
      const listed = `${counterpartType}:${counterpartId}`;
      const subjects = this.listedIn.get(listed);
      subjects?.delete(id);
      if (subjects?.size === 0) this.listedIn.delete(listed);
    }
  }
}

const EMPTY: ReadonlySet<string> = new Set();

export function subjectKey(type: EntityType, id: string): string {
  return `${type}:${id}`;
}

export function splitKey(key: string): [EntityType, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at) as EntityType, key.slice(at + 1)];
}
