import { Inject, Injectable } from '@nestjs/common';
import { matchRankingEvent, entityKey } from '@matchstream/contracts';
import type { EntityType, MatchRankingEvent } from '@matchstream/contracts';
import { RetriableError } from '@matchstream/errors';
import { REDIS } from '@matchstream/redis';
import type { Redis } from 'ioredis';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';

const KEY_PREFIX = 'ranking:';
/** Set by each instance once Redis holds its rankings: gone after a restart without persistence. */
const PRESENT_MARKER = 'rankings-present:';
const SCAN_COUNT = 1000;

/**
 * What this instance remembers of a stored ranking: enough to tell whether a new one differs and
 * which counterparts it retracts, a fraction of the whole event (which Redis holds).
 */
export interface RankingSummary {
  version: number;
  ids: string[];
  scores: number[];
}

/**
 * The latest stored ranking per subject, in Redis: what was published and what the HTTP API
 * serves (any instance answers from it). In memory, a compact summary of the rankings of the
 * subjects this instance owns, to compare new rankings with.
 */
@Injectable()
export class RankingStore {
  private readonly summaries = new Map<string, RankingSummary>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(MATCHING_SERVICE_CONFIG)
    private readonly config: Pick<MatchingServiceConfig, 'MATCHING_INSTANCE_ID'>,
  ) {}

  get(type: EntityType, id: string): RankingSummary | undefined {
    return this.summaries.get(entityKey(type, id));
  }

  get size(): number {
    return this.summaries.size;
  }

  keys(): IterableIterator<string> {
    return this.summaries.keys();
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
      throw failed?.[0] ?? new RetriableError('redis', 'Redis discarded the transaction');
    for (const s of removed) this.summaries.delete(entityKey(s.type, s.id));
    for (const { ranking } of saved) this.remember(ranking);
  }

  /** Forgets what was stored for one subject: its next ranking is stored whatever it is. */
  forgetSubject(key: string): void {
    this.summaries.delete(key);
  }

  /** Drops the summaries of subjects this instance no longer owns. */
  forget(owned: (key: string) => boolean): void {
    for (const key of this.summaries.keys()) if (!owned(key)) this.summaries.delete(key);
  }

  /**
   * Loads the summaries of the stored rankings whose subject `wanted` accepts (start-up, and the
   * subjects gained in a rebalance). Returns how many were loaded.
   */
  async load(wanted: (key: string) => boolean): Promise<number> {
    const prefix = this.redis.options.keyPrefix ?? '';
    let cursor = '0';
    let loaded = 0;
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${prefix}${KEY_PREFIX}*`,
        'COUNT',
        SCAN_COUNT,
      );
      cursor = next;
      const mine = keys
        .map((k) => k.slice(prefix.length))
        .filter((k) => wanted(k.slice(KEY_PREFIX.length)));
      if (mine.length) {
        for (const value of await this.redis.mget(...mine)) {
          const ranking = value ? parseRanking(value) : null;
          if (ranking) {
            this.remember(ranking);
            loaded++;
          }
        }
      }
    } while (cursor !== '0');
    return loaded;
  }

  /** Whether Redis still holds this instance's rankings (false after it restarted empty). */
  async isPresent(): Promise<boolean> {
    return (await this.redis.exists(this.marker())) === 1;
  }

  /** Records that Redis holds every ranking of this instance's subjects. */
  async markPresent(): Promise<void> {
    await this.redis.set(this.marker(), '1');
  }

  /** The ranking as Redis holds it now: what the API serves, and what the audit checks. */
  async readStored(type: EntityType, id: string): Promise<MatchRankingEvent | null> {
    const value = await this.redis.get(this.key(type, id));
    return value ? parseRanking(value) : null;
  }

  private remember(ranking: MatchRankingEvent): void {
    const { type, id, version } = ranking.subject;
    this.summaries.set(entityKey(type, id), {
      version,
      ids: ranking.matches.map((m) => m.counterpartId),
      scores: ranking.matches.map((m) => m.score),
    });
  }

  private marker(): string {
    return `${PRESENT_MARKER}${this.config.MATCHING_INSTANCE_ID}`;
  }

  private key(type: EntityType, id: string): string {
    return `${KEY_PREFIX}${type}:${id}`;
  }
}

function parseRanking(value: string): MatchRankingEvent | null {
  try {
    const parsed = matchRankingEvent.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
