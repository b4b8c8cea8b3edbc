import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, runServiceMain } from '@matchstream/platform';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './gateway.config';
import type { GatewayConfig } from './gateway.config';

/**
 * Starts the gateway (HTTP ingestion, the live match stream, the live view); returns the app so
 * tests can run it in-process. It consumes no input topics: it produces to them, and follows the
 * matches, entity-vector and dead-letter topics with throwaway consumer groups.
 */
export async function startGateway(config: GatewayConfig) {
  const app = await createServiceApp<NestExpressApplication>(AppModule.forRoot(config), config, {
    // Ingestion reads bodies itself, after the API-key guard and with per-route limits.
    bodyParser: false,
  });
  app.disable('x-powered-by');
  await app.listen(config.GATEWAY_HTTP_PORT, config.HTTP_HOST);
  return app;
}

if (require.main === module) runServiceMain('gateway', () => loadGatewayConfig(), startGateway);
