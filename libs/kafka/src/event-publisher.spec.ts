import { splitByBytes } from './event-publisher';

describe('splitByBytes', () => {
  const message = (i: number, bytes: number) => ({ key: `k${i}`, value: 'x'.repeat(bytes) });

  it('keeps every message, in order, in parts under the limit', () => {
    const messages = Array.from({ length: 1000 }, (_, i) => message(i, 300 + (i % 7) * 100));
    const parts = splitByBytes(messages, 20_000);
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.flat()).toEqual(messages);
    for (const part of parts) {
      const bytes = part.reduce((sum, m) => sum + 64 + (m.key ?? '').length + m.value.length, 0);
      expect(bytes).toBeLessThanOrEqual(20_000);
    }
  });

  it('sends a message larger than the limit alone, and nothing for no messages', () => {
    const parts = splitByBytes([message(1, 10), message(2, 50_000), message(3, 10)], 1000);
    expect(parts.map((p) => p.map((m) => m.key))).toEqual([['k1'], ['k2'], ['k3']]);
    expect(splitByBytes([], 1000)).toEqual([]);
  });
});
