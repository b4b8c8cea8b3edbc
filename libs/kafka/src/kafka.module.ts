import { Inject, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TOPIC_SPECS } from '@matchstream/contracts';
import { HealthService, MetricsService } from '@matchstream/observability';
import type { Kafka } from 'kafkajs';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { EventPublisher } from './event-publisher';
import type { KafkaCompression } from './event-publisher';
import type { KafkaConnectionOptions } from './kafka-client.factory';
import { createKafkaClient } from './kafka-client.factory';
import { ensureTopics } from './topic-admin';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/**
 * The Kafka client, an idempotent producer and the dead-letter publisher of one service.
 * Topics are ensured and the producer connected before the app starts consuming.
 */
@Module({})
export class KafkaModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaModule.name);

  static forRoot(
    options: Omit<KafkaConnectionOptions, 'log'> & {
      serviceName: string;
      compression?: KafkaCompression;
    },
  ): DynamicModule {
    const kafkaLogger = new Logger('kafkajs');
    return {
      module: KafkaModule,
      global: true,
      providers: [
        {
          provide: KAFKA_CLIENT,
          useFactory: () =>
            createKafkaClient({
              ...options,
              log: (level, message, extra) => {
                const line = `${message} ${JSON.stringify({ broker: extra.broker, error: extra.error })}`;
                if (level === 'error') kafkaLogger.error(line);
                else kafkaLogger.warn(line);
              },
            }),
        },
        {
          provide: EventPublisher,
          inject: [KAFKA_CLIENT, MetricsService],
          useFactory: (kafka: Kafka, metrics: MetricsService) =>
            new EventPublisher(
              kafka,
              (topic, count) => metrics.eventsProduced.inc({ topic }, count),
              options.compression,
            ),
        },
        {
          provide: DeadLetterPublisher,
          inject: [EventPublisher, MetricsService],
          useFactory: (publisher: EventPublisher, metrics: MetricsService) =>
            new DeadLetterPublisher(publisher, options.serviceName, (topic, reason) =>
              metrics.deadLetters.inc({ topic, reason }),
            ),
        },
      ],
      exports: [KAFKA_CLIENT, EventPublisher, DeadLetterPublisher],
    };
  }

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly health: HealthService,
  ) {}

  async onModuleInit(): Promise<void> {
    const created = await ensureTopics(this.kafka, TOPIC_SPECS);
    if (created.length) this.logger.log(`created topics ${created.join(', ')}`);
    await this.publisher.connect();
    this.health.register('kafka-producer', () =>
      this.publisher.isConnected
        ? { status: 'up' }
        : { status: 'degraded', detail: 'producer disconnected' },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect().catch(() => undefined);
  }
}
