import { parseEntityKey } from '@matchstream/contracts';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HnswIndexOptions } from '@matchstream/vector-index';
import { HnswVectorIndex } from '@matchstream/vector-index';
import { EntityState, STATE_FORMAT, otherSide } from '@matchstream/ranking';
import type { SerialisedEntityState, BookSnapshot } from '@matchstream/ranking';
import {
  LATEST_FILE,
  SnapshotRejected,
  explainWriteFailure,
  listSnapshotRoot,
  newSnapshotName,
  pointLatestAt,
  nodeSnapshotFs,
  pruneSnapshots,
  quarantineSnapshot,
  readLatest,
  snapshotCandidates,
  verifySnapshotFolder,
  writeSnapshotFolder,
} from './snapshot-store';
import type { RejectionReason, SnapshotFs } from './snapshot-store';

const STATE_FILE = 'state.json';

/** Next offset to read per partition of the entity-vector topic, as decimal strings. */
export type PartitionOffsets = Record<string, string>;

/**
 * The maintained rankings as of the same offsets, with the settings they were computed under
 * (a snapshot taken under other settings brings no rankings: they are computed again).
 */
export interface SnapshotRankings {
  settings: string;
  rankings: BookSnapshot;
  /**
   * The partitions whose subjects the rankings cover, of how many (absent in snapshots of a
   * single instance from before subjects were divided: then all of them).
   */
  partitions?: number[];
  partitionCount?: number;
}

export interface SnapshotWriteOptions {
  fs?: SnapshotFs;
  /** Complete snapshots kept, the new one included: the older ones are the fallbacks. */
  keep?: number;
}

export interface LoadedEntityStateSnapshot {
  state: EntityState;
  offsets: PartitionOffsets;
  rankings?: SnapshotRankings;
  name: string;
}

/** A snapshot that failed its checks at start-up, and where it was set aside. */
export interface RejectedSnapshot {
  name: string;
  reason: RejectionReason;
  detail: string;
  /** The folder's new name; null when there was no folder (LATEST named one that is gone). */
  setAsideAs: string | null;
}

/**
 * Writes the whole matching state to `root/snapshot-<time>-<pid>/` (both HNSW indexes, each
 * entity's match fields and version, and the topic offsets the state covers), with the checksum of
 * every file, then points `root/LATEST` at it and prunes older snapshots; a failure at any point
 * leaves the previous snapshots in force. The state is captured synchronously, in one turn of the
 * event loop: documents, versions, indexes, rankings and offsets always agree.
 */
export async function saveEntityStateSnapshot(
  root: string,
  state: EntityState,
  offsets: PartitionOffsets,
  rankings?: SnapshotRankings,
  options: SnapshotWriteOptions = {},
): Promise<string> {
  const fs = options.fs ?? nodeSnapshotFs;
  const name = newSnapshotName();
  const dir = join(root, name);
  try {
    const documents = JSON.stringify({ ...state.serialisable(), offsets, rankings });
    const indexes = Promise.all([
      state.profileIndex.saveSnapshot(join(dir, 'profiles')),
      state.jobIndex.saveSnapshot(join(dir, 'jobs')),
    ]);
    // Awaited below, after the state file: a rejection meanwhile must not count as unhandled.
    indexes.catch(() => undefined);
    await writeSnapshotFolder(
      root,
      name,
      async (folder) => {
        try {
          await fs.writeFile(join(folder, STATE_FILE), documents);
        } finally {
          await indexes.catch(() => undefined);
        }
        await indexes;
      },
      fs,
    );
  } catch (error) {
    await fs.rm(dir).catch(() => undefined);
    throw await explainWriteFailure(root, error);
  }
  // The new snapshot is complete and in force: a folder that could not be removed now is
  // removed after the next one.
  await pruneSnapshots(root, name, options.keep ?? 2, fs).catch(() => undefined);
  return name;
}

/**
 * Loads the newest snapshot that proves itself: LATEST's first, then older ones newest first.
 * A candidate that fails its checksums, cannot be parsed, is of another format or whose state does
 * not match its indexes is set aside (renamed `<name>.rejected-<reason>`) and reported to
 * `onRejected`; null when no candidate is left: the caller then replays the log from the start,
 * which rebuilds the same state.
 */
