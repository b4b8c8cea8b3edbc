export * from './fixtures';
export * from './hostile-input';
export * from './service-process';
