import { FinalEventError, backoffMs, isRetriable, sleep } from '@matchstream/errors';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { UndecodableBatch } from './codecs/undecodable-batch';
import type { ConsumedRecord } from './consumed-record';
import { toConsumedRecord } from './consumed-record';
import { recordSegments } from './record-segments';

export interface BatchContext {
  /** Keeps the group session alive during long work. */
  heartbeat(): Promise<void>;
}

/**
 * Processes records of one topic partition, in offset order. It must make every record's outcome
 * durable (published, stored or dead-lettered) before it resolves, and be idempotent: after a crash
 * the same records are delivered again. Throw a retriable error (`@matchstream/errors`) to have the chunk retried.
 */
export type RecordBatchHandler = (
  records: ConsumedRecord[],
  context: BatchContext,
) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  topics: readonly string[];
  handler: RecordBatchHandler;
  /**
   * A record whose processing failed with a non-transient error, or a record batch that could not
   * be decoded at all (a FinalEventError with reason undecodable-record, standing for the
   * whole batch); must make it durable (DLQ).
   */
  onPoisonRecord: (record: ConsumedRecord, error: Error) => Promise<void>;
  fromBeginning?: boolean;
  /** Records handed to the handler at once; also bounds work between heartbeats. */
  maxChunkSize?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  onRetry?: (error: Error, attempt: number) => void;
  onStateChange?: (state: ConsumerState) => void;
  /**
   * Self-restarts allowed after kafkajs gave a consumer up (a crash it does not restart), within
   * `restartWindowMs`; one more crash in the window and the consumer is `crashed` for good.
   */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Wait before self-restart number `attempt` (1-based). */
  restartDelayMs?: (attempt: number) => number;
  /** A running consumer without progress for this long is reported stalled (see stalledForMs). */
  stallAfterMs?: number;
  log?: (
    level: 'info' | 'warn' | 'error',
    message: string,
    extra?: Record<string, unknown>,
  ) => void;
}

/**
 * idle: not started; running; retrying: a chunk waits for a dependency (recovers by itself);
 * restarting: kafkajs gave the consumer up and it is being restarted; crashed: it was given up
 * more often than allowed and consumes nothing until the process is restarted; stopped: shut down.
 */
export type ConsumerState = 'idle' | 'running' | 'retrying' | 'restarting' | 'crashed' | 'stopped';

/**
 * A kafkajs consumer with the guarantees the pipeline relies on:
 * - offsets are committed explicitly, after the handler resolved, chunk by chunk;
 * - transient failures are retried with backoff for as long as it takes (consumption of that
 *   partition waits, which is the backpressure), while heartbeats keep the group membership;
 * - a chunk that fails otherwise is split, so one poison record is dead-lettered alone and the
 *   records around it are processed normally;
 * - a record batch kafkajs could not decompress or decode arrives as placeholders (see
 *   codecs/undecodable-batch.ts) and is dead-lettered as one, then committed past;
 * - a consumer kafkajs gives up (`consumer.crash` with `restart: false`, after which it consumes
 *   nothing and says nothing more) is restarted a bounded number of times, then reported
 *   `crashed`, which /health and matchstream_consumer_up turn into an alert.
 */
