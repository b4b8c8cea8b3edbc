import type { EntityType } from './input-event.schema';

/**
 * An entity's key: `<type>:<id>`. The vector topic is keyed by it, so it also decides the partition
 * (and with it the matching instance) a subject belongs to; every place that names an entity by
 * key goes through these two functions.
 */
export function entityKey(type: EntityType, id: string): string {
  return `${type}:${id}`;
}

export function parseEntityKey(key: string): [EntityType, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at) as EntityType, key.slice(at + 1)];
}
