import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, kafkaSaslFromConfig } from '@matchstream/config';
import { KafkaModule } from '@matchstream/kafka';
import { ObservabilityModule } from '@matchstream/observability';
import { RedisModule } from '@matchstream/redis';
import { GATEWAY_CONFIG } from './gateway.config';
import type { GatewayConfig } from './gateway.config';
import { IngestionModule } from './ingestion/ingestion.module';
import { LiveViewModule } from './live-view/live-view.module';
import { StatsModule } from './stats/stats.module';
import { StreamModule } from './stream/stream.module';

export const GATEWAY_SERVICE_NAME = 'gateway';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(GATEWAY_CONFIG, config),
        ObservabilityModule.forRoot(GATEWAY_SERVICE_NAME),
        RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
        KafkaModule.forRoot({
          serviceName: GATEWAY_SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          clientId: `${config.KAFKA_CLIENT_ID}-gateway`,
          ssl: config.KAFKA_SSL,
          sasl: kafkaSaslFromConfig(config),
        }),
        StatsModule,
        IngestionModule,
        StreamModule,
        LiveViewModule,
      ],
    };
  }
}
