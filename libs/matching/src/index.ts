export * from './skills';
export * from './match-scoring';
export * from './ranking-update';
export * from './maintained-ranking';
