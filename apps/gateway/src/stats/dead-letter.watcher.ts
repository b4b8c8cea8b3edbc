import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DEAD_LETTER_HEADERS, TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT, TopicTail } from '@matchstream/kafka';
import type { Kafka } from 'kafkajs';
import { GatewayStats } from './gateway-stats.service';

/**
 * Counts dead letters as they are written (from this process's start on), so the live view shows
 * bad input next to good without anyone opening a Kafka console.
 */
@Injectable()
export class DeadLetterWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadLetterWatcher.name);
  private readonly tail: TopicTail;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka, stats: GatewayStats) {
    this.tail = new TopicTail(
      kafka,
      TOPICS.deadLetters,
      (record) => stats.countDeadLetter(record.headers[DEAD_LETTER_HEADERS.reason]),
      'matchstream-gateway-dead-letters',
    );
  }

  // After every module's init: KafkaModule has ensured the topics by then.
  async onApplicationBootstrap(): Promise<void> {
    await this.tail.start();
    this.logger.log('following the dead-letter topic');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.tail.stop().catch(() => undefined);
  }
}
