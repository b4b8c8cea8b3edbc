import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { serviceInfrastructure } from '@matchstream/platform';
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
        ...serviceInfrastructure(EMBEDDING_SERVICE_NAME, EMBEDDING_SERVICE_CONFIG, config),
        EmbeddingModule,
      ],
    };
  }
}
