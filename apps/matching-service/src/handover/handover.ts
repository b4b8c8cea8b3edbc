import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { entityKey, parseEntityKey } from '@matchstream/contracts';
import type { EntityType } from '@matchstream/contracts';
import { MetricsService } from '@matchstream/observability';
import { RankingMaintainer } from '@matchstream/ranking';
import { StateLock } from '../lock/state-lock';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { AppliedOffsets } from '../apply/applied-offsets';
import { LoadProgress } from '../apply/load-progress';
import { ChunkProcessor } from '../settle/chunk-processor';
import { RankingSettler } from '../settle/ranking-settler';
import type { SettleMode } from '../settle/ranking-settler';
import { RankingStore } from '../settle/ranking.store';

/**
 * The handover of subjects between instances, and its special case, a Redis that lost them: once
 * an instance holds subjects (a new assignment) or Redis forgot their rankings (it restarted
 * empty), every ranking it owns is settled against what Redis holds. Until then it publishes
 * nothing for them.
 */
/** Missing rankings computed one by one (a pass each); more are computed in one blocked pass. */
const ONE_BY_ONE_AT_MOST = 500;
/** Rankings computed one by one between two yields to the event loop. */
const ONE_BY_ONE_SLICE = 100;

@Injectable()
export class Handover {
  private readonly logger = new Logger(Handover.name);
  /** Partitions whose stored rankings' summaries are in memory. */
  private readonly summarised = new Set<number>();

  constructor(
    private readonly lock: StateLock,
    private readonly ownership: PartitionOwnership,
    private readonly maintainer: RankingMaintainer,
    private readonly rankings: RankingStore,
    private readonly settler: RankingSettler,
    private readonly offsets: AppliedOffsets,
    private readonly metrics: MetricsService,
    chunks: ChunkProcessor,
  ) {
    // A handover completes after the chunk that catches up (or by the ownership service's timer).
    chunks.afterEachChunk(() =>
      this.completeIfCaughtUp().catch((error: unknown) =>
        this.logger.warn(`handover not completed yet: ${String(error)}`),
      ),
    );
  }

  /**
   * The group assigned these partitions (`ends`: the log-end offsets read after the assignment).
   * Rankings of subjects lost are dropped, those of subjects gained computed from the current
   * state; publishing waits until the state has caught up with `ends` (completeIfCaughtUp).
   */
  assign(partitions: readonly number[], ends: ReadonlyMap<number, bigint>): Promise<void> {
    return this.lock.runExclusive(async () => {
      const { lost, gained } = this.ownership.assign(partitions, ends);
      const holds = (type: EntityType, id: string) => this.ownership.holds(type, id);
      const dropped = this.maintainer.rescope(holds);
      for (const p of lost) this.summarised.delete(p);
      this.rankings.forget((key) => holds(...parseEntityKey(key)));
      const epoch = this.ownership.epoch;
      const created = await this.computeMissing();
      if (epoch !== this.ownership.epoch) return; // a later assignment supersedes this one
      this.metrics.ownedPartitions.set(partitions.length);
      this.logger.log(
        `assigned [${partitions.join(', ')}] (gained [${gained.join(', ')}], lost [${lost.join(', ')}]): ` +
          `${dropped.length} rankings dropped, ${created} computed; publishing once caught up`,
      );
      await this.completeIfCaughtUp();
    });
  }

