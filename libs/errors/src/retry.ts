import { isRetriable } from './classify-error';

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 10000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs an operation again while it fails retriably (a partition leader still being elected
 * after topic creation, a broker restarting), up to `attempts` times.
 */
export async function retryRetriable<T>(operation: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isRetriable(error)) throw error;
      await sleep(backoffMs(attempt, 100, 2000));
    }
  }
}
