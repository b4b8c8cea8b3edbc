import { Inject, Injectable } from '@nestjs/common';
import type { EntityType } from '@matchstream/contracts';
import { REDIS } from '@matchstream/redis';
import type { Redis } from 'ioredis';

export interface EntityVersion {
  version: number;
  /** Hash of the text last embedded; empty once the entity is removed. */
  contentHash: string;
}

/**
 * The last version of each entity this service has published, so that redelivered and
 * out-of-order events are skipped. A removed entity keeps only its version number (a tombstone
 * that stops an older upsert from resurrecting it), nothing personal.
 */
@Injectable()
export class EntityVersionStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private key(type: EntityType, id: string): string {
    return `entity-version:${type}:${id}`;
  }

  async getMany(entities: { type: EntityType; id: string }[]): Promise<(EntityVersion | null)[]> {
    if (entities.length === 0) return [];
    const values = await this.redis.mget(...entities.map((e) => this.key(e.type, e.id)));
    return values.map((raw) => {
      if (!raw) return null;
      const [version, contentHash = ''] = raw.split(':');
      return { version: Number(version), contentHash };
    });
  }

  async setMany(entries: { type: EntityType; id: string; value: EntityVersion }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.mset(
      ...entries.flatMap((e) => [
        this.key(e.type, e.id),
        `${e.value.version}:${e.value.contentHash}`,
      ]),
    );
  }
}