  /**
   * The rankings of every subject held that has none (all of them after a bulk load), computed
   * from the current state: many in one blocked pass (RankingMaintainer.rankAllInSteps), a few
   * one by one. Either yields to the event loop between steps, so the HTTP API and health keep
   * answering, and stops when a rebalance begins (the next assignment computes what it needs).
   */
  private async computeMissing(): Promise<number> {
    const missing = this.maintainer.missing();
    const epoch = this.ownership.epoch;
    const progress = new LoadProgress(
      this.logger,
      'computing rankings',
      'rankings',
      (done, expected) => {
        this.metrics.loadRankings.set({ state: 'done' }, done);
        this.metrics.loadRankings.set({ state: 'expected' }, expected);
      },
    );
    let created = 0;
    if (missing.length > ONE_BY_ONE_AT_MOST) {
      const wanted = new Set(missing);
      const steps = this.maintainer.rankAllInSteps((type, id) => wanted.has(entityKey(type, id)));
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          created = step.value.length;
          break;
        }
        // The pass sets no ranking before its end: abandoning it leaves the book as it was.
        if (epoch !== this.ownership.epoch) return 0;
        progress.update(
          Math.floor((missing.length * step.value.blocks) / step.value.of),
          missing.length,
        );
        await yieldToEventLoop();
      }
    } else {
      for (let i = 0; i < missing.length && epoch === this.ownership.epoch; i += ONE_BY_ONE_SLICE) {
        created += this.maintainer.fill(missing.slice(i, i + ONE_BY_ONE_SLICE));
        progress.update(Math.min(i + ONE_BY_ONE_SLICE, missing.length), missing.length);
        await yieldToEventLoop();
      }
    }
    if (missing.length > ONE_BY_ONE_SLICE) this.logger.log(`computed ${progress.finish(created)}`);
    return created;
  }

  /** Completes a handover whose catching up is done (see completeIfCaughtUp). */
  tryComplete(): Promise<number> {
    return this.lock.runExclusive(() => this.completeIfCaughtUp());
  }

  /**
   * Redis restarted empty (checked on each reconnect): every ranking this instance owns is
   * written back. Returns how many (0 when Redis still had them).
   */
  restoreIfLost(): Promise<number> {
    return this.lock.runExclusive(async () => {
      if (this.ownership.phase !== 'ready' || (await this.rankings.isPresent())) return 0;
      const { stored } = await this.settler.settleAll(`restore:${randomUUID()}`, 'restore');
      await this.rankings.markPresent();
      return stored;
    });
  }

  /**
   * Once the state has caught up with the log as of the assignment: every subject this instance
   * holds is settled against the stored rankings (loaded from Redis for the partitions gained):
   * what differs or is missing is published and stored; then publishing goes on chunk by chunk.
   * Returns how many rankings were published (-1: not caught up yet). Within the lock.
   */
  private async completeIfCaughtUp(): Promise<number> {
    if (!this.ownership.caughtUp((p) => this.offsets.get(p))) return -1;
    const epoch = this.ownership.epoch;
    const unsummarised = this.ownership.held.filter((p) => !this.summarised.has(p));
    let loaded = 0;
    if (unsummarised.length) {
      const wanted = new Set(unsummarised);
      loaded = await this.rankings.load((key) =>
        wanted.has(this.ownership.partitionOf(...parseEntityKey(key))),
      );
    }
    // Summaries kept in memory may describe rankings Redis lost (it restarted empty); those just
    // loaded are what Redis holds.
    const kept = this.ownership.held.length > unsummarised.length;
    const mode: SettleMode = kept && !(await this.rankings.isPresent()) ? 'restore' : 'reconcile';
    if (epoch !== this.ownership.epoch) return -1; // another rebalance began meanwhile
    for (const p of unsummarised) this.summarised.add(p);
    const { published, stored } = await this.settler.settleAll(`handover:${randomUUID()}`, mode);
    await this.rankings.markPresent();
    if (epoch !== this.ownership.epoch) return -1;
    this.ownership.markReady();
    const seconds = (Date.now() - this.ownership.assignedAt) / 1000;
    this.metrics.handoverDuration.observe(seconds);
    this.logger.log(
      `ready for [${this.ownership.held.join(', ')}] after ${seconds.toFixed(1)} s: ` +
        `${loaded} stored rankings loaded, ${published} published, ${stored - published} stored only (${mode})`,
    );
    return published;
  }
}
