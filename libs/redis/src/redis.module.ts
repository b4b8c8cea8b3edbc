import { Inject, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthService, MetricsService } from '@matchstream/observability';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisClient } from './redis-client.factory';

export const REDIS = Symbol('REDIS');

/** One Redis connection per service, health-checked and closed on shutdown. */
@Module({})
export class RedisModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisModule.name);

  static forRoot(options: { url: string; keyPrefix: string }): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        {
          provide: REDIS,
          inject: [MetricsService],
          useFactory: (metrics: MetricsService) =>
            createRedisClient({
              ...options,
              onError: () => metrics.dependencyErrors.inc({ dependency: 'redis' }),
            }),
        },
      ],
      exports: [REDIS],
    };
  }

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly health: HealthService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('redis', () =>
      this.redis.status === 'ready'
        ? { status: 'up' }
        : { status: 'degraded', detail: `connection ${this.redis.status}` },
    );
    try {
      await connectRedis(this.redis);
    } catch (error) {
      // Not fatal: the client reconnects by itself and consumers wait for it.
      this.logger.warn(`Redis unavailable at start-up: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
