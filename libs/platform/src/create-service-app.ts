import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { NestApplicationOptions } from '@nestjs/common';
import { createJsonLogger } from '@matchstream/observability';
import { applyServiceDefaults } from './service-defaults';

/** A service's Nest app with the JSON logger and the shared defaults (API keys, shutdown). */
export async function createServiceApp<T extends INestApplication = INestApplication>(
  module: DynamicModule,
  config: { LOG_LEVEL: string; API_KEYS: readonly string[]; SHUTDOWN_TIMEOUT_MS: number },
  options: NestApplicationOptions = {},
): Promise<T> {
  const app = await NestFactory.create<T>(module, {
    logger: createJsonLogger(config.LOG_LEVEL),
    ...options,
  });
  applyServiceDefaults(app, {
    apiKeys: config.API_KEYS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  return app;
}
