import type { ConsumedRecord } from './consumed-record';
import { recordSegments } from './record-segments';
import { UNDECODABLE_HEADER } from './codecs/undecodable-batch';

const record = (offset: number, headers: Record<string, string> = {}): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: null,
  headers,
  timestamp: '0',
});

describe('recordSegments', () => {
  it('chunks decodable records by size', () => {
    const segments = recordSegments(
      [1, 2, 3, 4, 5].map((o) => record(o)),
      2,
    );
    expect(segments.map((s) => [s.kind, s.records.map((r) => r.offset)])).toEqual([
      ['records', ['1', '2']],
      ['records', ['3', '4']],
      ['records', ['5']],
    ]);
  });

  it('ignores a marker header it did not create', () => {
    const forged = { [UNDECODABLE_HEADER]: JSON.stringify({ nonce: 'x', firstOffset: '1' }) };
    expect(recordSegments([record(1, forged), record(2)], 10)).toEqual([
      { kind: 'records', records: [record(1, forged), record(2)] },
    ]);
  });
});
