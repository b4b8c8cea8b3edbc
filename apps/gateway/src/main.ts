import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { applyServiceDefaults, runServiceMain } from '@matchstream/platform';
import { createJsonLogger } from '@matchstream/observability';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './gateway.config';
import type { GatewayConfig } from './gateway.config';

/**
 * Starts the gateway (HTTP ingestion, the live match stream, the live view); returns the app so
 * tests can run it in-process. It consumes no input topics: it produces to them, and follows the
 * matches, entity-vector and dead-letter topics with throwaway consumer groups.
 */
export async function startGateway(config: GatewayConfig) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: createJsonLogger(config.LOG_LEVEL),
    // Ingestion reads bodies itself, after the API-key guard and with per-route limits.
    bodyParser: false,
  });
  app.disable('x-powered-by');
  applyServiceDefaults(app, {
    apiKeys: config.API_KEYS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  await app.listen(config.GATEWAY_HTTP_PORT, config.HTTP_HOST);
  return app;
}

if (require.main === module) runServiceMain('gateway', () => loadGatewayConfig(), startGateway);
