export * from './category.index';
export * from './entity-state';
export * from './pair-scorer';
export * from './ranking-book';
export * from './ranking-maintainer';
export * from './maintained-ranking';
export * from './ranked-matches';
