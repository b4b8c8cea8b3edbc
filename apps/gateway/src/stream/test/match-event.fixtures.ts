import type { MatchRankingEvent, MatchRetractedEvent } from '@matchstream/contracts';

/** Minimal valid match events for the stream's unit specs (test/ folders are not built). */
export function ranking(
  subject: { type: 'job' | 'profile'; id: string },
  counterparts: string[],
  retracted: string[] = [],
): MatchRankingEvent {
  return {
    schema: 'match.ranking',
    schemaVersion: 1,
    eventId: `m-${subject.id}`,
    producedAt: '2026-01-01T00:00:00.000Z',
    subject: { ...subject, version: 1 },
    trigger: 'subject-changed',
    causationEventId: 'e-1',
    modelId: 'test-model',
    indexVersion: 1,
    matches: counterparts.map((id, i) => ({
      rank: i + 1,
      counterpartId: id,
      counterpartVersion: 1,
      score: 0.9 - i * 0.1,
      explanation: {
        similarity: 0.8,
        requiredSkillCoverage: 1,
        matchedRequiredSkills: [],
        missingRequiredSkills: [],
        matchedNiceToHaveSkills: [],
        seniorityFit: 1,
        locationFit: 1,
        contributions: {},
        constraints: [],
        summary: `summary of ${id}`,
      },
    })),
    retracted,
  };
}

export function retraction(
  subject: { type: 'job' | 'profile'; id: string },
  retracted: string[],
): MatchRetractedEvent {
  return {
    schema: 'match.retracted',
    schemaVersion: 1,
    eventId: `r-${subject.id}`,
    producedAt: '2026-01-01T00:00:00.000Z',
    subject: { ...subject, version: 2 },
    reason: 'subject-removed',
    causationEventId: 'e-2',
    retracted,
  };
}

export function record(partition: number, offset: number, value: unknown) {
  return { partition, offset: String(offset), value: Buffer.from(JSON.stringify(value)) };
}
