import { Module } from '@nestjs/common';
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { HealthService } from './health.service';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsService } from './metrics.service';
import { ObservabilityController } from './observability.controller';

/** /metrics, /health, /health/live, /health/ready and HTTP metrics for one service. */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [ObservabilityController],
      providers: [
        { provide: MetricsService, useFactory: () => new MetricsService(serviceName) },
        HealthService,
        HttpMetricsMiddleware,
      ],
      exports: [MetricsService, HealthService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
