import { entityKey, parseEntityKey } from '@matchstream/contracts';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { MatchRankingEvent } from '@matchstream/contracts';
import type { MaintainedRanking } from '@matchstream/ranking';
import { MetricsService } from '@matchstream/observability';
import { EntityState, RankingBook, RankingMaintainer } from '@matchstream/ranking';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';
import { StateLock } from '../lock/state-lock';
import { RankingStore } from '../settle/ranking.store';
import type { RankingSummary } from '../settle/ranking.store';
import { UnsettledSubjects } from '../settle/unsettled-subjects';
import { RankingRepair } from './ranking-repair';
import { PartitionOwnership } from '../ownership/partition-ownership';

/** A ranking as the audit compares it: counterpart ids with scores, best first. */
type Listing = [id: string, score: number][];

export interface RankingDifference {
  subject: string;
  /** Which copy disagrees with a fresh ranking of the current state. */
  where: 'remembered' | 'stored' | 'maintained';
  expected: Listing;
  actual: Listing | null;
}

export interface ConsistencyReport {
  checkedAt: string;
  sampled: number;
  /** Sampled subjects whose every copy (maintained, served, in Redis) equals a fresh ranking. */
  agreeing: number;
  ratio: number;
  /** Stored rankings of subjects that no longer exist. */
  orphans: number;
  /** Subjects whose ranking awaits publication after a failure (differences are then expected). */
  unsettled: boolean;
  differences: RankingDifference[];
  /** Events published to repair what differed (0 while a handover or failed chunk is pending). */
  repaired: number;
  durationMs: number;
}

const MAX_DIFFERENCES = 20;
const SLICE = 16;

/**
 * Re-ranks a sample of subjects from scratch and compares the result with what the service
 * maintains, serves and has stored in Redis: correctness, observable. Runs between chunks (the
 * copies agree only once a chunk is settled), yielding to the event loop between slices so HTTP
 * keeps answering during a large audit.
 */
@Injectable()
export class ConsistencyAuditor implements OnApplicationShutdown {
  private readonly logger = new Logger(ConsistencyAuditor.name);
  private timer: NodeJS.Timeout | null = null;
  private lastReport: ConsistencyReport | null = null;

  constructor(
    private readonly state: EntityState,
    private readonly maintainer: RankingMaintainer,
    private readonly book: RankingBook,
    private readonly rankings: RankingStore,
    private readonly lock: StateLock,
    private readonly unsettled: UnsettledSubjects,
    private readonly repairs: RankingRepair,
    private readonly metrics: MetricsService,
    private readonly ownership: PartitionOwnership,
    @Inject(MATCHING_SERVICE_CONFIG) private readonly config: MatchingServiceConfig,
  ) {}

  get last(): ConsistencyReport | null {
    return this.lastReport;
  }

  /** Audits in the background from now on (after start-up recovery). */
  start(): void {
    if (this.config.MATCHING_AUDIT_SAMPLE === 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.audit(this.config.MATCHING_AUDIT_SAMPLE).catch((error: unknown) =>
        this.logger.warn(`consistency audit failed: ${String(error)}`),
      );
    }, this.config.MATCHING_AUDIT_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  audit(sample: number): Promise<ConsistencyReport> {
    return this.lock.runExclusive(async () => {
      const started = Date.now();
      const subjects = this.sample(sample);
      const differences: RankingDifference[] = [];
      const fresh = new Map<string, MaintainedRanking | null>();
      let agreeing = 0;
      for (let i = 0; i < subjects.length; i += SLICE) {
        for (const key of subjects.slice(i, i + SLICE)) {
          const ranking = this.maintainer.rank(key);
          const found = await this.check(key, ranking);
          if (found.length === 0) agreeing++;
          else {
            differences.push(...found);
            fresh.set(key, ranking);
          }
        }
        await yieldToEventLoop();
      }
      const orphanKeys = [...this.rankings.keys()].filter((key) => {
        const [type, id] = parseEntityKey(key);
        return !this.state.side(type).entities.has(id);
      });
      const orphans = orphanKeys.length;
      // Self-healing: whatever differs is published and stored again (and alerted on).
      const repaired = fresh.size || orphans ? await this.repairs.repair(fresh, orphanKeys) : 0;
      const ratio = subjects.length ? agreeing / subjects.length : 1;
      const report: ConsistencyReport = {
        checkedAt: new Date().toISOString(),
        sampled: subjects.length,
        agreeing,
        ratio: orphans > 0 ? Math.min(ratio, 1 - 1e-9) : ratio,
        orphans,
        unsettled: !this.unsettled.isEmpty,
        differences: differences.slice(0, MAX_DIFFERENCES),
        repaired,
        durationMs: Date.now() - started,
      };
      this.metrics.rankingConsistency.set(report.ratio);
      this.metrics.rankingAudits.inc({ result: 'agrees' }, agreeing);
      this.metrics.rankingAudits.inc({ result: 'differs' }, subjects.length - agreeing);
      if (report.ratio < 1) {
        this.logger.warn(
          `consistency audit: ${subjects.length - agreeing} of ${subjects.length} sampled rankings differ from a fresh ranking, ${orphans} orphans; ${repaired} events published to repair them`,
        );
      }
      this.lastReport = report;
      return report;
    });
  }

  private async check(key: string, fresh: MaintainedRanking | null): Promise<RankingDifference[]> {
    const [type, id] = parseEntityKey(key);
    const expected: Listing = (fresh?.entries ?? [])
      .slice(0, this.book.k)
      .map((e) => [e.id, e.score]);
    const maintained = this.book.get(key);
    const copies: [RankingDifference['where'], Listing | null][] = [
      [
        'maintained',
        maintained ? maintained.entries.slice(0, this.book.k).map((e) => [e.id, e.score]) : null,
      ],
      ['remembered', summaryListing(this.rankings.get(type, id))],
      ['stored', listing((await this.rankings.readStored(type, id)) ?? undefined)],
    ];
    return copies
      .filter(([, actual]) => !sameListing(expected, actual))
      .map(([where, actual]) => ({ subject: key, where, expected, actual }));
  }

  /** A sample of the subjects this instance publishes for (none during a handover). */
  private sample(size: number): string[] {
    const all: string[] = [];
    for (const type of ['profile', 'job'] as const)
      for (const id of this.state.side(type).entities.keys())
        if (this.ownership.publishes(type, id)) all.push(entityKey(type, id));
    if (size >= all.length) return all;
    // A partial Fisher-Yates shuffle: the first `size` are a uniform sample.
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(Math.random() * (all.length - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, size);
  }
}

function listing(ranking: MatchRankingEvent | undefined): Listing | null {
  return ranking ? ranking.matches.map((m) => [m.counterpartId, m.score]) : null;
}

function summaryListing(ranking: RankingSummary | undefined): Listing | null {
  return ranking ? ranking.ids.map((id, i) => [id, ranking.scores[i]]) : null;
}

function sameListing(a: Listing, b: Listing | null): boolean {
  return (
    b !== null &&
    a.length === b.length &&
    a.every(([id, score], i) => id === b[i][0] && Math.abs(score - b[i][1]) < 1e-9)
  );
}
