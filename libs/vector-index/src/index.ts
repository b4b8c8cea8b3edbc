export { HnswVectorIndex } from './hnsw-vector-index';
export type { HnswIndexOptions, HnswIndexStats, HnswSnapshot } from './hnsw-vector-index';
export { exactSearch } from './exact-search';
export { recallAtK } from './recall';
export type { VectorHit, VectorLike } from './vector';
export { dotProduct, pairSimilarity } from './dot-product';
export type { Approximation, BlockScan, BoundedRow, BoundedScan } from './vector-store';
export { approximationMargin } from './simd-kernel';
