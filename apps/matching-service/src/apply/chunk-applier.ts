import { Inject, Injectable } from '@nestjs/common';
import { entityKey } from '@matchstream/contracts';
import type { ConsumedRecord, DeadLetter } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { EntityState, RankingMaintainer } from '@matchstream/ranking';
import type { ApplyOutcome } from '@matchstream/ranking';
import { MATCHING_SERVICE_CONFIG } from '../matching-service.config';
import type { MatchingServiceConfig } from '../matching-service.config';
import { decodeEntityVector } from '../consume/entity-vector.decoder';
import { PartitionOwnership } from '../ownership/partition-ownership';
import { AppliedOffsets } from './applied-offsets';
import { applyToState } from './apply-to-state';
import type { Cause } from './cause';

/** What applying a chunk did: the rankings to settle and the records to dead-letter. */
export interface AppliedChunk {
  letters: DeadLetter[];
  outcomes: Record<ApplyOutcome, number>;
  /** The subjects whose own event was applied, with why. */
  causes: Map<string, Cause>;
  /** Every ranking the chunk touched, with the changed entity that touched it. */
  touched: Map<string, string>;
}

/**
 * Applies a chunk of entity-vector records to the state (idempotently, by version) and brings
 * every affected ranking up to date (RankingMaintainer: exact, both directions). Nothing is
 * published here: settling (`settle/`) makes the chunk's effects durable.
 */
@Injectable()
export class ChunkApplier {
  constructor(
    private readonly state: EntityState,
    private readonly maintainer: RankingMaintainer,
    private readonly ownership: PartitionOwnership,
    private readonly offsets: AppliedOffsets,
    private readonly metrics: MetricsService,
    @Inject(MATCHING_SERVICE_CONFIG)
    private readonly config: Pick<MatchingServiceConfig, 'EMBEDDING_MODEL_ID'>,
  ) {}

  apply(records: readonly ConsumedRecord[]): AppliedChunk {
    const letters: DeadLetter[] = [];
    const outcomes: Record<ApplyOutcome, number> = { applied: 0, duplicate: 0, stale: 0 };
    const causes = new Map<string, Cause>();

    const stopIndex = this.metrics.timeStage('index');
    for (const record of records) {
      const decoded = decodeEntityVector(record, this.config.EMBEDDING_MODEL_ID);
      if ('letter' in decoded) {
        // Every instance reads every record; the owner of its partition dead-letters it.
        if (this.ownership.holdsPartition(record.partition)) letters.push(decoded.letter);
        continue;
      }
      const { event } = decoded;
      const outcome = applyToState(this.state, event);
      outcomes[outcome]++;
      if (outcome !== 'applied') continue;
      causes.set(entityKey(event.entityType, event.entityId), {
        trigger: event.type === 'entity.removed' ? 'subject-removed' : 'subject-changed',
        causationEventId: event.sourceEventId,
        occurredAt: event.occurredAt,
      });
    }
    stopIndex();

    const stopSearch = this.metrics.timeStage('search');
    const touched = this.maintainer.apply(causes.keys());
    stopSearch();
    return { letters, outcomes, causes, touched };
  }

  /**
   * Start-up replay up to the committed offsets: applies state and maintains rankings exactly as
   * live processing does, but publishes nothing (those effects were made durable before the
   * offsets were committed; the first handover settles any difference afterwards).
   */
  replay(records: readonly ConsumedRecord[]): void {
    this.maintainer.apply(this.load(records));
  }

  /**
   * Applies the records to the state only (a bulk load: no ranking is maintained; they are all
   * computed afterwards in one pass) and marks them applied. Returns the keys of what changed.
   */
  load(records: readonly ConsumedRecord[]): Set<string> {
    const changed = new Set<string>();
    for (const record of records) {
      const decoded = decodeEntityVector(record, this.config.EMBEDDING_MODEL_ID);
      if ('letter' in decoded) continue;
      const { event } = decoded;
      if (applyToState(this.state, event) === 'applied')
        changed.add(entityKey(event.entityType, event.entityId));
    }
    this.offsets.markChunk(records);
    return changed;
  }
}
