import { parseMatchRecord, toStreamEntry } from './match-stream.entry';
import { ranking, record, retraction } from './test/match-event.fixtures';

describe('parseMatchRecord and toStreamEntry', () => {
  it('turns a ranking record into an entry with a one-line SSE frame', () => {
    const event = {
      ...ranking({ type: 'job', id: 'job-1' }, ['p-1', 'p-2'], ['p-9']),
      extra: 'kept',
    };
    const entry = toStreamEntry(parseMatchRecord(record(3, 42, event))!);
    expect(entry).toMatchObject({
      id: '3:42',
      schema: 'match.ranking',
      subjectType: 'job',
      subjectId: 'job-1',
      counterpartIds: ['p-1', 'p-2', 'p-9'],
    });
    const lines = entry.frame.split('\n');
    expect(lines.slice(0, 2)).toEqual(['id: 3:42', 'event: match.ranking']);
    expect(lines[2].startsWith('data: ')).toBe(true);
    expect(JSON.parse(lines[2].slice(6))).toEqual(event);
    expect(entry.frame.endsWith('\n\n')).toBe(true);
  });

  it('adds display fields to the published JSON, still on one line', () => {
    const event = ranking({ type: 'job', id: 'job-1' }, ['p-1']);
    const display = {
      jobs: { 'job-1': { title: 'Line\nbreak', company: 'Acme' } },
      profiles: { 'p-1': { headline: 'Vet' } },
    };
    const entry = toStreamEntry(parseMatchRecord(record(0, 7, event))!, display);
    const lines = entry.frame.split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[2].slice(6))).toEqual({ ...event, display });
  });

  it('takes a retraction, and refuses anything that is not a match event', () => {
    expect(
      parseMatchRecord(record(0, 1, retraction({ type: 'job', id: 'j' }, ['p']))),
    ).toMatchObject({ schema: 'match.retracted', counterpartIds: ['p'] });
    expect(parseMatchRecord({ partition: 0, offset: '1', value: null })).toBeNull();
    expect(parseMatchRecord({ partition: 0, offset: '1', value: Buffer.from('{oops') })).toBeNull();
    expect(parseMatchRecord(record(0, 1, { schema: 'match.ranking' }))).toBeNull();
  });
});