export class BatchConsumer {
  private consumer: Consumer;
  private stateValue: ConsumerState = 'idle';
  private lastErrorValue: string | null = null;
  private crashTimes: number[] = [];
  private lastProgressAt = Date.now();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.consumer = this.createConsumer();
  }

  /** A fresh kafkajs consumer: one that was given up cannot be run again reliably. */
  private createConsumer(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1024 * 1024,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (consumer !== this.consumer || this.stateValue === 'stopped') return;
      if (restart) {
        this.log('warn', 'consumer crashed; kafkajs restarts it', { error: String(error) });
        return;
      }
      void this.restartAfterCrash(error);
    });
    // Progress, for the stall check: kafkajs retries a fetch that keeps failing forever (our
    // retry setting), silently, so "no fetch has completed for long" is the only sign of it.
    const progressed = () => {
      if (consumer === this.consumer) this.lastProgressAt = Date.now();
    };
    consumer.on(consumer.events.FETCH, progressed);
    consumer.on(consumer.events.START_BATCH_PROCESS, progressed);
    consumer.on(consumer.events.END_BATCH_PROCESS, progressed);
    return consumer;
  }

  /**
   * How long a running consumer has gone without completing a fetch or processing a batch, when
   * that exceeds `stallAfterMs` (an idle consumer still completes a fetch every few seconds);
   * null otherwise. While a chunk waits for a dependency the consumer is `retrying` instead.
   */
  stalledForMs(now = Date.now()): number | null {
    if (this.stateValue !== 'running') return null;
    const quiet = now - this.lastProgressAt;
    return quiet > (this.options.stallAfterMs ?? 120_000) ? quiet : null;
  }

  get state(): ConsumerState {
    return this.stateValue;
  }

  get lastError(): string | null {
    return this.lastErrorValue;
  }

  async start(): Promise<void> {
    await this.run();
    this.lastProgressAt = Date.now();
    this.setState('running');
  }

  private async run(): Promise<void> {
    const consumer = this.consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      // A batch still in flight when its consumer was replaced commits through its own consumer
      // (a no-op once that one stopped), never through the new one's group generation.
      eachBatch: (payload) => this.processBatch(consumer, payload),
    });
  }

  /**
   * kafkajs gave the consumer up: it has disconnected and will fetch nothing more. A fresh one is
   * started after a pause, unless that happened too often lately: a cause that persists (a record
   * that breaks every attempt the same way) must end in a visible `crashed`, not a silent loop.
   */
  private async restartAfterCrash(error: Error): Promise<void> {
    const now = Date.now();
    const window = this.options.restartWindowMs ?? 10 * 60_000;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < window), now];
    this.lastErrorValue = `${error.name}: ${error.message}`;
    const attempt = this.crashTimes.length;
    if (attempt > (this.options.maxRestarts ?? 3)) {
      this.log('error', 'consumer crashed too often; giving up until the process restarts', {
        error: this.lastErrorValue,
        crashes: attempt,
      });
      this.setState('crashed');
      return;
    }
    const delay = this.options.restartDelayMs?.(attempt) ?? backoffMs(attempt, 1000, 30000);
    this.log('error', 'consumer crashed and was not restarted by kafkajs; restarting it', {
      error: this.lastErrorValue,
      attempt,
      delayMs: delay,
    });
    this.setState('restarting');
    await sleep(delay);
    if (this.stateValue !== 'restarting') return; // stopped meanwhile
    const previous = this.consumer;
    this.consumer = this.createConsumer();
    await previous.disconnect().catch(() => undefined);
    try {
      await this.run();
      this.lastProgressAt = Date.now();
      if (this.stateValue === 'restarting') this.setState('running');
    } catch (startError) {
      if (this.stateValue !== 'restarting') return;
      await this.restartAfterCrash(
        startError instanceof Error ? startError : new Error(String(startError)),
      );
    }
  }

  /** Stops fetching, lets in-flight chunks finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.setState('stopped');
    await this.consumer.disconnect();
  }

  private async processBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    const size = this.options.maxChunkSize ?? 64;
    const active = () => isRunning() && !isStale();
    const records = batch.messages.map((m) => toConsumedRecord(batch.topic, batch.partition, m));
    for (const segment of recordSegments(records, size)) {
      if (!active()) return;
      const chunk = segment.records;
      if (segment.kind === 'undecodable') {
        await this.deadLetterUndecodable(chunk, segment.batch, heartbeat, active);
      } else {
        await this.processChunk(chunk, heartbeat, active);
      }
      this.lastProgressAt = Date.now();
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      await heartbeat();
    }
  }

  private async processChunk(
    chunk: ConsumedRecord[],
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handler(chunk, { heartbeat });
        if (this.stateValue === 'retrying') this.setState('running');
        return;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        if (isRetriable(err)) {
          if (!active()) throw err; // shutting down or rebalanced: the records are redelivered
          this.lastErrorValue = err.message;
          this.setState('retrying');
          this.options.onRetry?.(err, attempt);
          this.log('warn', 'transient failure; retrying', { attempt, error: err.message });
          await this.sleepWithHeartbeat(backoffMs(attempt), heartbeat);
          continue;
        }
        if (chunk.length > 1) {
          for (const record of chunk) await this.processChunk([record], heartbeat, active);
          return;
        }
        this.log('error', 'record failed; dead-lettering it', {
          topic: chunk[0].topic,
          partition: chunk[0].partition,
          offset: chunk[0].offset,
          error: err.message,
        });
        await this.retryWhileActive(
          () => this.options.onPoisonRecord(chunk[0], err),
          heartbeat,
          active,
        );
        return;
      }
    }
  }

  /**
   * One dead letter for the placeholders of one undecodable batch: keyless, at the first offset
   * delivered, its value the batch's compressed bytes when they were kept.
   */
  private async deadLetterUndecodable(
    placeholders: ConsumedRecord[],
    batch: UndecodableBatch,
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<void> {
    const first = placeholders[0];
    const last = placeholders[placeholders.length - 1];
    const detail =
      `${batch.codec} record batch at offsets ${batch.firstOffset}..${batch.lastOffset} ` +
      `(${batch.records} records; offsets ${first.offset}..${last.offset} dead-lettered) ` +
      `could not be decoded: ${batch.error}`;
    this.log('error', 'undecodable record batch; dead-lettering it', {
      topic: first.topic,
      partition: first.partition,
      offset: first.offset,
      error: detail,
    });
    const letter: ConsumedRecord = { ...first, headers: {} };
    await this.retryWhileActive(
      () => this.options.onPoisonRecord(letter, new FinalEventError('undecodable-record', detail)),
      heartbeat,
      active,
    );
  }

  private async retryWhileActive(
    action: () => Promise<void>,
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        if (!isRetriable(error) || !active()) throw error;
        this.options.onRetry?.(error as Error, attempt);
        await this.sleepWithHeartbeat(backoffMs(attempt), heartbeat);
      }
    }
  }

  private async sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    await sleep(ms);
    await heartbeat().catch(() => undefined);
  }

  private setState(state: ConsumerState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.options.onStateChange?.(state);
  }

  private log(level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) {
    this.options.log?.(level, message, { groupId: this.options.groupId, ...extra });
  }
}
