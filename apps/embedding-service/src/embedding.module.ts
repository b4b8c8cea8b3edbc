import { Inject, Module } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  CachedBatchEmbedder,
  EmbeddingCache,
  EmbeddingDriftTracker,
  TEXT_BUILDER_VERSION,
  TransformersEmbedder,
} from '@matchstream/embedding';
import { HealthService, MetricsService } from '@matchstream/observability';
import { REDIS } from '@matchstream/redis';
import type { Redis } from 'ioredis';
import { EMBEDDING_SERVICE_CONFIG } from './embedding-service.config';
import type { EmbeddingServiceConfig } from './embedding-service.config';
import { EmbedEventsService } from './embed-events.service';
import { EntityVersionStore } from './entity-version.store';
import { InputEventsController } from './input-events.controller';

/** The model, its cache and batcher, and the embedding use case with its Kafka handlers. */
@Module({
  controllers: [InputEventsController],
  providers: [
    {
      provide: TransformersEmbedder,
      inject: [EMBEDDING_SERVICE_CONFIG],
      useFactory: (config: EmbeddingServiceConfig) =>
        new TransformersEmbedder({
          modelId: config.EMBEDDING_MODEL_ID,
          modelPath: config.EMBEDDING_MODEL_PATH,
          cacheDir: config.EMBEDDING_RUNTIME_CACHE_DIR,
          inferenceBatchSize: config.EMBEDDING_INFERENCE_BATCH_SIZE,
          maxTokens: config.EMBEDDING_MAX_TOKENS || undefined,
        }),
    },
    {
      provide: EmbeddingCache,
      inject: [REDIS, EMBEDDING_SERVICE_CONFIG],
      useFactory: (redis: Redis, config: EmbeddingServiceConfig) =>
        new EmbeddingCache(
          redis,
          `embedding:${config.EMBEDDING_MODEL_ID}:v${TEXT_BUILDER_VERSION}`,
        ),
    },
    {
      provide: EmbeddingDriftTracker,
      inject: [TransformersEmbedder],
      useFactory: (embedder: TransformersEmbedder) => new EmbeddingDriftTracker(embedder.dimension),
    },
    {
      provide: CachedBatchEmbedder,
      inject: [
        TransformersEmbedder,
        EmbeddingCache,
        EmbeddingDriftTracker,
        MetricsService,
        EMBEDDING_SERVICE_CONFIG,
      ],
      useFactory: (
        embedder: TransformersEmbedder,
        cache: EmbeddingCache,
        drift: EmbeddingDriftTracker,
        metrics: MetricsService,
        config: EmbeddingServiceConfig,
      ) =>
        new CachedBatchEmbedder(
          embedder,
          cache,
          {
            maxBatchSize: config.EMBEDDING_BATCH_SIZE,
            maxWaitMs: config.EMBEDDING_BATCH_MAX_WAIT_MS,
            maxQueued: config.EMBEDDING_MAX_QUEUED,
          },
          {
            onInference: (size, seconds) => {
              metrics.embeddingBatchSize.observe(size);
              metrics.stageDuration.observe({ stage: 'batch' }, seconds);
            },
            onCacheLookup: (hits, misses) => {
              if (hits) metrics.embeddingCache.inc({ result: 'hit' }, hits);
              if (misses) metrics.embeddingCache.inc({ result: 'miss' }, misses);
            },
            onFreshVector: ({ vector, rawNorm }) => {
              metrics.embeddingNorm.observe(rawNorm);
              drift.add(vector);
              const shift = drift.centroidShift();
              if (shift !== null) metrics.embeddingCentroidShift.set({ entity_type: 'all' }, shift);
            },
          },
        ),
    },
    EntityVersionStore,
    EmbedEventsService,
  ],
})
export class EmbeddingModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(TransformersEmbedder) private readonly embedder: TransformersEmbedder,
    private readonly health: HealthService,
  ) {}

  /** The model loads before the app starts consuming: no event waits for it. */
  async onModuleInit(): Promise<void> {
    await this.embedder.load();
    this.health.register('model', () =>
      this.embedder.isLoaded ? { status: 'up', detail: this.embedder.modelId } : { status: 'down' },
    );
  }

  /** After the consumer stopped: no chunk is waiting for the model any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.embedder.close();
  }
}
