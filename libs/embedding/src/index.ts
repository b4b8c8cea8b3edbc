export * from './canonical-text.builder';
export * from './content-hash';
export * from './micro-batcher';
export * from './transformers-embedder';
export * from './embedding-cache';
export * from './cached-batch-embedder';
export * from './embedding-drift.tracker';
