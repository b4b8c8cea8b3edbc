import { Inject, Injectable } from '@nestjs/common';
import { matchRankingEvent } from '@matchstream/contracts';
import type { EntityType, MatchRankingEvent } from '@matchstream/contracts';
import { REDIS } from '@matchstream/redis';
import type { Redis } from 'ioredis';

const KEY_PREFIX = 'ranking:';

/**
 * The latest ranking per subject: in memory for the HTTP API and the incremental updates, written
 * through to Redis so a restarted instance serves the same answers. Also knows, for any entity,
 * which rankings list it (to update them when it changes or goes).
 */
@Injectable()
export class RankingStore {
  private readonly rankings = new Map<string, MatchRankingEvent>();
  private readonly listedIn = new Map<string, Set<string>>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  get(type: EntityType, id: string): MatchRankingEvent | undefined {
    return this.rankings.get(`${type}:${id}`);
  }

  get size(): number {
    return this.rankings.size;
  }

  /** Subjects (as [type, id]) whose current ranking lists this entity. */
  subjectsListing(type: EntityType, id: string): [EntityType, string][] {
    const subjectType: EntityType = type === 'job' ? 'profile' : 'job';
    return [...(this.listedIn.get(`${type}:${id}`) ?? [])].map((subjectId) => [
      subjectType,
      subjectId,
    ]);
  }

  /** Stores rankings; `json` is each one as already serialised for Kafka (serialised once). */
  async save(rankings: readonly { ranking: MatchRankingEvent; json: string }[]): Promise<void> {
    if (rankings.length === 0) return;
    await this.redis.mset(
      ...rankings.flatMap(({ ranking: r, json }) => [this.key(r.subject.type, r.subject.id), json]),
    );
    rankings.forEach(({ ranking }) => this.remember(ranking));
  }

  async remove(type: EntityType, id: string): Promise<void> {
    await this.redis.del(this.key(type, id));
    this.forget(type, id);
  }

  /** Loads every stored ranking (start-up). */
  async load(): Promise<number> {
    const prefix = this.redis.options.keyPrefix ?? '';
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${prefix}${KEY_PREFIX}*`,
        'COUNT',
        500,
      );
      cursor = next;
      const unprefixed = keys.map((k) => k.slice(prefix.length));
      if (unprefixed.length) {
        const values = await this.redis.mget(...unprefixed);
        for (const value of values) {
          if (!value) continue;
          const parsed = matchRankingEvent.safeParse(JSON.parse(value));
          if (parsed.success) this.remember(parsed.data);
        }
      }
    } while (cursor !== '0');
    return this.rankings.size;
  }

  private key(type: EntityType, id: string): string {
    return `${KEY_PREFIX}${type}:${id}`;
  }

  private remember(ranking: MatchRankingEvent): void {
    const { type, id } = ranking.subject;
    this.forget(type, id);
    this.rankings.set(`${type}:${id}`, ranking);
    const counterpartType: EntityType = type === 'job' ? 'profile' : 'job';
    for (const m of ranking.matches) {
      const key = `${counterpartType}:${m.counterpartId}`;
      let set = this.listedIn.get(key);
      if (!set) this.listedIn.set(key, (set = new Set()));
      set.add(id);
    }
  }

  private forget(type: EntityType, id: string): void {
    const previous = this.rankings.get(`${type}:${id}`);
    if (!previous) return;
    const counterpartType: EntityType = type === 'job' ? 'profile' : 'job';
    for (const m of previous.matches)
      this.listedIn.get(`${counterpartType}:${m.counterpartId}`)?.delete(id);
    this.rankings.delete(`${type}:${id}`);
  }
}
