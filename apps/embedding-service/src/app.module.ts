import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, kafkaSaslFromConfig } from '@matchstream/config';
import { KafkaModule } from '@matchstream/kafka';
import { ObservabilityModule } from '@matchstream/observability';
import { RedisModule } from '@matchstream/redis';
import { EMBEDDING_SERVICE_CONFIG } from './embedding-service.config';
import type { EmbeddingServiceConfig } from './embedding-service.config';
import { EmbeddingModule } from './embedding.module';

export const EMBEDDING_SERVICE_NAME = 'embedding-service';

@Module({})
export class AppModule {
  static forRoot(config: EmbeddingServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(EMBEDDING_SERVICE_CONFIG, config),
        ObservabilityModule.forRoot(EMBEDDING_SERVICE_NAME),
        RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
        KafkaModule.forRoot({
          serviceName: EMBEDDING_SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          clientId: `${config.KAFKA_CLIENT_ID}-embedding`,
          ssl: config.KAFKA_SSL,
          sasl: kafkaSaslFromConfig(config),
        }),
        EmbeddingModule,
      ],
    };
  }
}
