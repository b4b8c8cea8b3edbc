import { randomUUID } from 'node:crypto';
import type {
  EntityType,
  MatchRankingEvent,
  MatchRetractedEvent,
  RankedMatch,
} from '@matchstream/contracts';
import type { RankEntry } from '@matchstream/ranking';
import type { Cause } from '../apply/cause';
import type { RankingSummary } from './ranking.store';

/** The match event for a subject's new ranking; `previous` says which counterparts it retracts. */
export function rankingEvent(
  subject: { type: EntityType; id: string; version: number; modelId: string },
  matches: RankedMatch[],
  cause: Cause,
  previous: RankingSummary | undefined,
  indexVersion: number,
): MatchRankingEvent {
  const ids = new Set(matches.map((m) => m.counterpartId));
  return {
    schema: 'match.ranking',
    schemaVersion: 1,
    eventId: randomUUID(),
    producedAt: new Date().toISOString(),
    subject: { type: subject.type, id: subject.id, version: subject.version },
    trigger: cause.trigger === 'subject-removed' ? 'counterpart-removed' : cause.trigger,
    causationEventId: cause.causationEventId,
    modelId: subject.modelId,
    indexVersion,
    matches,
    retracted: (previous?.ids ?? []).filter((c) => !ids.has(c)),
  };
}

/** The match event that withdraws a removed subject's ranking. */
export function retractionEvent(
  subject: { type: EntityType; id: string; version: number },
  cause: Cause,
  previous: RankingSummary | undefined,
): MatchRetractedEvent {
  return {
    schema: 'match.retracted',
    schemaVersion: 1,
    eventId: randomUUID(),
    producedAt: new Date().toISOString(),
    subject,
    reason: 'subject-removed',
    causationEventId: cause.causationEventId,
    retracted: previous?.ids ?? [],
  };
}

/** Same counterparts, same order, same scores (scores are rounded to four decimals). */
export function sameRanking(stored: RankingSummary, top: readonly RankEntry[]): boolean {
  return (
    stored.ids.length === top.length &&
    stored.ids.every(
      (id, i) => id === top[i].id && Math.abs(stored.scores[i] - top[i].score) < 1e-9,
    )
  );
}
