export * from './fixtures';
export * from './hostile-input';
