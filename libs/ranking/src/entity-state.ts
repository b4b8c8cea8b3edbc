import type { EntityType, JobPayload, ProfilePayload } from '@matchstream/contracts';
import { HnswVectorIndex } from '@matchstream/vector-index';
import type { HnswIndexOptions } from '@matchstream/vector-index';
import { CategoryIndex } from './category.index';

export interface StoredEntity<D> {
  id: string;
  version: number;
  document: D;
  modelId: string;
}

export interface RestoredEntityState {
  profileIndex: HnswVectorIndex;
  jobIndex: HnswVectorIndex;
  profiles: StoredEntity<ProfilePayload>[];
  jobs: StoredEntity<JobPayload>[];
  versions: [string, number][];
  indexVersion: number;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'stale';

/** One side of the market (profiles or jobs): what ranking code needs of it. */
export interface EntitySide<D = ProfilePayload | JobPayload> {
  type: EntityType;
  entities: ReadonlyMap<string, StoredEntity<D>>;
  index: HnswVectorIndex;
  categories: CategoryIndex;
}

export function otherSide(type: EntityType): EntityType {
  return type === 'job' ? 'profile' : 'job';
}

/**
 * The live profiles and jobs, their vectors in one HNSW index per type, and the last version seen
 * per entity (kept after removal, so a late, older upsert cannot bring an entity back).
 * Every change is applied only if its version is newer: replays are harmless.
 */
export class EntityState {
  readonly profiles = new Map<string, StoredEntity<ProfilePayload>>();
  readonly jobs = new Map<string, StoredEntity<JobPayload>>();
  readonly profileIndex: HnswVectorIndex;
  readonly jobIndex: HnswVectorIndex;
  readonly profileCategories = new CategoryIndex();
  readonly jobCategories = new CategoryIndex();
  private readonly versions = new Map<string, number>();
  /** Counts index mutations: match events say which state they were computed on. */
  indexVersion = 0;

  constructor(indexOptions: HnswIndexOptions, restored?: RestoredEntityState) {
    this.profileIndex = restored?.profileIndex ?? new HnswVectorIndex(indexOptions);
    this.jobIndex = restored?.jobIndex ?? new HnswVectorIndex(indexOptions);
    if (restored) {
      for (const p of restored.profiles) {
        this.profiles.set(p.id, p);
        this.profileCategories.set(p.id, p.document.categories);
      }
      for (const j of restored.jobs) {
        this.jobs.set(j.id, j);
        this.jobCategories.set(j.id, j.document.categories);
      }
      for (const [key, version] of restored.versions) this.versions.set(key, version);
      this.indexVersion = restored.indexVersion;
    }
  }

  side(type: EntityType): EntitySide {
    return type === 'job'
      ? { type, entities: this.jobs, index: this.jobIndex, categories: this.jobCategories }
      : {
          type,
          entities: this.profiles,
          index: this.profileIndex,
          categories: this.profileCategories,
        };
  }

  /** Documents and versions, for a snapshot (the indexes snapshot themselves). */
  serialisable(): Omit<RestoredEntityState, 'profileIndex' | 'jobIndex'> {
    return {
      profiles: [...this.profiles.values()],
      jobs: [...this.jobs.values()],
      versions: [...this.versions.entries()],
      indexVersion: this.indexVersion,
    };
  }

  versionOf(type: EntityType, id: string): number | undefined {
    return this.versions.get(`${type}:${id}`);
  }

  upsertProfile(entity: StoredEntity<ProfilePayload>, vector: Float32Array): ApplyOutcome {
    const outcome = this.admit('profile', entity.id, entity.version);
    if (outcome !== 'applied') return outcome;
    this.profileIndex.upsert(entity.id, vector);
    this.profiles.set(entity.id, entity);
    this.profileCategories.set(entity.id, entity.document.categories);
    this.indexVersion++;
    return outcome;
  }

  upsertJob(entity: StoredEntity<JobPayload>, vector: Float32Array): ApplyOutcome {
    const outcome = this.admit('job', entity.id, entity.version);
    if (outcome !== 'applied') return outcome;
    this.jobIndex.upsert(entity.id, vector);
    this.jobs.set(entity.id, entity);
    this.jobCategories.set(entity.id, entity.document.categories);
    this.indexVersion++;
    return outcome;
  }

  remove(type: EntityType, id: string, version: number): ApplyOutcome {
    const outcome = this.admit(type, id, version);
    if (outcome !== 'applied') return outcome;
    if (type === 'profile') {
      this.profileIndex.delete(id);
      this.profiles.delete(id);
      this.profileCategories.delete(id);
    } else {
      this.jobIndex.delete(id);
      this.jobs.delete(id);
      this.jobCategories.delete(id);
    }
    this.indexVersion++;
    return outcome;
  }

  private admit(type: EntityType, id: string, version: number): ApplyOutcome {
    const key = `${type}:${id}`;
    const current = this.versions.get(key);
    if (current !== undefined && version <= current)
      return version === current ? 'duplicate' : 'stale';
    this.versions.set(key, version);
    return 'applied';
  }
}
