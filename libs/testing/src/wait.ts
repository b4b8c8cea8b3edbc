export interface WaitOptions {
  timeoutMs?: number;
  /** Between probes. */
  intervalMs?: number;
  /**
   * Gives up sooner once `progress` has not moved for this long: a drain that has stopped will
   * not finish, and waiting out the whole timeout would only hide that.
   */
  stalledMs?: number;
  progress?: () => number;
}

type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

/**
 * Probes until `probe` returns a truthy value and returns it, or undefined once it gives up (a
 * benchmark reports what it saw instead of failing). A probe that throws ends the wait with its
 * error.
 */
export async function poll<T>(probe: Probe<T>, options: WaitOptions = {}): Promise<T | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  const stalledMs = options.stalledMs ?? Infinity;
  let last = options.progress?.();
  let lastChange = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    const now = Date.now();
    const current = options.progress?.();
    if (current !== last) {
      last = current;
      lastChange = now;
    }
    if (now > deadline || now - lastChange > stalledMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** As `poll`, but giving up is an error that names what was awaited (a test fails on it). */
export async function waitFor<T>(
  what: string,
  probe: Probe<T>,
  options: number | WaitOptions = {},
): Promise<T> {
  const value = await poll(probe, typeof options === 'number' ? { timeoutMs: options } : options);
  if (!value) throw new Error(`timed out waiting for ${what}`);
  return value;
}
