import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createServiceApp, runServiceMain } from '@matchstream/platform';
import { TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT, attachKafkaConsumer } from '@matchstream/kafka';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { REDIS } from '@matchstream/redis';
import { AppModule } from './app.module';
import { ApplyEntityVectorsService } from './consumer/apply-entity-vectors.service';
import { loadMatchingServiceConfig } from './matching-service.config';
import type { MatchingServiceConfig } from './matching-service.config';
import { EntityState, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import { MetricsService } from '@matchstream/observability';
import { LOADED_SNAPSHOT } from './matching.module';
import type { LoadedSnapshot } from './matching.module';
import { OwnershipService } from './ownership/ownership.service';
import { PartitionOwnership } from './ownership/partition-ownership';
import { ConsistencyAuditor } from './ranking/consistency-auditor';
import { replayCommittedState } from './state/state-replay';

/** The consumer group through which this instance reads every partition of the vector topic. */
export function replicaGroupOf(config: MatchingServiceConfig): string {
  return `${config.MATCHING_CONSUMER_GROUP}.replica.${config.MATCHING_INSTANCE_ID}`;
}

/**
 * Starts a matching instance: the state (and the rankings of the subjects its snapshot covered)
 * is recovered from the snapshot and the vector topic replayed up to its replica group's committed
 * offsets; then it consumes every partition and joins the group that divides the subjects. It
 * publishes for its subjects once a handover settled them against the stored rankings.
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
  const started = Date.now();
  const applier = app.get(ApplyEntityVectorsService);
  const snapshot = app.get<LoadedSnapshot>(LOADED_SNAPSHOT);
  const ownershipService = app.get(OwnershipService);
  const partitionCount = await ownershipService.partitionCount();
  app
    .get(PartitionOwnership)
    .configure(partitionCount, snapshotPartitions(snapshot, partitionCount));
  const ownership = app.get(PartitionOwnership);
  app.get(RankingMaintainer).rescope((type, id) => ownership.holds(type, id));
  const fromSnapshot = app.get(RankingBook).size;
  const from = new Map(
    Object.entries(snapshot?.offsets ?? {}).map(([p, o]) => [Number(p), BigInt(o)]),
  );
  for (const [partition, offset] of from) applier.appliedOffsets.set(partition, offset);
  const { replayed, committed } = await replayCommittedState(
    app.get<Kafka>(KAFKA_CLIENT),
    replicaGroup,
    TOPICS.entityVectors,
    (records) => applier.replay(records),
    from,
  );
  for (const [partition, offset] of committed) {
    if ((applier.appliedOffsets.get(partition) ?? -1n) < offset)
      applier.appliedOffsets.set(partition, offset);
  }
  const state = app.get(EntityState);
  logger.log(
    `instance ${config.MATCHING_INSTANCE_ID} recovered ${state.profiles.size} profiles and ${state.jobs.size} jobs ` +
      `(${snapshot ? `snapshot ${snapshot.name}` : 'no snapshot'}, ${replayed} records replayed from the log); ` +
      `${fromSnapshot} rankings from the snapshot (partitions [${ownership.held.join(', ')}] of ${partitionCount}); ` +
      `in ${Date.now() - started} ms; joining the group`,
  );
  app.get(ConsistencyAuditor).start();
  // A Redis that restarts without persistence comes back empty: write the rankings back.
  app.get<Redis>(REDIS).on('ready', () => {
    applier.restoreIfLost().then(
      (restored) => {
        if (restored) logger.warn(`Redis had lost the rankings: ${restored} written back`);
      },
      (error: unknown) => logger.warn(`could not check Redis for lost rankings: ${String(error)}`),
    );
  });

  await app.startAllMicroservices();
  await ownershipService.start();
  await app.listen(config.MATCHING_HTTP_PORT, config.HTTP_HOST);
  return app;
}

/** The partitions whose rankings the snapshot holds (all, for a snapshot from before division). */
function snapshotPartitions(snapshot: LoadedSnapshot, partitionCount: number): number[] {
  const rankings = snapshot?.rankings;
  if (!rankings) return [];
  if (rankings.partitions === undefined) return [...Array(partitionCount).keys()];
  return rankings.partitionCount === partitionCount ? rankings.partitions : [];
}

if (require.main === module)
  runServiceMain('matching-service', () => loadMatchingServiceConfig(), startMatchingService);
