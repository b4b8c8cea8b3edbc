export * from './api-key.guard';
export * from './service-defaults';
