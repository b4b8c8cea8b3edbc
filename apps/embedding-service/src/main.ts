import 'reflect-metadata';
import { createServiceApp, runServiceMain } from '@matchstream/platform';
import { INPUT_TOPICS } from '@matchstream/contracts';
import { attachKafkaConsumer } from '@matchstream/kafka';
import { AppModule } from './app.module';
import { loadEmbeddingServiceConfig } from './embedding-service.config';
import type { EmbeddingServiceConfig } from './embedding-service.config';

/** Starts the embedding service; returns the app so tests can run it in-process. */
export async function startEmbeddingService(config: EmbeddingServiceConfig) {
  const app = await createServiceApp(AppModule.forRoot(config), config);
  attachKafkaConsumer(app, {
    groupId: config.EMBEDDING_CONSUMER_GROUP,
    topics: INPUT_TOPICS,
    maxChunkSize: config.CONSUMER_CHUNK_SIZE,
    partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY,
  });
  await app.init(); // the model loads before the consumer starts
  await app.startAllMicroservices();
  await app.listen(config.EMBEDDING_HTTP_PORT, config.HTTP_HOST);
  return app;
}

if (require.main === module)
  runServiceMain('embedding-service', () => loadEmbeddingServiceConfig(), startEmbeddingService);
