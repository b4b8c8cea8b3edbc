import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';

/** Makes an app's validated config injectable everywhere under its token. */
@Module({})
export class ConfigModule {
  static forRoot<T>(token: symbol, config: T): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: token, useValue: config }],
      exports: [token],
    };
  }
}
