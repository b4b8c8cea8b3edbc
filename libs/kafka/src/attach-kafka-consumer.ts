import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { classifyError } from '@matchstream/errors';
import { HealthService, MetricsService } from '@matchstream/observability';
import type { Kafka } from 'kafkajs';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import { consumerHealth, consumerUp } from './consumer-status';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { KAFKA_CLIENT } from './kafka.module';
import { KafkaBatchTransport } from './kafka-batch.transport';

export interface ConsumerSettings {
  groupId: string;
  topics: readonly string[];
  maxChunkSize: number;
  partitionsConsumedConcurrently: number;
  fromBeginning?: boolean;
  lagIntervalMs?: number;
}

/**
 * Connects a Kafka batch consumer to a Nest app as a microservice: its @EventPattern handlers
 * receive record chunks; poison records go to the dead-letter topic; its state feeds /health and
 * matchstream_consumer_up, its lag matchstream_consumer_lag. Call before app.startAllMicroservices().
 */
export function attachKafkaConsumer(
  app: INestApplication,
  settings: ConsumerSettings,
): KafkaBatchTransport {
  const kafka = app.get<Kafka>(KAFKA_CLIENT);
  const metrics = app.get(MetricsService);
  const health = app.get(HealthService);
  const deadLetters = app.get(DeadLetterPublisher);
  const logger = new Logger(`consumer:${settings.groupId}`);

  const transport = new KafkaBatchTransport(kafka, {
    groupId: settings.groupId,
    topics: settings.topics,
    fromBeginning: settings.fromBeginning ?? true,
    maxChunkSize: settings.maxChunkSize,
    partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
    onPoisonRecord: (record, error) =>
      deadLetters.publish([
        {
          record,
          reason: classifyError(error).reason,
          detail: error.message,
        },
      ]),
    onRetry: (error) => {
      metrics.retries.inc({ operation: 'consume' });
      metrics.dependencyErrors.inc({
        dependency: classifyError(error).dependency,
      });
    },
    onStateChange: (state) => {
      metrics.consumerPaused.set({ group: settings.groupId }, state === 'retrying' ? 1 : 0);
      metrics.consumerUp.set({ group: settings.groupId }, consumerUp(state));
      if (state === 'crashed') logger.error(`consumer ${state}`);
      else logger.log(`consumer ${state}`);
    },
    log: (level, message, extra) => {
      const line = `${message} ${JSON.stringify(extra ?? {})}`;
      if (level === 'error') logger.error(line);
      else if (level === 'warn') logger.warn(line);
      else logger.log(line);
    },
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });

  health.register('consumer', () =>
    consumerHealth(transport.consumerState, transport.lastError, transport.stalledForMs()),
  );

  const lag = new ConsumerLagMonitor(kafka, settings.groupId, settings.topics);
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = lag.measure().then(
      (partitions) => {
        for (const p of partitions) {
          metrics.consumerLag.set(
            { group: settings.groupId, topic: p.topic, partition: String(p.partition) },
            p.lag,
          );
        }
      },
      () => metrics.dependencyErrors.inc({ dependency: 'kafka' }),
    );
  }, settings.lagIntervalMs ?? 10000);
  timer.unref();
  const close = transport.close.bind(transport);
  transport.close = async () => {
    clearInterval(timer);
    await close();
    await inFlight;
    await lag.close().catch(() => undefined);
  };
  return transport;
}
