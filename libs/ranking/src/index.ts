export * from './category.index';
export * from './entity-state';
export * from './pair-scorer';
export * from './ranking-book';
export * from './ranking-maintainer';
export * from './bulk-ranker';
export * from './pair-bounds';
