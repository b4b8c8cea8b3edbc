export * from './fixtures';
export * from './hostile-input';
export * from './seeded-random';
export * from './service-process';
export * from './brute-force-ranking';
export * from './wait';
