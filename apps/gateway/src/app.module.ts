import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { serviceInfrastructure } from '@matchstream/platform';
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
        ...serviceInfrastructure(GATEWAY_SERVICE_NAME, GATEWAY_CONFIG, config),
        StatsModule,
        IngestionModule,
        StreamModule,
        LiveViewModule,
      ],
    };
  }
}
