/**
 * The services as the benchmarks run them (from the build, as processes of their own): their
 * environment and configuration, the model as the embedding service loads it, a free port, input
 * events published as a producer would, and the cleanup of a run's Redis keys.
 */
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entityTypeOf, inputTopicFor } from '@matchstream/contracts';
import type { InputEventInput } from '@matchstream/contracts';
import { TransformersEmbedder } from '@matchstream/embedding';
import type { EventPublisher } from '@matchstream/kafka';
import { connectRedis, createRedisClient } from '@matchstream/redis';
// Only the services' configuration schemas, to report the settings they run with.
// eslint-disable-next-line no-restricted-imports -- configuration only, see above
import { loadEmbeddingServiceConfig } from '../../../apps/embedding-service/src/embedding-service.config';
// eslint-disable-next-line no-restricted-imports -- configuration only, see above
import { loadMatchingServiceConfig } from '../../../apps/matching-service/src/matching-service.config';

/**
 * Both services' configuration as the benchmark runs them: fresh consumer groups, a fresh Redis
 * prefix and a fresh snapshot folder, so no state of another run (or of the demo, whose matching
 * service snapshots to .run/snapshots/matching) is loaded or overwritten.
 */
export function benchEnv(brokers: string, run: string): Record<string, string> {
  return {
    MATCHING_SNAPSHOT_DIR: join(tmpdir(), 'matchstream-bench', run, 'snapshots'),
    KAFKA_BROKERS: brokers,
    KAFKA_CLIENT_ID: `bench-${run}`,
    REDIS_KEY_PREFIX: `bench:${run}:`,
    EMBEDDING_CONSUMER_GROUP: `${run}-embedding`,
    MATCHING_CONSUMER_GROUP: `${run}-matching`,
    HTTP_HOST: '127.0.0.1',
    // The services' logs are only shown (on stderr) when BENCH_LOG_LEVEL is set.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
  };
}

export type MatchingServiceConfig = ReturnType<typeof loadMatchingServiceConfig>;
export type EmbeddingServiceConfig = ReturnType<typeof loadEmbeddingServiceConfig>;

/** The matching service's settings (HNSW parameters, pool size) as it would run with this env. */
export function matchingConfig(env: Record<string, string>): MatchingServiceConfig {
  return loadMatchingServiceConfig({ ...process.env, ...env });
}

export function embeddingConfig(env: Record<string, string>): EmbeddingServiceConfig {
  return loadEmbeddingServiceConfig({ ...process.env, ...env });
}

/** The raw model as the embedding service would load it with `config`. */
export function benchEmbedder(config: EmbeddingServiceConfig): TransformersEmbedder {
  return new TransformersEmbedder({
    modelId: config.EMBEDDING_MODEL_ID,
    modelPath: config.EMBEDDING_MODEL_PATH,
    cacheDir: config.EMBEDDING_RUNTIME_CACHE_DIR,
  });
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Publishes input events to their entity type's topic, keyed by entity id, each topic's in order. */
export async function publishInputEvents(
  publisher: EventPublisher,
  events: readonly InputEventInput[],
): Promise<void> {
  const byTopic = new Map<string, InputEventInput[]>();
  for (const e of events) {
    const topic = inputTopicFor(entityTypeOf(e.type));
    const group = byTopic.get(topic) ?? [];
    group.push(e);
    byTopic.set(topic, group);
  }
  for (const [topic, group] of byTopic) {
    await publisher.publish(
      topic,
      group.map((e) => ({ key: e.entityId, value: JSON.stringify(e) })),
    );
  }
}

/** Deletes a run's keys (cache, versions, rankings) from the shared Redis. */
export async function purgeRedis(
  prefix: string,
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<number> {
  let deleted = 0;
  await scanKeys(`${prefix}*`, redisUrl, async (redis, keys) => {
    deleted += await redis.del(...keys);
  });
  return deleted;
}

/**
 * How many keys of the shared Redis match `pattern`, each key once (SCAN may return a key twice
 * while the table grows).
 */
export async function countRedisKeys(
  pattern: string,
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<number> {
  const seen = new Set<string>();
  await scanKeys(pattern, redisUrl, (_redis, keys) => {
    for (const key of keys) seen.add(key);
  });
  return seen.size;
}

/** Every key matching `pattern`, a SCAN page at a time (not a blocking KEYS on a large set). */
async function scanKeys(
  pattern: string,
  redisUrl: string,
  onPage: (redis: ReturnType<typeof createRedisClient>, keys: string[]) => Promise<void> | void,
): Promise<void> {
  const redis = createRedisClient({ url: redisUrl });
  try {
    await connectRedis(redis);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await onPage(redis, keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
