import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, kafkaSaslFromConfig } from '@matchstream/config';
import type { InfrastructureConfig } from '@matchstream/config';
import { KafkaModule } from '@matchstream/kafka';
import { ObservabilityModule } from '@matchstream/observability';
import { RedisModule } from '@matchstream/redis';

/**
 * The modules every matchstream service starts with: its validated config under its token,
 * metrics and health, Redis, and Kafka (client, producer, dead letters, topics ensured).
 */
export function serviceInfrastructure<C extends InfrastructureConfig>(
  serviceName: string,
  configToken: symbol,
  config: C,
): DynamicModule[] {
  return [
    ConfigModule.forRoot(configToken, config),
    ObservabilityModule.forRoot(serviceName),
    RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
    KafkaModule.forRoot({
      serviceName,
      brokers: config.KAFKA_BROKERS,
      clientId: `${config.KAFKA_CLIENT_ID}-${serviceName}`,
      ssl: config.KAFKA_SSL,
      sasl: kafkaSaslFromConfig(config),
      compression: config.KAFKA_COMPRESSION,
    }),
  ];
}
