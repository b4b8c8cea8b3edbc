export * from './skills';
export * from './skill-extraction';
export * from './match-scoring';
export * from './match-fields';
export * from './skill-text';
