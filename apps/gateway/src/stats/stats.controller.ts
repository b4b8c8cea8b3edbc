import { Controller, Get, Header } from '@nestjs/common';
import { GatewayStats } from './gateway-stats.service';
import type { GatewayStatsSnapshot } from './gateway-stats.service';

@Controller('v1')
export class StatsController {
  constructor(private readonly stats: GatewayStats) {}

  /** Counters for the live view (and anyone curious); Prometheus has the same on /metrics. */
  @Get('stats')
  @Header('Cache-Control', 'no-store')
  snapshot(): GatewayStatsSnapshot {
    return this.stats.snapshot();
  }
}
