import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createServiceApp, runServiceMain } from '@matchstream/platform';
import { TOPICS } from '@matchstream/contracts';
import { attachKafkaConsumer } from '@matchstream/kafka';
import type { Redis } from 'ioredis';
import { REDIS } from '@matchstream/redis';
import { AppModule } from './app.module';
import { loadMatchingServiceConfig } from './matching-service.config';
import type { MatchingServiceConfig } from './matching-service.config';
import { MetricsService } from '@matchstream/observability';
import { Handover } from './handover/handover';
import { OwnershipService } from './handover/ownership.service';
import { ConsistencyAuditor } from './audit/consistency-auditor';
import { StartupRecovery, replicaGroupOf } from './recovery/startup-recovery';

export { replicaGroupOf };

/**
 * Starts a matching instance: the state (and the rankings of the subjects its snapshot covered)
 * is recovered from the newest snapshot that proves itself and the vector topic replayed up to its
 * replica group's committed offsets (StartupRecovery); then it consumes every partition and joins
 * the group that divides the subjects. It publishes for its subjects once a handover settled them
 * against the stored rankings. Readiness answers 503, with the progress, until all that is done.
 */
export async function startMatchingService(config: MatchingServiceConfig) {
  const app = await createServiceApp(AppModule.forRoot(config), config);
  app.get(MetricsService).identifyInstance(config.MATCHING_INSTANCE_ID);
  new Logger('matching').log(
    `model ${config.EMBEDDING_MODEL_ID}; minimum match score ${config.MATCH_MIN_SCORE} (${config.matchMinScoreSource})`,
  );
  const replicaGroup = replicaGroupOf(config);
  attachKafkaConsumer(app, {
    groupId: replicaGroup,
    topics: [TOPICS.entityVectors],
    maxChunkSize: config.CONSUMER_CHUNK_SIZE,
    partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY,
  });
  await app.init();

  const logger = new Logger('recovery');
  const recovery = app.get(StartupRecovery);
  // Listening first, so that readiness answers (503, with the progress) during a long replay.
  await app.listen(config.MATCHING_HTTP_PORT, config.HTTP_HOST);
  try {
    await recovery.run();
  } catch (error) {
    await app.close();
    throw error;
  }
  const handover = app.get(Handover);
  const ownershipService = app.get(OwnershipService);
  app.get(ConsistencyAuditor).start();
  // A Redis that restarts without persistence comes back empty: write the rankings back.
  app.get<Redis>(REDIS).on('ready', () => {
    handover.restoreIfLost().then(
      (restored) => {
        if (restored) logger.warn(`Redis had lost the rankings: ${restored} written back`);
      },
      (error: unknown) => logger.warn(`could not check Redis for lost rankings: ${String(error)}`),
    );
  });

  await app.startAllMicroservices();
  await ownershipService.start();
  recovery.progress.finish();
  return app;
}

if (require.main === module)
  runServiceMain('matching-service', () => loadMatchingServiceConfig(), startMatchingService);
