export * from './skills';
export * from './match-scoring';