export async function loadEntityStateSnapshot(
  root: string,
  options: HnswIndexOptions,
  onRejected: (rejected: RejectedSnapshot) => void = () => undefined,
): Promise<LoadedEntityStateSnapshot | null> {
  const unreadable = (name: string, error: unknown) =>
    onRejected({ name, reason: 'unreadable', detail: String(error), setAsideAs: null });
  const latest = await readLatest(root).catch((error: unknown) => {
    unreadable(LATEST_FILE, error);
    return null;
  });
  const entries = await listSnapshotRoot(root).catch((error: unknown) => {
    unreadable(root, error);
    return [];
  });
  for (const name of snapshotCandidates(latest, entries)) {
    try {
      const loaded = await loadSnapshotFolder(root, name, options);
      // So that the next start does not report the same rejected snapshot again; on a read-only
      // disk it will, which is true.
      if (latest !== null && name !== latest)
        await pointLatestAt(root, name).catch(() => undefined);
      return loaded;
    } catch (error) {
      const rejection =
        error instanceof SnapshotRejected
          ? error
          : new SnapshotRejected('unreadable', (error as Error).message);
      let detail = rejection.message;
      // Setting it aside is for the operator; failing to (a read-only disk) must not stop the start.
      const setAsideAs = await quarantineSnapshot(root, name, rejection.reason).catch(
        (renameError: unknown) => {
          detail += `; could not be set aside: ${String(renameError)}`;
          return null;
        },
      );
      onRejected({ name, reason: rejection.reason, detail, setAsideAs });
    }
  }
  if (latest !== null) await rm(join(root, LATEST_FILE), { force: true }).catch(() => undefined);
  return null;
}

type SavedState = SerialisedEntityState & {
  offsets: PartitionOffsets;
  rankings?: SnapshotRankings;
};

async function loadSnapshotFolder(
  root: string,
  name: string,
  options: HnswIndexOptions,
): Promise<LoadedEntityStateSnapshot> {
  const dir = join(root, name);
  await verifySnapshotFolder(dir);
  const saved = parseSavedState(await readFile(join(dir, STATE_FILE), 'utf8'));
  let profiles: HnswVectorIndex | undefined;
  let jobs: HnswVectorIndex | undefined;
  try {
    [profiles, jobs] = (
      await Promise.all([
        HnswVectorIndex.loadSnapshot(join(dir, 'profiles'), options),
        HnswVectorIndex.loadSnapshot(join(dir, 'jobs'), options),
      ])
    ).map((loaded) => loaded?.index);
  } catch (error) {
    throw new SnapshotRejected('index-mismatch', (error as Error).message);
  }
  if (!profiles || !jobs) throw new SnapshotRejected('index-mismatch', 'an index is missing');
  assertIndexHolds(profiles, saved.profiles, 'profile');
  assertIndexHolds(jobs, saved.jobs, 'job');
  const state = new EntityState(options, { ...saved, profileIndex: profiles, jobIndex: jobs });
  return {
    state,
    offsets: saved.offsets,
    rankings: saved.rankings && sharingIds(saved.rankings, state),
    name,
  };
}

function parseSavedState(raw: string): SavedState {
  let saved: Partial<SavedState> | null;
  try {
    saved = JSON.parse(raw) as Partial<SavedState> | null;
  } catch (error) {
    throw new SnapshotRejected('unparseable', `${STATE_FILE}: ${(error as Error).message}`);
  }
  if (!saved || typeof saved !== 'object')
    throw new SnapshotRejected('unparseable', `${STATE_FILE} is not an object`);
  if (saved.format !== STATE_FORMAT) {
    throw new SnapshotRejected(
      'format',
      `${STATE_FILE} is of state format ${String(saved.format ?? 1)}, not ${STATE_FORMAT}`,
    );
  }
  const offsetsValid =
    !!saved.offsets &&
    typeof saved.offsets === 'object' &&
    Object.entries(saved.offsets).every(
      ([partition, offset]) => /^\d+$/.test(partition) && /^\d+$/.test(String(offset)),
    );
  if (!offsetsValid || !Array.isArray(saved.profiles) || !Array.isArray(saved.jobs))
    throw new SnapshotRejected('unparseable', `${STATE_FILE} lacks offsets, profiles or jobs`);
  return saved as SavedState;
}

/** The state file and the index it pairs with must name the same entities. */
function assertIndexHolds(
  index: HnswVectorIndex,
  entities: SerialisedEntityState['profiles' | 'jobs'],
  type: string,
): void {
  const missing = entities.find(([id]) => !index.has(id));
  if (missing || index.size !== entities.length) {
    throw new SnapshotRejected(
      'index-mismatch',
      `the ${type} index holds ${index.size} vectors, the state ${entities.length} ${type}s` +
        (missing ? ` (${type} ${missing[0]} has no vector)` : ''),
    );
  }
}

/**
 * The rankings with each counterpart id replaced by the index's own string for it: parsed JSON
 * holds a copy of an id per ranking that lists it, K + reserve copies per entity.
 */
function sharingIds(saved: SnapshotRankings, state: EntityState): SnapshotRankings {
  for (const ranking of saved.rankings) {
    const [type] = parseEntityKey(ranking[0]);
    const index = state.side(otherSide(type)).index;
    const ids = ranking[1];
    for (let i = 0; i < ids.length; i++) ids[i] = index.idOf(ids[i]) ?? ids[i];
  }
  return saved;
}
