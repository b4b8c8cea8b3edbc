import { Injectable } from '@nestjs/common';

/** Within the consumers' heartbeat interval. */
const KEEP_ALIVE_MS = 2000;

/**
 * Serialises all work on the state and rankings: chunks, handovers, audits and their repairs run
 * one at a time, each seeing what the previous one left. Every part that changes or reads them as
 * a whole takes its turn here.
 */
@Injectable()
export class StateLock {
  private waiting = 0;
  private previous: Promise<unknown> = Promise.resolve();

  /** Work is running or queued: no snapshot may capture the state now. */
  get busy(): boolean {
    return this.waiting > 0;
  }

  /**
   * Runs `work` after everything queued before it; a failure does not block what follows.
   * `whileWaiting` is called every few seconds until its turn comes: a consumer's chunk keeps its
   * group membership while a long handover or audit holds the lock.
   */
  async runExclusive<T>(
    work: () => Promise<T> | T,
    whileWaiting?: () => Promise<unknown>,
  ): Promise<T> {
    this.waiting++;
    const keepAlive = whileWaiting
      ? setInterval(() => void whileWaiting().catch(() => undefined), KEEP_ALIVE_MS)
      : undefined;
    const turn = this.previous.then(() => {
      clearInterval(keepAlive);
      return work();
    });
    this.previous = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      clearInterval(keepAlive);
      this.waiting--;
    }
  }
}
