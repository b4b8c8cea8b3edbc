import { Inject, Injectable } from '@nestjs/common';
import { matchRankingEvent } from '@matchstream/contracts';
import type { EntityType, MatchRankingEvent } from '@matchstream/contracts';
import { TransientError } from '@matchstream/kafka';
import { REDIS } from '@matchstream/redis';
import type { Redis } from 'ioredis';

const KEY_PREFIX = 'ranking:';
/** Set once Redis holds every ranking: gone after a Redis restart without persistence. */
const PRESENT_MARKER = 'rankings-present';
const RESTORE_BATCH = 500;

/**
 * The latest stored ranking per subject: what was published and what the HTTP API serves, in
 * memory, written through to Redis so a restarted instance finds what it last published.
 */
@Injectable()
export class RankingStore {
  private readonly rankings = new Map<string, MatchRankingEvent>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  get(type: EntityType, id: string): MatchRankingEvent | undefined {
    return this.rankings.get(`${type}:${id}`);
  }

  get size(): number {
    return this.rankings.size;
  }

  keys(): IterableIterator<string> {
    return this.rankings.keys();
  }

  /**
   * Removes some subjects' rankings and stores others, in one Redis transaction; memory follows
   * only once Redis has them. `json` is each ranking as already serialised for Kafka.
   */
  async replace(
    removed: readonly { type: EntityType; id: string }[],
    saved: readonly { ranking: MatchRankingEvent; json: string }[],
  ): Promise<void> {
    if (removed.length === 0 && saved.length === 0) return;
    const transaction = this.redis.multi();
    if (removed.length) transaction.del(...removed.map((s) => this.key(s.type, s.id)));
    if (saved.length) {
      transaction.mset(
        ...saved.flatMap(({ ranking: r, json }) => [this.key(r.subject.type, r.subject.id), json]),
      );
    }
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed)
      throw failed?.[0] ?? new TransientError('Redis discarded the transaction');
    for (const s of removed) this.rankings.delete(`${s.type}:${s.id}`);
    for (const { ranking: r } of saved) this.rankings.set(`${r.subject.type}:${r.subject.id}`, r);
  }

  /**
   * Writes every ranking back when Redis lost them (it restarted empty): memory is the truth, as
   * it was published. Returns how many were written (0 when Redis still had them).
   */
  async restoreIfLost(): Promise<number> {
    if ((await this.redis.exists(PRESENT_MARKER)) === 1) return 0;
    const all = [...this.rankings.values()];
    for (let i = 0; i < all.length; i += RESTORE_BATCH) {
      // (A loop that never runs for no rankings: MSET takes at least one pair.)
      const batch = all.slice(i, i + RESTORE_BATCH);
      await this.redis.mset(
        ...batch.flatMap((r) => [this.key(r.subject.type, r.subject.id), JSON.stringify(r)]),
      );
    }
    await this.markPresent();
    return all.length;
  }

  /** Records that Redis holds every ranking (after start-up reconciliation). */
  async markPresent(): Promise<void> {
    await this.redis.set(PRESENT_MARKER, '1');
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
          if (parsed.success) {
            const { type, id } = parsed.data.subject;
            this.rankings.set(`${type}:${id}`, parsed.data);
          }
        }
      }
    } while (cursor !== '0');
    return this.rankings.size;
  }

  /** The ranking as Redis holds it now (the consistency audit compares it with memory). */
  async readStored(type: EntityType, id: string): Promise<MatchRankingEvent | null> {
    const value = await this.redis.get(this.key(type, id));
    if (!value) return null;
    const parsed = matchRankingEvent.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  }

  private key(type: EntityType, id: string): string {
    return `${KEY_PREFIX}${type}:${id}`;
  }
}
