export * from './service-defaults';
export * from './service-infrastructure';
export * from './run-service-main';
export * from './create-service-app';
