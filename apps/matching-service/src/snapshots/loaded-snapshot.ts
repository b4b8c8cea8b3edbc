import type { LoadedEntityStateSnapshot } from './entity-state.snapshot';

/** The snapshot start-up loaded (the newest that proved itself), or null: replay from the start. */
export const LOADED_SNAPSHOT = Symbol('LOADED_SNAPSHOT');
export type LoadedSnapshot = LoadedEntityStateSnapshot | null;
