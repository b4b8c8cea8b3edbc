export * from './skills';
export * from './skill-extraction';
export * from './match-scoring';
export * from './ranked-matches';
export * from './maintained-ranking';
export * from './match-fields';
export * from './skill-text';
