import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { serviceInfrastructure } from '@matchstream/platform';
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
        ...serviceInfrastructure(MATCHING_SERVICE_NAME, MATCHING_SERVICE_CONFIG, config),
        MatchingModule,
      ],
    };
  }
}
