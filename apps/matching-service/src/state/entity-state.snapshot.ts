import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { HnswIndexOptions } from '@matchstream/vector-index';
import { HnswVectorIndex } from '@matchstream/vector-index';
import { EntityState, STATE_FORMAT, otherSide, splitKey } from '@matchstream/ranking';
import type { SerialisedEntityState, SerialisedRanking } from '@matchstream/ranking';

const LATEST = 'LATEST';

/** Next offset to read per partition of the entity-vector topic, as decimal strings. */
export type PartitionOffsets = Record<string, string>;

/**
 * The maintained rankings as of the same offsets, with the settings they were computed under
 * (a snapshot taken under other settings brings no rankings: they are computed again).
 */
export interface SnapshotRankings {
  settings: string;
  rankings: SerialisedRanking[];
  /**
   * The partitions whose subjects the rankings cover, of how many (absent in snapshots of a
   * single instance from before subjects were divided: then all of them).
   */
  partitions?: number[];
  partitionCount?: number;
}

/**
 * Writes the whole matching state to `root/snapshot-<time>/` (both HNSW indexes, each entity's
 * match fields and version, and the topic offsets the state covers), then points `root/LATEST` at it, so a crash
 * mid-write leaves the previous snapshot in force. The state is captured synchronously, in one
 * turn of the event loop: documents, versions, indexes, rankings and offsets always agree.
 */
export async function saveEntityStateSnapshot(
  root: string,
  state: EntityState,
  offsets: PartitionOffsets,
  rankings?: SnapshotRankings,
): Promise<string> {
  const name = `snapshot-${Date.now()}-${process.pid}`;
  const dir = join(root, name);
  const documents = JSON.stringify({ ...state.serialisable(), offsets, rankings });
  const indexes = Promise.all([
    state.profileIndex.saveSnapshot(join(dir, 'profiles')),
    state.jobIndex.saveSnapshot(join(dir, 'jobs')),
  ]);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'state.json'), documents);
  await indexes;
  await writeFile(join(root, `${LATEST}.tmp`), name);
  await rename(join(root, `${LATEST}.tmp`), join(root, LATEST));
  for (const entry of await readdir(root)) {
    if (entry.startsWith('snapshot-') && entry !== name) {
      await rm(join(root, entry), { recursive: true, force: true });
    }
  }
  return name;
}

/**
 * Loads the snapshot `root/LATEST` names; null when there is none, or when its state file is of
 * another format (an older snapshot held whole documents): the caller then replays the log from
 * the start, which rebuilds the same state.
 */
export async function loadEntityStateSnapshot(
  root: string,
  options: HnswIndexOptions,
): Promise<{
  state: EntityState;
  offsets: PartitionOffsets;
  rankings?: SnapshotRankings;
  name: string;
} | null> {
  let name: string;
  try {
    name = (await readFile(join(root, LATEST), 'utf8')).trim();
  } catch {
    return null;
  }
  const dir = join(root, name);
  const saved = JSON.parse(
    await readFile(join(dir, 'state.json'), 'utf8'),
  ) as Partial<SerialisedEntityState> & { offsets: PartitionOffsets; rankings?: SnapshotRankings };
  if (saved.format !== STATE_FORMAT) {
    new Logger('EntityStateSnapshot').warn(
      `snapshot ${name} is of state format ${saved.format ?? 1}, not ${STATE_FORMAT}: ignored, ` +
        'the state is replayed from the log instead',
    );
    return null;
  }
  const [profiles, jobs] = await Promise.all([
    HnswVectorIndex.loadSnapshot(join(dir, 'profiles'), options),
    HnswVectorIndex.loadSnapshot(join(dir, 'jobs'), options),
  ]);
  if (!profiles || !jobs) throw new Error(`snapshot ${dir} is incomplete`);
  const state = new EntityState(options, {
    ...(saved as SerialisedEntityState),
    profileIndex: profiles.index,
    jobIndex: jobs.index,
  });
  return {
    state,
    offsets: saved.offsets,
    rankings: saved.rankings && sharingIds(saved.rankings, state),
    name,
  };
}

/**
 * The rankings with each counterpart id replaced by the index's own string for it: parsed JSON
 * holds a copy of an id per ranking that lists it, K + reserve copies per entity.
 */
function sharingIds(saved: SnapshotRankings, state: EntityState): SnapshotRankings {
  for (const ranking of saved.rankings) {
    const [type] = splitKey(ranking[0]);
    const index = state.side(otherSide(type)).index;
    const ids = ranking[1];
    for (let i = 0; i < ids.length; i++) ids[i] = index.idOf(ids[i]) ?? ids[i];
  }
  return saved;
}
