import { Module } from '@nestjs/common';
import { MetricsService } from '@matchstream/observability';
import { DeadLetterWatcher } from './dead-letter.watcher';
import { GatewayStats } from './gateway-stats.service';
import { StatsController } from './stats.controller';

/** The gateway's counters (ingestion and the stream add to them) and the dead-letter watcher. */
@Module({
  controllers: [StatsController],
  providers: [
    {
      provide: GatewayStats,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService) => new GatewayStats(metrics),
    },
    DeadLetterWatcher,
  ],
  exports: [GatewayStats],
})
export class StatsModule {}
