import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly health: HealthService,
  ) {}

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }

  /** Liveness: the process answers. Orchestrators restart it when this fails. */
  @Get('health/live')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  /** Readiness: 200 when up or degraded (it recovers by itself), 503 when down. */
  @Get(['health', 'health/ready'])
  @Header('Cache-Control', 'no-store')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  }
}
