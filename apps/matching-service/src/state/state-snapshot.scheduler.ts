import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ApplyEntityVectorsService } from '../consumer/apply-entity-vectors.service';
import { EntityState, RankingBook } from '@matchstream/ranking';
import { saveEntityStateSnapshot } from './entity-state.snapshot';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import { rankingSettings } from '../ranking/ranking-settings';
import type { MatchingServiceConfig } from '../matching-service.config';
import { PartitionOwnership } from '../ownership/partition-ownership';

/**
 * Snapshots the state periodically when it changed, and once more at shutdown (after the
 * consumer stopped). A snapshot is only taken between chunks with every effect durable: a chunk
 * whose state is applied but whose match events are not yet published and stored must be
 * processed in full again after a crash.
 */
@Injectable()
export class StateSnapshotScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StateSnapshotScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private snapshotVersion = -1;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: EntityState,
    private readonly applier: ApplyEntityVectorsService,
    private readonly book: RankingBook,
    private readonly ownership: PartitionOwnership,
    @Inject(MATCHING_SERVICE_CONFIG) private readonly config: MatchingServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
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
    if (!this.applier.isIdle || this.state.indexVersion === this.snapshotVersion)
      return this.running;
    const version = this.state.indexVersion;
    const offsets = Object.fromEntries(
      [...this.applier.appliedOffsets].map(([partition, offset]) => [
        String(partition),
        offset.toString(),
      ]),
    );
    const started = Date.now();
    this.running = saveEntityStateSnapshot(this.config.MATCHING_SNAPSHOT_DIR, this.state, offsets, {
      settings: rankingSettings(this.config),
      rankings: this.book.serialise(),
      partitions: this.ownership.held,
      partitionCount: this.ownership.partitionCount,
    }).then(
      (name) => {
        this.snapshotVersion = version;
        this.logger.log(
          `${reason} snapshot ${name} (index version ${version}) in ${Date.now() - started} ms`,
        );
      },
      (error: unknown) => this.logger.error(`snapshot failed: ${String(error)}`),
    );
    return this.running;
  }
}
