export * from './skills';
export * from './skill-extraction';
export * from './match-scoring';
export * from './ranking-update';
export * from './maintained-ranking';
export * from './match-fields';
export * from './skill-text';
