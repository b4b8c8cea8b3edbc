export * from './metric-names';
export * from './metrics.service';
export * from './health.service';
export * from './observability.module';
export * from './json-logger';
