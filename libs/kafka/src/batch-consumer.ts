import { NonRetriableEventError } from '@matchstream/contracts';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { UndecodableBatch } from './codecs/undecodable-batch';
import type { ConsumedRecord } from './consumed-record';
import { toConsumedRecord } from './consumed-record';
import { recordSegments } from './record-segments';
import { backoffMs, isTransientError, sleep } from './transient-error';

export interface BatchContext {
  /** Keeps the group session alive during long work. */
  heartbeat(): Promise<void>;
}

/**
 * Processes records of one topic partition, in offset order. It must make every record's outcome
 * durable (published, stored or dead-lettered) before it resolves, and be idempotent: after a crash
 * the same records are delivered again. Throw a transient error to have the chunk retried.
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
   * be decoded at all (a NonRetriableEventError with reason undecodable-record, standing for the
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
  log?: (
    level: 'info' | 'warn' | 'error',
    message: string,
    extra?: Record<string, unknown>,
  ) => void;
}

export type ConsumerState = 'idle' | 'running' | 'retrying' | 'stopped';

/**
 * A kafkajs consumer with the guarantees the pipeline relies on:
 * - offsets are committed explicitly, after the handler resolved, chunk by chunk;
 * - transient failures are retried with backoff for as long as it takes (consumption of that
 *   partition waits, which is the backpressure), while heartbeats keep the group membership;
 * - a chunk that fails otherwise is split, so one poison record is dead-lettered alone and the
 *   records around it are processed normally;
 * - a record batch kafkajs could not decompress or decode arrives as placeholders (see
 *   codecs/undecodable-batch.ts) and is dead-lettered as one, then committed past.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private stateValue: ConsumerState = 'idle';
  private lastErrorValue: string | null = null;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1024 * 1024,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.log('error', 'consumer crashed; kafkajs restarts it', {
        error: String(event.payload.error),
      });
    });
  }

  get state(): ConsumerState {
    return this.stateValue;
  }

  get lastError(): string | null {
    return this.lastErrorValue;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.processBatch(payload),
    });
    this.setState('running');
  }

  /** Stops fetching, lets in-flight chunks finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.setState('stopped');
    await this.consumer.disconnect();
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
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
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      await this.consumer.commitOffsets([
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
        if (isTransientError(err)) {
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
        await this.retryTransient(
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
    await this.retryTransient(
      () =>
        this.options.onPoisonRecord(
          letter,
          new NonRetriableEventError('undecodable-record', detail),
        ),
      heartbeat,
      active,
    );
  }

  private async retryTransient(
    action: () => Promise<void>,
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        if (!isTransientError(error) || !active()) throw error;
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
