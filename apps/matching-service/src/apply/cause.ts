import type { MatchRankingEvent } from '@matchstream/contracts';

/** Why a subject's ranking is (re)published: the trigger and the event that caused it. */
export interface Cause {
  trigger: MatchRankingEvent['trigger'] | 'subject-removed';
  causationEventId: string;
  occurredAt?: string;
}
