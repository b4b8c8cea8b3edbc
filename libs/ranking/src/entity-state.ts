import { entityKey } from '@matchstream/contracts';
import type { EntityType, JobPayload, ProfilePayload } from '@matchstream/contracts';
import {
  adoptSkillTextWords,
  jobFields,
  profileFields,
  skillTextWords,
  toJobFields,
  toProfileFields,
} from '@matchstream/scoring';
import type { JobFields, ProfileFields } from '@matchstream/scoring';
import { HnswVectorIndex } from '@matchstream/vector-index';
import type { HnswIndexOptions } from '@matchstream/vector-index';
import { CategoryIndex } from './category.index';

/** What is kept of a document of type D (JobPayload, ProfilePayload): its match fields. */
export type MatchFieldsOf<D> = D extends JobPayload
  ? JobFields
  : D extends ProfilePayload
    ? ProfileFields
    : D;

/**
 * An entity as the state keeps it. `document` holds its match fields (JobFields, ProfileFields:
 * what scoring and explanations read, built once per version), not the whole document: free text,
 * names, education, salary and the like are never read by matching and would cost most of the
 * memory per entity.
 */
export interface StoredEntity<D> {
  id: string;
  version: number;
  document: MatchFieldsOf<D>;
  modelId: string;
}

/** A change as applied: the validated document, reduced to its match fields on the way in. */
export interface EntityUpsert<D> {
  id: string;
  version: number;
  document: D;
  modelId: string;
}

/** Entities as a snapshot stores them: id, version, model id, match fields. */
export type SerialisedEntity<F> = [id: string, version: number, modelId: string, fields: F];

/**
 * The state file's format. 2: entities as SerialisedEntity with their match fields. (1 held whole
 * documents; such a snapshot is not loaded: the state is replayed from the log instead.)
 */
export const STATE_FORMAT = 2;

export interface SerialisedEntityState {
  format: typeof STATE_FORMAT;
  /** The word list profiles' coded prose refers to (skill-text.ts in @matchstream/scoring). */
  skillWords: readonly string[];
  profiles: SerialisedEntity<ProfileFields>[];
  jobs: SerialisedEntity<JobFields>[];
  versions: [string, number][];
  indexVersion: number;
}

export interface RestoredEntityState extends SerialisedEntityState {
  profileIndex: HnswVectorIndex;
  jobIndex: HnswVectorIndex;
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
  /** Per type, by id (no `type:id` key string per entity). */
  private readonly versions: Record<EntityType, Map<string, number>> = {
    profile: new Map(),
    job: new Map(),
  };
  /** Counts index mutations: match events say which state they were computed on. */
  indexVersion = 0;

  constructor(indexOptions: HnswIndexOptions, restored?: RestoredEntityState) {
    this.profileIndex = restored?.profileIndex ?? new HnswVectorIndex(indexOptions);
    this.jobIndex = restored?.jobIndex ?? new HnswVectorIndex(indexOptions);
    if (restored) {
      // Ids are taken from the index, so each id string is held once (the index holds it anyway).
      const idOf = (index: HnswVectorIndex, id: string) => index.idOf(id) ?? id;
      const recode = adoptSkillTextWords(restored.skillWords);
      for (const [rawId, version, modelId, fields] of restored.profiles) {
        const id = idOf(this.profileIndex, rawId);
        const document = profileFields({ ...fields, skillText: recode(fields.skillText) });
        this.profiles.set(id, { id, version, document, modelId: internModel(modelId) });
        this.profileCategories.set(id, document.categories);
      }
      for (const [rawId, version, modelId, fields] of restored.jobs) {
        const id = idOf(this.jobIndex, rawId);
        const document = jobFields(fields);
        this.jobs.set(id, { id, version, document, modelId: internModel(modelId) });
        this.jobCategories.set(id, document.categories);
      }
      for (const [key, version] of restored.versions) {
        const [type, id] = splitVersionKey(key);
        const index = type === 'job' ? this.jobIndex : this.profileIndex;
        this.versions[type].set(idOf(index, id), version);
      }
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

  /** Match fields and versions, for a snapshot (the indexes snapshot themselves). */
  serialisable(): SerialisedEntityState {
    const entries = <F>(entities: ReadonlyMap<string, StoredEntity<unknown>>) =>
      [...entities.values()].map((e): SerialisedEntity<F> => [
        e.id,
        e.version,
        e.modelId,
        e.document as F,
      ]);
    return {
      format: STATE_FORMAT,
      skillWords: skillTextWords().slice(),
      profiles: entries<ProfileFields>(this.profiles),
      jobs: entries<JobFields>(this.jobs),
      versions: (['profile', 'job'] as const).flatMap((type) =>
        [...this.versions[type]].map(([id, version]): [string, number] => [
          entityKey(type, id),
          version,
        ]),
      ),
      indexVersion: this.indexVersion,
    };
  }

  versionOf(type: EntityType, id: string): number | undefined {
    return this.versions[type].get(id);
  }

  upsertProfile(entity: EntityUpsert<ProfilePayload>, vector: Float32Array): ApplyOutcome {
    return this.upsert('profile', this.profiles, entity, vector, () =>
      toProfileFields(entity.document),
    );
  }

  upsertJob(entity: EntityUpsert<JobPayload>, vector: Float32Array): ApplyOutcome {
    return this.upsert('job', this.jobs, entity, vector, () => toJobFields(entity.document));
  }

  /** Either side's upsert: the match fields are built only for a change that is applied. */
  private upsert<F extends JobFields | ProfileFields>(
    type: EntityType,
    entities: Map<string, { id: string; version: number; document: F; modelId: string }>,
    entity: { id: string; version: number; modelId: string },
    vector: Float32Array,
    fields: () => F,
  ): ApplyOutcome {
    const outcome = this.admit(type, entity.id, entity.version);
    if (outcome !== 'applied') return outcome;
    const { index, categories } = this.side(type);
    index.upsert(entity.id, vector);
    const id = index.idOf(entity.id) ?? entity.id;
    const document = fields();
    entities.set(id, {
      id,
      version: entity.version,
      document,
      modelId: internModel(entity.modelId),
    });
    categories.set(id, document.categories);
    this.indexVersion++;
    return outcome;
  }

  remove(type: EntityType, id: string, version: number): ApplyOutcome {
    const outcome = this.admit(type, id, version);
    if (outcome !== 'applied') return outcome;
    const { index, categories } = this.side(type);
    index.delete(id);
    (type === 'profile' ? this.profiles : this.jobs).delete(id);
    categories.delete(id);
    this.indexVersion++;
    return outcome;
  }

  private admit(type: EntityType, id: string, version: number): ApplyOutcome {
    const versions = this.versions[type];
    const current = versions.get(id);
    if (current !== undefined && version <= current)
      return version === current ? 'duplicate' : 'stale';
    versions.set(id, version);
    return 'applied';
  }
}

/** Model ids: one or two per deployment, repeated by every entity. */
const modelIds = new Map<string, string>();
function internModel(modelId: string): string {
  const known = modelIds.get(modelId);
  if (known !== undefined) return known;
  if (modelIds.size < 64) modelIds.set(modelId, modelId);
  return modelId;
}

function splitVersionKey(key: string): [EntityType, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at) === 'job' ? 'job' : 'profile', key.slice(at + 1)];
}
