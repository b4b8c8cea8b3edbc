import { Injectable } from '@nestjs/common';

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

  /** Runs `work` after everything queued before it; a failure does not block what follows. */
  async runExclusive<T>(work: () => Promise<T> | T): Promise<T> {
    this.waiting++;
    const turn = this.previous.then(work);
    this.previous = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      this.waiting--;
    }
  }
}
