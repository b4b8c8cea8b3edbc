import type { EntityType, MatchRankingEvent, RankedMatch } from '@matchstream/contracts';
import type { RankingStore } from './ranking.store';

/** Why a ranking is published: the trigger and the event that caused it. */
export interface Cause {
  trigger: MatchRankingEvent['trigger'];
  causationEventId: string;
  occurredAt?: string;
}

/**
 * The rankings one chunk changes, as they are worked out: folded incrementally where that is exact,
 * or marked for a new search where it is not. A subject's own change is the cause that wins.
 */
export class ChunkRankings {
  /** New rankings worked out incrementally, by subject key. */
  readonly updated = new Map<string, { matches: RankedMatch[]; cause: Cause }>();
  /** Subjects whose ranking needs a new search, once the whole chunk is applied. */
  readonly toSearch = new Map<string, Cause>();
  /** Counterpart key -> ids of subjects whose updated ranking lists it (may over-report). */
  private readonly listedIn = new Map<string, Set<string>>();

  constructor(private readonly stored: RankingStore) {}

  /** The subject's ranking as this chunk has it so far (null: none yet, or it needs a search). */
  current(type: EntityType, id: string): RankedMatch[] | null {
    const key = `${type}:${id}`;
    if (this.toSearch.has(key)) return null;
    return this.updated.get(key)?.matches ?? this.stored.get(type, id)?.matches ?? null;
  }

  set(key: string, matches: RankedMatch[], cause: Cause): void {
    this.updated.set(key, { matches, cause: this.strongest(key, cause) });
    const [type, id] = splitKey(key);
    const counterpartType: EntityType = type === 'job' ? 'profile' : 'job';
    for (const m of matches) {
      const listed = `${counterpartType}:${m.counterpartId}`;
      let subjects = this.listedIn.get(listed);
      if (!subjects) this.listedIn.set(listed, (subjects = new Set()));
      subjects.add(id);
    }
  }

  /** Ids of the subjects (of the other type) whose ranking lists this entity, stored or updated. */
  subjectsListing(type: EntityType, id: string): Set<string> {
    const ids = new Set(this.stored.subjectsListing(type, id).map(([, subjectId]) => subjectId));
    for (const subjectId of this.listedIn.get(`${type}:${id}`) ?? []) ids.add(subjectId);
    return ids;
  }

  search(key: string, cause: Cause): void {
    this.toSearch.set(key, this.strongest(key, cause));
    this.updated.delete(key);
  }

  forget(key: string): void {
    this.updated.delete(key);
    this.toSearch.delete(key);
  }

  private strongest(key: string, cause: Cause): Cause {
    const existing = this.updated.get(key)?.cause ?? this.toSearch.get(key);
    return existing?.trigger === 'subject-changed' && cause.trigger !== 'subject-changed'
      ? existing
      : cause;
  }
}

export function splitKey(key: string): [EntityType, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at) as EntityType, key.slice(at + 1)];
}
