import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  url: string;
  keyPrefix?: string;
  onError?: (error: Error) => void;
}

/**
 * A Redis client that fails commands fast while disconnected (instead of queueing them without
 * bound), so callers see a transient error, back off, and report degraded health.
 * Password and TLS come from the URL (rediss://:password@host:port).
 */
export function createRedisClient(options: RedisConnectionOptions): Redis {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

export async function connectRedis(client: Redis): Promise<void> {
  if (client.status === 'wait') await client.connect();
}
