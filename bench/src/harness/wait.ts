import { poll } from '@matchstream/testing';

/**
 * Waits until `done`, probing often: the waits sit between timed events, and a late look delays
 * the next one. Past `timeoutMs`, or `stalledMs` without `progress` moving, it says so on stderr
 * and returns false: a benchmark reports what arrived rather than failing.
 */
export async function waitUntil(
  what: string,
  done: () => boolean,
  timeoutMs: number,
  stalledMs = Infinity,
  progress?: () => number,
): Promise<boolean> {
  if (await poll(done, { timeoutMs, intervalMs: 20, stalledMs, progress })) return true;
  process.stderr.write(`  gave up waiting for ${what}\n`);
  return false;
}
