import { ReplayRingBuffer } from './replay-ring.buffer';

const item = (n: number) => ({ id: `0:${n}` });
const ids = (items: { id: string }[] | null) => items?.map((i) => i.id) ?? null;

describe('ReplayRingBuffer', () => {
  it('keeps the last N items, oldest first', () => {
    const ring = new ReplayRingBuffer(3);
    for (let n = 1; n <= 5; n++) ring.push(item(n));
    expect(ring.size).toBe(3);
    expect(ids(ring.toArray())).toEqual(['0:3', '0:4', '0:5']);
  });

  it('answers the items after a held id, and null for one it no longer holds', () => {
    const ring = new ReplayRingBuffer(3);
    for (let n = 1; n <= 5; n++) ring.push(item(n));
    expect(ids(ring.after('0:3'))).toEqual(['0:4', '0:5']);
    expect(ids(ring.after('0:5'))).toEqual([]);
    expect(ring.after('0:2')).toBeNull();
    expect(ring.after('unknown')).toBeNull();
  });

  it('works before it is full and with no capacity at all', () => {
    const ring = new ReplayRingBuffer(1000);
    ring.push(item(1));
    ring.push(item(2));
    expect(ids(ring.after('0:1'))).toEqual(['0:2']);
    const none = new ReplayRingBuffer(0);
    none.push(item(1));
    expect(none.size).toBe(0);
    expect(none.toArray()).toEqual([]);
    expect(none.after('0:1')).toBeNull();
  });
});
