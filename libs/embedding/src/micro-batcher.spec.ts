import { MicroBatcher } from './micro-batcher';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise the test settles by hand: stands in for a slow model call. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A batch function that doubles numbers and records every batch it was given. */
function doubler() {
  const batches: number[][] = [];
  const fn = (items: number[]) => {
    batches.push([...items]);
    return Promise.resolve(items.map((x) => x * 2));
  };
  return { batches, fn };
}

describe('MicroBatcher', () => {
  it('runs concurrent submits as one call once the batch is full', async () => {
    const { batches, fn } = doubler();
    const batcher = new MicroBatcher(fn, { maxBatchSize: 4, maxWaitMs: 10_000, maxQueued: 100 });

    const results = await Promise.all([1, 2, 3, 4].map((x) => batcher.submit(x)));

    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('never puts more than maxBatchSize items in one call, and keeps their order', async () => {
    const { batches, fn } = doubler();
    const batcher = new MicroBatcher(fn, { maxBatchSize: 4, maxWaitMs: 10_000, maxQueued: 100 });

    const results = await batcher.submitAll([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    // The 2 left over had already waited for the first batches, so they run without maxWaitMs.
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
  });

  it('runs a partial batch after maxWaitMs', async () => {
    const { batches, fn } = doubler();
    const batcher = new MicroBatcher(fn, { maxBatchSize: 8, maxWaitMs: 20, maxQueued: 100 });
    const started = Date.now();

    const pending = Promise.all([batcher.submit(1), batcher.submit(2)]);
    await sleep(5);
    expect(batches).toEqual([]);
    expect(batcher.queued).toBe(2);

    expect(await pending).toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(batcher.queued).toBe(0);
  });

  it('with maxWaitMs 0, runs what was submitted in one turn as one batch, without waiting', async () => {
    const { batches, fn } = doubler();
    const batcher = new MicroBatcher(fn, { maxBatchSize: 8, maxWaitMs: 0, maxQueued: 100 });

    const first = batcher.submitAll([1, 2, 3]);
    expect(batches).toEqual([]); // not synchronously: the rest of this turn may add items
    const second = batcher.submit(4);
    expect(await Promise.all([first, second])).toEqual([[2, 4, 6], 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('with maxWaitMs 0, batches the items that arrive while a batch runs', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    let firstStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) {
          firstStarted();
          await new Promise<void>((resolve) => (release = resolve));
        }
        return items;
      },
      { maxBatchSize: 8, maxWaitMs: 0, maxQueued: 100 },
    );
    const first = batcher.submit(1);
    await started;
    const later = [batcher.submit(2), batcher.submit(3)];
    await sleep(5);
    const last = batcher.submit(4);
    await sleep(5);
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...later, last]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('runs one batch at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(5);
        running--;
        return items;
      },
      { maxBatchSize: 2, maxWaitMs: 1, maxQueued: 100 },
    );
    await batcher.submitAll([1, 2, 3, 4, 5, 6, 7]);
    expect(maxRunning).toBe(1);
  });

  it('rejects every caller of a failed batch with its error, and carries on', async () => {
    const failure = new Error('model crashed');
    let calls = 0;
    const batcher = new MicroBatcher(
      (items: string[]) => {
        if (++calls === 1) return Promise.reject(failure);
        return Promise.resolve(items.map((s) => s.toUpperCase()));
      },
      { maxBatchSize: 3, maxWaitMs: 10_000, maxQueued: 100 },
    );

    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((s) => batcher.submit(s)));
    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);

    await expect(batcher.submitAll(['d', 'e', 'f'])).resolves.toEqual(['D', 'E', 'F']);
  });

  it('rejects the batch when the function throws synchronously', async () => {
    const batcher = new MicroBatcher<number, number>(
      () => {
        throw new Error('not even a promise');
      },
      { maxBatchSize: 2, maxWaitMs: 10_000, maxQueued: 100 },
    );
    await expect(batcher.submitAll([1, 2])).rejects.toThrow('not even a promise');
  });

  it('rejects the batch when the function returns the wrong number of results', async () => {
    const batcher = new MicroBatcher((items: number[]) => Promise.resolve(items.slice(1)), {
      maxBatchSize: 3,
      maxWaitMs: 10_000,
      maxQueued: 100,
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((x) => batcher.submit(x)));
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: expect.objectContaining({
          message: 'batch function returned 2 results for 3 items',
        }),
      });
    }
  });

  it('makes callers wait while maxQueued items are queued', async () => {
    const calls: { items: string[]; done: ReturnType<typeof deferred<string[]>> }[] = [];
    const batcher = new MicroBatcher(
      (items: string[]) => {
        const done = deferred<string[]>();
        calls.push({ items, done });
        return done.promise;
      },
      { maxBatchSize: 2, maxWaitMs: 10_000, maxQueued: 2 },
    );

    const a = batcher.submit('a');
    const b = batcher.submit('b'); // full batch: the first call starts
    const c = batcher.submit('c');
    const d = batcher.submit('d'); // queued behind the running call: the queue is full
    let eQueued = false;
    const e = batcher.submit('e').then((value) => {
      eQueued = true;
      return value;
    });
    await sleep(5);

    expect(calls.map((call) => call.items)).toEqual([['a', 'b']]);
    expect(batcher.queued).toBe(2); // c and d; e is waiting for space, not queued
    expect(eQueued).toBe(false);

    calls[0].done.resolve(['A', 'B']);
    await sleep(0);
    // c and d left the queue for the second call, which made room for e.
    expect(calls.map((call) => call.items)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(batcher.queued).toBe(1);

    calls[1].done.resolve(['C', 'D']);
    await sleep(0);
    expect(calls.map((call) => call.items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    calls[2].done.resolve(['E']);

    expect(await Promise.all([a, b, c, d, e])).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(batcher.queued).toBe(0);
  });
});
