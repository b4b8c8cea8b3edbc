import { LIMITS } from '@matchstream/contracts';
import { jobUpserted, profileUpserted } from '@matchstream/testing';
import { validateIngestEvents } from './ingest-events.validator';

describe('validateIngestEvents', () => {
  it('accepts valid events of the route type and keeps the posted JSON', () => {
    const event = jobUpserted({ eventId: 'e-1', entityId: 'job-1' });
    const { valid, errors } = validateIngestEvents([event], 'job');
    expect(errors).toEqual([]);
    expect(valid).toHaveLength(1);
    expect(valid[0].event.eventId).toBe('e-1');
    expect(JSON.parse(valid[0].value)).toEqual(event);
  });

  it('lists every problem of every item, by index', () => {
    const good = profileUpserted({ eventId: 'e-ok', entityId: 'p-1' });
    const noHeadline = profileUpserted({ eventId: 'e-bad', entityId: 'p-2' });
    delete (noHeadline.payload as { headline?: string }).headline;
    const wrongTypes = { ...profileUpserted({ eventId: 'e-types' }), entityVersion: 'seven' };
    const items = [
      good,
      noHeadline,
      'not an event',
      wrongTypes,
      { ...good, type: 'profile.merged' },
    ];
    const { valid, errors } = validateIngestEvents(items, 'profile');
    expect(valid.map((v) => v.index)).toEqual([0]);
    expect(errors.map((e) => [e.index, e.reason])).toEqual([
      [1, 'schema-violation'],
      [2, 'schema-violation'],
      [3, 'schema-violation'],
      [4, 'unknown-type'],
    ]);
    expect(errors[0].eventId).toBe('e-bad');
    expect(errors[0].issues).toEqual([expect.objectContaining({ path: 'payload.headline' })]);
    expect(errors[2].issues?.map((i) => i.path)).toContain('entityVersion');
  });

  it('refuses an event of the other entity type, and an oversized one', () => {
    const job = jobUpserted({ eventId: 'e-job' });
    expect(validateIngestEvents([job], 'profile').errors).toEqual([
      expect.objectContaining({ index: 0, reason: 'wrong-entity-type', eventId: 'e-job' }),
    ]);
    const huge = jobUpserted({
      eventId: 'e-huge',
      payload: { description: 'x'.repeat(LIMITS.maxEventBytes) },
    });
    expect(validateIngestEvents([huge], 'job').errors[0].reason).toBe('oversized');
  });

  it('refuses hostile structure the way the Kafka path does', () => {
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": true}, "type": "job.upserted"}',
    ) as unknown;
    expect(validateIngestEvents([hostile], 'job').errors[0].reason).toBe('hostile-structure');
  });
});
