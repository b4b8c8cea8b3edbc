export interface MicroBatcherOptions {
  /** Items per call of the batch function. */
  maxBatchSize: number;
  /**
   * How long the first item queued while the batch function is idle waits for company before a
   * partial batch runs. 0: it runs on the next turn of the event loop, with whatever was submitted
   * in this one (natural batching: no added latency when idle, and while a batch runs the items
   * arriving meanwhile form the next one, so batches grow with the load by themselves).
   */
  maxWaitMs: number;
  /** Queued items beyond which `submit` waits: callers slow down instead of memory growing. */
  maxQueued: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects items submitted by concurrent callers into batches for one expensive call (model
 * inference), one batch at a time. A full batch runs at once; a partial one after maxWaitMs (or
 * on the next event-loop turn when that is 0).
 */
export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private cancelTimer: (() => void) | null = null;
  private running = false;
  private spaceWaiters: (() => void)[] = [];

  constructor(
    private readonly processBatch: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  async submit(item: I): Promise<O> {
    while (this.queue.length >= this.options.maxQueued) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  submitAll(items: I[]): Promise<O[]> {
    return Promise.all(items.map((item) => this.submit(item)));
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length >= this.options.maxBatchSize) {
      this.clearTimer();
      void this.drain();
    } else if (!this.cancelTimer) {
      const fire = () => {
        this.cancelTimer = null;
        void this.drain();
      };
      if (this.options.maxWaitMs > 0) {
        const timer = setTimeout(fire, this.options.maxWaitMs);
        this.cancelTimer = () => clearTimeout(timer);
      } else {
        const immediate = setImmediate(fire);
        this.cancelTimer = () => clearImmediate(immediate);
      }
    }
  }

  private async drain(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.options.maxBatchSize);
    this.spaceWaiters.splice(0).forEach((wake) => wake());
    try {
      const outputs = await this.processBatch(batch.map((p) => p.item));
      if (outputs.length !== batch.length) {
        throw new Error(
          `batch function returned ${outputs.length} results for ${batch.length} items`,
        );
      }
      batch.forEach((p, i) => p.resolve(outputs[i]));
    } catch (error) {
      batch.forEach((p) => p.reject(error));
    } finally {
      this.running = false;
      // Items that queued up during inference have waited already: run them now.
      if (this.queue.length > 0) void this.drain();
    }
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }
}
