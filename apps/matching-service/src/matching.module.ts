import { Inject, Logger, Module } from '@nestjs/common';
import type {
  MiddlewareConsumer,
  NestModule,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { TransformersEmbedder } from '@matchstream/embedding';
import { HealthService, MetricsService } from '@matchstream/observability';
import { EntityState, PairScorer, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import { MATCHING_SERVICE_CONFIG } from './matching-service.config';
import type { MatchingServiceConfig } from './matching-service.config';
import { StateLock } from './lock/state-lock';
import { PartitionOwnership } from './ownership/partition-ownership';
import { ChunkHandler } from './consume/chunk-handler';
import { EntityVectorsController } from './consume/entity-vectors.controller';
import { AppliedOffsets } from './apply/applied-offsets';
import { ChunkApplier } from './apply/chunk-applier';
import { rankingSettings, weightsOf } from './apply/ranking-settings';
import { ChunkProcessor } from './settle/chunk-processor';
import { RankingSettler } from './settle/ranking-settler';
import { RankingStore } from './settle/ranking.store';
import { UnsettledSubjects } from './settle/unsettled-subjects';
import { Handover } from './handover/handover';
import { OwnershipService } from './handover/ownership.service';
import { ConsistencyAuditor } from './audit/consistency-auditor';
import { ConsistencyController } from './audit/consistency.controller';
import { RankingRepair } from './audit/ranking-repair';
import { loadEntityStateSnapshot } from './snapshots/entity-state.snapshot';
import { LOADED_SNAPSHOT } from './snapshots/loaded-snapshot';
import type { LoadedSnapshot } from './snapshots/loaded-snapshot';
import { StateSnapshotScheduler } from './snapshots/state-snapshot.scheduler';
import { RecoveryGateMiddleware, RecoveryProgress } from './recovery/recovery-progress';
import { StartupRecovery } from './recovery/startup-recovery';
import { MatchEngine } from './serve/match-engine';
import { MatchesController } from './serve/matches.controller';
import { OpenApiController } from './serve/openapi.controller';

export { LOADED_SNAPSHOT };
export type { LoadedSnapshot };

/** Loads the newest snapshot that proves itself; each one set aside is logged and counted. */
async function loadSnapshot(
  config: MatchingServiceConfig,
  embedder: TransformersEmbedder,
  metrics: MetricsService,
): Promise<LoadedSnapshot> {
  const logger = new Logger('recovery');
  const loaded = await loadEntityStateSnapshot(
    config.MATCHING_SNAPSHOT_DIR,
    indexOptions(config, embedder),
    ({ name, reason, detail, setAsideAs }) => {
      metrics.snapshotsRejected.inc({ reason });
      logger.warn(
        `snapshot ${name} rejected (${reason}): ${detail}; ` +
          (setAsideAs ? `set aside as ${setAsideAs}` : 'not set aside') +
          '; trying the previous snapshot, else replaying the vector topic from the start',
      );
    },
  );
  if (loaded) logger.log(`loaded snapshot ${loaded.name}`);
  return loaded;
}

function indexOptions(config: MatchingServiceConfig, embedder: TransformersEmbedder) {
  return {
    dimension: embedder.dimension,
    initialCapacity: config.HNSW_INITIAL_CAPACITY,
    m: config.HNSW_M,
    efConstruction: config.HNSW_EF_CONSTRUCTION,
    efSearch: config.HNSW_EF_SEARCH,
  };
}

/** Indexes, the match engine, the Kafka handler that feeds them and the match API. */
@Module({
  controllers: [
    EntityVectorsController,
    MatchesController,
    OpenApiController,
    ConsistencyController,
  ],
  providers: [
    {
      // The last snapshot, if any: state as of its offsets (recovery replays the rest).
      provide: LOADED_SNAPSHOT,
      inject: [MATCHING_SERVICE_CONFIG, TransformersEmbedder, MetricsService],
      useFactory: loadSnapshot,
    },
    {
      provide: EntityState,
      inject: [LOADED_SNAPSHOT, MATCHING_SERVICE_CONFIG, TransformersEmbedder],
      useFactory: (
        snapshot: LoadedSnapshot,
        config: MatchingServiceConfig,
        embedder: TransformersEmbedder,
      ) => snapshot?.state ?? new EntityState(indexOptions(config, embedder)),
    },
    StateSnapshotScheduler,
    {
      provide: MatchEngine,
      inject: [EntityState, MATCHING_SERVICE_CONFIG],
      useFactory: (state: EntityState, config: MatchingServiceConfig) =>
        new MatchEngine(state, {
          candidatePool: config.MATCH_CANDIDATE_POOL,
          weights: weightsOf(config),
        }),
    },
    {
      provide: RankingBook,
      inject: [LOADED_SNAPSHOT, MATCHING_SERVICE_CONFIG],
      useFactory: (snapshot: LoadedSnapshot, config: MatchingServiceConfig) => {
        const book = new RankingBook(
          config.MATCH_TOP_K,
          config.MATCH_TOP_K + config.MATCH_RANKING_RESERVE,
        );
        if (snapshot?.rankings?.settings === rankingSettings(config))
          book.restore(snapshot.rankings.rankings);
        return book;
      },
    },
    {
      provide: RankingMaintainer,
      inject: [EntityState, RankingBook, MATCHING_SERVICE_CONFIG],
      useFactory: (state: EntityState, book: RankingBook, config: MatchingServiceConfig) =>
        new RankingMaintainer(
          state,
          new PairScorer({ weights: weightsOf(config), minScore: config.MATCH_MIN_SCORE }),
          book,
        ),
    },
    ConsistencyAuditor,
    {
      // Only for free-text search queries; indexed vectors come from the embedding service.
      provide: TransformersEmbedder,
      inject: [MATCHING_SERVICE_CONFIG],
      useFactory: (config: MatchingServiceConfig) =>
        new TransformersEmbedder({
          modelId: config.EMBEDDING_MODEL_ID,
          modelPath: config.EMBEDDING_MODEL_PATH,
          cacheDir: config.EMBEDDING_RUNTIME_CACHE_DIR,
          maxTokens: config.EMBEDDING_MAX_TOKENS || undefined,
        }),
    },
    StateLock,
    { provide: PartitionOwnership, useFactory: () => new PartitionOwnership() },
    AppliedOffsets,
    ChunkApplier,
    UnsettledSubjects,
    RankingStore,
    RankingSettler,
    ChunkProcessor,
    { provide: ChunkHandler, useExisting: ChunkProcessor },
    Handover,
    RankingRepair,
    OwnershipService,
    RecoveryProgress,
    StartupRecovery,
  ],
  exports: [
    StartupRecovery,
    ChunkProcessor,
    Handover,
    OwnershipService,
    PartitionOwnership,
    RankingMaintainer,
    RankingStore,
    EntityState,
    RankingBook,
    ConsistencyAuditor,
    LOADED_SNAPSHOT,
  ],
})
export class MatchingModule implements NestModule, OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(TransformersEmbedder) private readonly embedder: TransformersEmbedder,
    private readonly state: EntityState,
    private readonly health: HealthService,
    private readonly recovery: RecoveryProgress,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    // The API listens during recovery (so readiness can tell its progress) but serves nothing yet.
    consumer.apply(RecoveryGateMiddleware).forRoutes(MatchesController, ConsistencyController);
  }

  async onModuleInit(): Promise<void> {
    this.health.register('recovery', () => this.recovery.health());
    await this.embedder.load();
    this.health.register('index', () => ({
      status: 'up',
      detail: `profiles ${this.state.profileIndex.size}, jobs ${this.state.jobIndex.size}`,
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedder.close();
  }
}
