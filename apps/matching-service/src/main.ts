import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createServiceApp, runServiceMain } from '@matchstream/platform';
import { TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT, attachKafkaConsumer } from '@matchstream/kafka';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { REDIS } from '@matchstream/redis';
import { AppModule } from './app.module';
import { ApplyEntityVectorsService } from './apply-entity-vectors.service';
import { loadMatchingServiceConfig } from './matching-service.config';
import type { MatchingServiceConfig } from './matching-service.config';
import { EntityState, RankingBook } from '@matchstream/ranking';
import { LOADED_SNAPSHOT } from './matching.module';
import type { LoadedSnapshot } from './matching.module';
import { RankingStore } from './ranking.store';
import { ConsistencyAuditor } from './ranking/consistency-auditor';
import { replayCommittedState } from './state-replay';

/**
 * Starts the matching service: state and rankings are recovered (the snapshot, then the compacted
 * vector topic replayed up to the committed offsets, rankings maintained as live), reconciled with
 * the rankings stored in Redis, and only then does consumption resume.
 */
export async function startMatchingService(config: MatchingServiceConfig) {
  const app = await createServiceApp(AppModule.forRoot(config), config);
  attachKafkaConsumer(app, {
    groupId: config.MATCHING_CONSUMER_GROUP,
    topics: [TOPICS.entityVectors],
    maxChunkSize: config.CONSUMER_CHUNK_SIZE,
    partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY,
  });
  await app.init();

  const logger = new Logger('recovery');
  const started = Date.now();
  const stored = await app.get(RankingStore).load();
  const applier = app.get(ApplyEntityVectorsService);
  const snapshot = app.get<LoadedSnapshot>(LOADED_SNAPSHOT);
  const fromSnapshot = app.get(RankingBook).size;
  const from = new Map(
    Object.entries(snapshot?.offsets ?? {}).map(([p, o]) => [Number(p), BigInt(o)]),
  );
  for (const [partition, offset] of from) applier.appliedOffsets.set(partition, offset);
  const replayed = await replayCommittedState(
    app.get<Kafka>(KAFKA_CLIENT),
    config.MATCHING_CONSUMER_GROUP,
    TOPICS.entityVectors,
    (records) => applier.replay(records),
    from,
  );
  const settled = await applier.reconcile(`recovery:${randomUUID()}`);
  const state = app.get(EntityState);
  logger.log(
    `recovered ${state.profiles.size} profiles and ${state.jobs.size} jobs ` +
      `(${snapshot ? `snapshot ${snapshot.name}` : 'no snapshot'}, ${replayed} records replayed from the log); ` +
      `rankings: ${fromSnapshot} from the snapshot, ${settled.created} computed from the state, ` +
      `${stored} found in Redis, ${settled.republished} differed and were republished, ` +
      `${settled.restored} were missing there and were stored again; in ${Date.now() - started} ms`,
  );
  app.get(ConsistencyAuditor).start();
  // A Redis that restarts without persistence comes back empty: write the rankings back.
  const store = app.get(RankingStore);
  app.get<Redis>(REDIS).on('ready', () => {
    applier
      .runExclusive(() => store.restoreIfLost())
      .then(
        (restored) => {
          if (restored) logger.warn(`Redis had lost the rankings: ${restored} written back`);
        },
        (error: unknown) =>
          logger.warn(`could not check Redis for lost rankings: ${String(error)}`),
      );
  });

  await app.startAllMicroservices();
  await app.listen(config.MATCHING_HTTP_PORT, config.HTTP_HOST);
  return app;
}

if (require.main === module)
  runServiceMain('matching-service', () => loadMatchingServiceConfig(), startMatchingService);
