import { StateLock } from './state-lock';

function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('StateLock', () => {
  it('runs work one at a time, in order, past a failure', async () => {
    const lock = new StateLock();
    const order: string[] = [];
    const { opened, open } = gate();
    const first = lock.runExclusive(async () => {
      await opened;
      order.push('first');
    });
    const failing = lock.runExclusive(() => Promise.reject(new Error('boom')));
    const third = lock.runExclusive(() => order.push('third'));
    expect(lock.busy).toBe(true);
    open();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await third;
    expect(order).toEqual(['first', 'third']);
    expect(lock.busy).toBe(false);
  });

  it('keeps a waiting chunk alive until its turn, then stops', async () => {
    jest.useFakeTimers();
    try {
      const lock = new StateLock();
      const { opened, open } = gate();
      const holder = lock.runExclusive(() => opened);
      const heartbeat = jest.fn(() => Promise.resolve());
      const waiting = lock.runExclusive(() => 'done', heartbeat);
      jest.advanceTimersByTime(7000);
      expect(heartbeat.mock.calls.length).toBeGreaterThanOrEqual(3);
      open();
      await holder;
      await expect(waiting).resolves.toBe('done');
      const calls = heartbeat.mock.calls.length;
      jest.advanceTimersByTime(10000);
      expect(heartbeat.mock.calls.length).toBe(calls);
    } finally {
      jest.useRealTimers();
    }
  });
});
