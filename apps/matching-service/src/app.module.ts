import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, kafkaSaslFromConfig } from '@matchstream/config';
import { KafkaModule } from '@matchstream/kafka';
import { ObservabilityModule } from '@matchstream/observability';
import { RedisModule } from '@matchstream/redis';
import { MATCHING_SERVICE_CONFIG } from './matching-service.config';
import type { MatchingServiceConfig } from './matching-service.config';
import { MatchingModule } from './matching.module';

export const MATCHING_SERVICE_NAME = 'matching-service';

@Module({})
export class AppModule {
  static forRoot(config: MatchingServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(MATCHING_SERVICE_CONFIG, config),
        ObservabilityModule.forRoot(MATCHING_SERVICE_NAME),
        RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
        KafkaModule.forRoot({
          serviceName: MATCHING_SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          clientId: `${config.KAFKA_CLIENT_ID}-matching`,
          ssl: config.KAFKA_SSL,
          sasl: kafkaSaslFromConfig(config),
        }),
        MatchingModule,
      ],
    };
  }
}
