import { matchEvent } from './match-event.schema';
import { streamMatchEvent } from './stream-event.schema';

const retraction = {
  schema: 'match.retracted',
  schemaVersion: 1,
  eventId: 'r-1',
  producedAt: '2026-01-01T00:00:00.000Z',
  subject: { type: 'job', id: 'job-1', version: 2 },
  reason: 'subject-removed',
  causationEventId: 'e-1',
  retracted: ['p-1'],
};

describe('streamMatchEvent', () => {
  it('reads a match event without display fields (they are optional)', () => {
    expect(streamMatchEvent.safeParse(retraction).success).toBe(true);
  });

  it('reads display fields, and a match-event reader still accepts the frame', () => {
    const framed = {
      ...retraction,
      display: {
        jobs: { 'job-1': { title: 'Vet', company: 'Paws' } },
        profiles: { 'p-1': { headline: 'Small animal vet' } },
      },
    };
    expect(streamMatchEvent.parse(framed).display?.profiles?.['p-1']).toEqual({
      headline: 'Small animal vet',
    });
    expect(matchEvent.safeParse(framed).success).toBe(true);
  });

  it('refuses display fields of the wrong shape', () => {
    expect(
      streamMatchEvent.safeParse({ ...retraction, display: { jobs: { 'job-1': { title: 1 } } } })
        .success,
    ).toBe(false);
  });
});
