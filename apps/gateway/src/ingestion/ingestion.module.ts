import { Module } from '@nestjs/common';
import { REDIS } from '@matchstream/redis';
import type { Redis } from 'ioredis';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { StatsModule } from '../stats/stats.module';
import { EventIdRegistry } from './event-id.registry';
import { IngestionController } from './ingestion.controller';
import { IngestionService } from './ingestion.service';

/** POST /v1/events/...: validated, deduplicated by eventId, produced with acks=all. */
@Module({
  imports: [StatsModule],
  controllers: [IngestionController],
  providers: [
    {
      provide: EventIdRegistry,
      inject: [REDIS, GATEWAY_CONFIG],
      useFactory: (redis: Redis, config: GatewayConfig) =>
        new EventIdRegistry(
          redis,
          config.GATEWAY_IDEMPOTENCY_TTL_S,
          // Outlives a timed-out produce, so a quick retry is refused (409) rather than produced twice.
          Math.max(60, Math.ceil((2 * config.GATEWAY_PRODUCE_TIMEOUT_MS) / 1000)),
        ),
    },
    IngestionService,
  ],
})
export class IngestionModule {}
