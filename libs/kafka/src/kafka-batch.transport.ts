import { Server } from '@nestjs/microservices';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { BatchConsumerOptions, BatchContext } from './batch-consumer';
import { BatchConsumer } from './batch-consumer';
import type { ConsumedRecord } from './consumed-record';

export type KafkaBatchTransportOptions = Omit<BatchConsumerOptions, 'handler' | 'topics'> & {
  /** Topics this service must consume: each needs exactly one @EventPattern handler. */
  topics: readonly string[];
};

/** What an @EventPattern(topic) handler receives through @Ctx(). */
export class KafkaBatchContext {
  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly batch: BatchContext,
  ) {}

  heartbeat(): Promise<void> {
    return this.batch.heartbeat();
  }
}

/**
 * A Nest microservice transport for Kafka that hands each @EventPattern(topic) handler a chunk of
 * records from one partition (the payload) instead of one message at a time, commits offsets only
 * after the handler resolved, retries transient errors and dead-letters poison records.
 * Nest's built-in Kafka transport commits after every handler and has no dead-letter topic.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private consumer: BatchConsumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaBatchTransportOptions,
  ) {
    super();
  }

  /** The underlying consumer's state, for health checks. */
  get consumerState(): BatchConsumer['state'] | 'idle' {
    return this.consumer?.state ?? 'idle';
  }

  get lastError(): string | null {
    return this.consumer?.lastError ?? null;
  }

  /** See BatchConsumer.stalledForMs. */
  stalledForMs(): number | null {
    return this.consumer?.stalledForMs() ?? null;
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      this.checkHandlers();
    } catch (error) {
      callback(error);
      return;
    }
    this.consumer = new BatchConsumer(this.kafka, {
      ...this.options,
      handler: (records, context) => this.dispatch(records, context),
    });
    this.consumer.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not emit events');
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }

  /** A topic without a handler, or a handler for an unknown topic, stops start-up. */
  private checkHandlers(): void {
    const handled = [...this.messageHandlers.keys()];
    const missing = this.options.topics.filter((t) => !handled.includes(t));
    const unknown = handled.filter((t) => !this.options.topics.includes(t));
    if (missing.length || unknown.length) {
      throw new Error(
        `Kafka handlers do not match topics: missing [${missing.join(', ')}], unknown [${unknown.join(', ')}]`,
      );
    }
  }

  private async dispatch(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    const { topic, partition } = records[0];
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`no handler for topic ${topic}`);
    const result: unknown = await handler(
      records,
      new KafkaBatchContext(topic, partition, context),
    );
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}
