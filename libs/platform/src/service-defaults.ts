import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ApiKeyGuard } from '@matchstream/api-security';
import { ClientErrorFilter } from './client-error.filter';

export interface ServiceDefaults {
  apiKeys: readonly string[];
  /** After SIGTERM/SIGINT the process exits by this deadline even if something hangs. */
  shutdownTimeoutMs: number;
}

/**
 * What every matchstream HTTP service does alike: API keys on the API, client errors answered and
 * logged as such (ClientErrorFilter), and a graceful shutdown on
 * SIGTERM (stop consuming, finish and commit in-flight work, snapshot, close connections) that
 * cannot hang past a deadline.
 */
export function applyServiceDefaults(app: INestApplication, defaults: ServiceDefaults): void {
  app.enableShutdownHooks();
  const guard = new ApiKeyGuard(defaults.apiKeys);
  app.useGlobalGuards(guard);
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()));
  const logger = new Logger('service');
  if (!guard.enabled) logger.warn('API_KEYS is empty: the HTTP API is open');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down (deadline ${defaults.shutdownTimeoutMs} ms)`);
      setTimeout(() => {
        logger.error('graceful shutdown overran its deadline; exiting');
        process.exit(1);
      }, defaults.shutdownTimeoutMs).unref();
    });
  }
}
