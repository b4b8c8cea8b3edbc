import { TOPICS } from '@matchstream/contracts';
import type { ConsumedRecord } from '@matchstream/kafka';
import { decodeEntityVector } from './entity-vector.decoder';

const record = (value: string): ConsumedRecord => ({
  topic: TOPICS.entityVectors,
  partition: 2,
  offset: '7',
  key: 'job:j1',
  value: Buffer.from(value),
  headers: {},
  timestamp: '0',
});

const removal = {
  schemaVersion: 1,
  sourceEventId: 'evt-1',
  entityId: 'j1',
  entityVersion: 3,
  occurredAt: '2026-01-01T00:00:00.000Z',
  producedAt: '2026-01-01T00:00:00.000Z',
  type: 'entity.removed',
  entityType: 'job',
};

describe('decodeEntityVector', () => {
  it('accepts a valid event', () => {
    expect(decodeEntityVector(record(JSON.stringify(removal)), 'model')).toEqual({
      event: expect.objectContaining({ entityId: 'j1', type: 'entity.removed' }),
    });
  });

  it.each([
    ['{not json', 'malformed-json', /not JSON/],
    [JSON.stringify({ ...removal, entityVersion: 'three' }), 'schema-violation', /Invalid/],
  ])('gives the dead letter of %s', (value, reason, detail) => {
    const decoded = decodeEntityVector(record(value), 'model');
    expect(decoded).toEqual({
      letter: expect.objectContaining({ reason, detail: expect.stringMatching(detail) }),
    });
  });
});
