export * from './skills';
export * from './match-scoring';
export * from './ranking-update';
