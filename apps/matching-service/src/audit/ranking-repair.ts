import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MaintainedRanking } from '@matchstream/ranking';
import { RankingMaintainer } from '@matchstream/ranking';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { RankingSettler } from '../settle/ranking-settler';
import { RankingStore } from '../settle/ranking.store';
import { UnsettledSubjects } from '../settle/unsettled-subjects';

/**
 * Repairs what a consistency audit found: each differing subject's maintained ranking is replaced
 * by the fresh one and published and stored again, whatever this instance remembers of it; an
 * orphan (a stored ranking of a subject gone) is retracted.
 */
@Injectable()
export class RankingRepair {
  constructor(
    private readonly maintainer: RankingMaintainer,
    private readonly rankings: RankingStore,
    private readonly unsettled: UnsettledSubjects,
    private readonly settler: RankingSettler,
    private readonly ownership: PartitionOwnership,
  ) {}

  /**
   * Call it within the state lock. Nothing while a handover or a failed chunk is pending (those
   * settle anyway). Returns how many events were published.
   */
  async repair(
    fresh: ReadonlyMap<string, MaintainedRanking | null>,
    orphans: readonly string[],
  ): Promise<number> {
    if (this.ownership.phase !== 'ready' || !this.unsettled.isEmpty) return 0;
    const causationEventId = `repair:${randomUUID()}`;
    for (const [key, ranking] of fresh) {
      this.maintainer.replace(key, ranking);
      this.rankings.forgetSubject(key);
      this.unsettled.set(key, { trigger: 'counterpart-changed', causationEventId });
    }
    for (const key of orphans)
      this.unsettled.set(key, { trigger: 'subject-removed', causationEventId });
    const { published } = await this.settler.settle([], 'live');
    return published + orphans.length;
  }
}
