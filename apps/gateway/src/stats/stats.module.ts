import { Module } from '@nestjs/common';
import { MetricsService } from '@matchstream/observability';
import { DeadLetterWatcher } from './dead-letter.watcher';
import { GatewayStats } from './gateway-stats.service';
import { InputTopicsWatcher } from './input-topics.watcher';
import { StatsController } from './stats.controller';

/**
 * The gateway's counters (ingestion and the stream add to them), the dead-letter watcher and the
 * input topics' record counts.
 */
@Module({
  controllers: [StatsController],
  providers: [
    {
      provide: GatewayStats,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService) => new GatewayStats(metrics),
    },
    DeadLetterWatcher,
    InputTopicsWatcher,
  ],
  exports: [GatewayStats],
})
export class StatsModule {}
