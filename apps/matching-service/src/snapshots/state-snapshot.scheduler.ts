import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EntityState, RankingBook } from '@matchstream/ranking';
import { HealthService, MetricsService } from '@matchstream/observability';
import type { SnapshotFailureReason } from '@matchstream/observability';
import { saveEntityStateSnapshot } from './entity-state.snapshot';
import { capacityLimitedFs, nodeSnapshotFs } from './snapshot-store';
import type { SnapshotFs } from './snapshot-store';
import { LOADED_SNAPSHOT } from './loaded-snapshot';
import type { LoadedSnapshot } from './loaded-snapshot';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import { rankingSettings } from '../apply/ranking-settings';
import { AppliedOffsets } from '../apply/applied-offsets';
import { StateLock } from '../lock/state-lock';
import { UnsettledSubjects } from '../settle/unsettled-subjects';
import type { MatchingServiceConfig } from '../matching-service.config';
import { PartitionOwnership } from '../ownership/partition-ownership';

/**
 * Snapshots the state periodically when it changed, and once more at shutdown (after the
 * consumer stopped). A snapshot is only taken between chunks with every effect durable: a chunk
 * whose state is applied but whose match events are not yet published and stored must be
 * processed in full again after a crash.
 *
 * A snapshot that cannot be written (a full or read-only disk) fails alone: the service keeps
 * consuming and serving, reports itself degraded, and the next interval tries again (the state
 * stays changed, so it does). The previous snapshots stay until a new one is complete.
 */
@Injectable()
export class StateSnapshotScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StateSnapshotScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private snapshotVersion = -1;
  private running: Promise<void> = Promise.resolve();
  private inFlight = false;
  /** Why the last attempt failed, and when; null once one succeeds. */
  private failure: { message: string; at: Date } | null = null;
  private readonly fs: SnapshotFs;

  constructor(
    private readonly state: EntityState,
    private readonly lock: StateLock,
    private readonly unsettled: UnsettledSubjects,
    private readonly offsets: AppliedOffsets,
    private readonly book: RankingBook,
    private readonly ownership: PartitionOwnership,
    private readonly metrics: MetricsService,
    private readonly health: HealthService,
    @Inject(LOADED_SNAPSHOT) private readonly loaded: LoadedSnapshot,
    @Inject(MATCHING_SERVICE_CONFIG) private readonly config: MatchingServiceConfig,
  ) {
    this.fs =
      config.MATCHING_SNAPSHOT_TEST_CAPACITY_BYTES > 0
        ? capacityLimitedFs(
            config.MATCHING_SNAPSHOT_DIR,
            config.MATCHING_SNAPSHOT_TEST_CAPACITY_BYTES,
          )
        : nodeSnapshotFs;
  }

  onApplicationBootstrap(): void {
    this.metrics.snapshotFailing.set(0);
    const loadedAt = Number(/^snapshot-(\d+)-/.exec(this.loaded?.name ?? '')?.[1]);
    if (loadedAt) this.metrics.snapshotLastSuccess.set(loadedAt / 1000);
    this.health.register('snapshots', () =>
      this.failure
        ? {
            status: 'degraded',
            detail:
              `the last snapshot failed at ${this.failure.at.toISOString()}: ${this.failure.message}; ` +
              'serving goes on, a restart would replay more of the log; retried at the next interval',
          }
        : { status: 'up' },
    );
    this.snapshotVersion = this.state.indexVersion;
    if (this.config.MATCHING_SNAPSHOT_INTERVAL_MS > 0) {
      this.timer = setInterval(
        () => void this.snapshot('periodic'),
        this.config.MATCHING_SNAPSHOT_INTERVAL_MS,
      );
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.snapshot('shutdown');
  }

  /** Takes a snapshot now if the state changed and no chunk is half done. */
  snapshot(reason: string): Promise<void> {
    // Only between chunks with every effect durable is the state what the offsets say.
    const idle = !this.lock.busy && this.unsettled.isEmpty;
    if (this.inFlight || !idle || this.state.indexVersion === this.snapshotVersion)
      return this.running;
    const version = this.state.indexVersion;
    const offsets = Object.fromEntries(
      [...this.offsets.entries()].map(([partition, offset]) => [
        String(partition),
        offset.toString(),
      ]),
    );
    const started = Date.now();
    this.inFlight = true;
    this.running = saveEntityStateSnapshot(
      this.config.MATCHING_SNAPSHOT_DIR,
      this.state,
      offsets,
      {
        settings: rankingSettings(this.config),
        rankings: this.book.serialise(),
        partitions: this.ownership.held,
        partitionCount: this.ownership.partitionCount,
      },
      { fs: this.fs, keep: this.config.MATCHING_SNAPSHOT_KEEP },
    )
      .then(
        (name) => {
          this.snapshotVersion = version;
          this.failure = null;
          this.metrics.snapshotFailing.set(0);
          const loadedAt = Number(/^snapshot-(\d+)-/.exec(this.loaded?.name ?? '')?.[1]);
          if (loadedAt) this.metrics.snapshotLastSuccess.set(loadedAt / 1000);
          this.metrics.snapshotLastSuccess.set(Date.now() / 1000);
          this.logger.log(
            `${reason} snapshot ${name} (index version ${version}) in ${Date.now() - started} ms`,
          );
        },
        (error: unknown) => {
          this.failure = { message: String(error), at: new Date() };
          this.metrics.snapshotFailing.set(1);
          this.metrics.snapshotFailures.inc({ reason: failureReason(error) });
          this.logger.error(
            `${reason} snapshot failed (the previous snapshots stay in force): ${String(error)}`,
          );
        },
      )
      .finally(() => (this.inFlight = false));
    return this.running;
  }
}

function failureReason(error: unknown): SnapshotFailureReason {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT' || /ENOSPC|no space/i.test(message)) return 'no-space';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || /EROFS|read-only/i.test(message))
    return 'read-only';
  return 'other';
}
