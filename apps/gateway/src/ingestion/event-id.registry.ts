import type { Redis } from 'ioredis';

export type ClaimOutcome = 'claimed' | 'accepted' | 'in-flight';

const PENDING = 'pending';
const ACCEPTED = 'accepted';

/**
 * Remembers accepted event ids in Redis so a client's retry is answered, not produced again.
 * An id is first claimed as "pending" (SET NX, short TTL), produced, then marked "accepted" for
 * the idempotency window. Claiming before producing keeps two concurrent posts of one event from
 * both producing it; the short pending TTL means a gateway that dies mid-produce blocks a retry
 * for a minute at most (a retry after that may produce twice, which downstream's entityVersion
 * check makes harmless).
 */
export class EventIdRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly acceptedTtlSeconds: number,
    private readonly pendingTtlSeconds: number,
  ) {}

  private key(eventId: string): string {
    return `gateway:event-id:${eventId}`;
  }

  async claim(eventIds: readonly string[]): Promise<Map<string, ClaimOutcome>> {
    const outcomes = new Map<string, ClaimOutcome>();
    if (eventIds.length === 0) return outcomes;
    const pipeline = this.redis.pipeline();
    for (const id of eventIds)
      pipeline.set(this.key(id), PENDING, 'EX', this.pendingTtlSeconds, 'NX');
    const results = (await pipeline.exec()) ?? [];
    const taken: string[] = [];
    eventIds.forEach((id, i) => {
      const [error, reply] = results[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      if (reply === 'OK') outcomes.set(id, 'claimed');
      else taken.push(id);
    });
    if (taken.length > 0) {
      const states = await this.redis.mget(...taken.map((id) => this.key(id)));
      taken.forEach((id, i) => outcomes.set(id, states[i] === ACCEPTED ? 'accepted' : 'in-flight'));
    }
    return outcomes;
  }

  /** Marks produced ids accepted for the idempotency window. */
  async confirm(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.set(this.key(id), ACCEPTED, 'EX', this.acceptedTtlSeconds);
    await pipeline.exec();
  }

  /** Gives claimed ids back after a produce that certainly failed, so a retry is produced. */
  async release(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.redis.del(...eventIds.map((id) => this.key(id)));
  }
}
