export * from './errors';
export * from './classify-error';
export * from './retry';
