import { poll, waitFor } from './wait';

describe('poll and waitFor', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    await expect(poll(() => ++calls >= 3 && calls, { intervalMs: 1 })).resolves.toBe(3);
  });

  it('gives up after the timeout: undefined from poll, an error naming the wait from waitFor', async () => {
    await expect(poll(() => false, { timeoutMs: 20, intervalMs: 5 })).resolves.toBeUndefined();
    await expect(waitFor('nothing', () => null, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'timed out waiting for nothing',
    );
  });

  it('gives up early once progress stalls, not while it moves', async () => {
    const started = Date.now();
    const stalled = await poll(() => false, {
      timeoutMs: 60000,
      intervalMs: 5,
      stalledMs: 30,
      progress: () => 0,
    });
    expect(stalled).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    let moved = 0;
    await expect(
      poll(() => moved > 20, { intervalMs: 5, stalledMs: 30, progress: () => ++moved }),
    ).resolves.toBe(true);
  });

  it('ends with the error of a probe that throws', async () => {
    await expect(
      poll(() => {
        throw new Error('exited');
      }),
    ).rejects.toThrow('exited');
  });
});
