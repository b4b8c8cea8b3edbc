export interface EmitAtRateOptions<T> {
  /** Items per second. */
  ratePerSecond: number;
  /** How many items to emit in all. */
  count: number;
  /** The i-th item (0-based). */
  item: (index: number) => T;
  /**
   * Sends the items that are due, all at once. Not awaited before the next tick (an open-loop
   * generator: a slow send must not lower the offered rate, or latencies would hide the backlog);
   * every send is awaited before `emitAtRate` resolves. `scheduledAt` is each item's due time.
   */
  send: (items: T[], scheduledAt: number[]) => Promise<void>;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Sleep (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Longest sleep between ticks in ms (default 50). */
  maxTickMs?: number;
}

export interface EmitReport {
  sent: number;
  /** From the first item's due time to the last send call. */
  elapsedMs: number;
  /** sent / elapsed, per second (the target rate when the sender kept up). */
  achievedRate: number;
  /** Largest delay between an item's due time and its send call, ms. */
  maxLagMs: number;
}

/**
 * Emits `count` items at `ratePerSecond`, item i due at start + i / rate. Items that fall due
 * together (short ticks, a busy event loop) go out in one `send` call.
 */
export async function emitAtRate<T>(options: EmitAtRateOptions<T>): Promise<EmitReport> {
  const { ratePerSecond, count, item, send } = options;
  if (!(ratePerSecond > 0)) throw new Error(`ratePerSecond must be positive, got ${ratePerSecond}`);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new Error(`count must be >= 0, got ${count}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxTick = options.maxTickMs ?? 50;
  const interval = 1000 / ratePerSecond;

  const start = now();
  const sends: Promise<void>[] = [];
  let next = 0;
  let maxLagMs = 0;
  let lastSendAt = start;
  while (next < count) {
    const t = now();
    const due = Math.min(count, Math.floor((t - start) / interval) + 1);
    if (due > next) {
      const items: T[] = [];
      const scheduledAt: number[] = [];
      for (let i = next; i < due; i++) {
        items.push(item(i));
        scheduledAt.push(start + i * interval);
      }
      maxLagMs = Math.max(maxLagMs, t - scheduledAt[0]);
      next = due;
      lastSendAt = t;
      sends.push(send(items, scheduledAt));
    }
    if (next < count) {
      const wait = start + next * interval - now();
      await sleep(Math.max(0, Math.min(maxTick, wait)));
    }
  }
  await Promise.all(sends);
  // The last item is due at (count - 1) intervals; the achieved rate counts the gaps between sends.
  const elapsedMs = lastSendAt - start;
  return {
    sent: count,
    elapsedMs,
    achievedRate: count > 1 && elapsedMs > 0 ? ((count - 1) * 1000) / elapsedMs : ratePerSecond,
    maxLagMs,
  };
}
