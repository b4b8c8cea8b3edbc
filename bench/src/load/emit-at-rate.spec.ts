import { emitAtRate } from './emit-at-rate';

describe('emitAtRate', () => {
  it('emits every item at its due time on a fake clock', async () => {
    let clock = 0;
    const sent: Array<{ item: number; at: number; scheduled: number }> = [];
    const report = await emitAtRate({
      ratePerSecond: 100,
      count: 50,
      item: (i) => i,
      now: () => clock,
      sleep: (ms) => {
        clock += Math.max(ms, 1);
        return Promise.resolve();
      },
      send: (items, scheduledAt) => {
        items.forEach((item, i) => sent.push({ item, at: clock, scheduled: scheduledAt[i] }));
        return Promise.resolve();
      },
    });
    expect(sent.map((s) => s.item)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const s of sent) {
      expect(s.scheduled).toBeCloseTo(s.item * 10, 6);
      expect(s.at).toBeGreaterThanOrEqual(s.scheduled);
      expect(s.at - s.scheduled).toBeLessThan(10);
    }
    expect(report.sent).toBe(50);
    expect(report.achievedRate).toBeCloseTo(100, 0);
  });

  it('batches items that fell due together and waits for every send', async () => {
    let clock = 0;
    const batches: number[][] = [];
    let pending = 0;
    const report = await emitAtRate({
      ratePerSecond: 1000,
      count: 20,
      item: (i) => i,
      now: () => clock,
      sleep: () => {
        clock += 5; // a coarse timer: five items fall due per tick
        return Promise.resolve();
      },
      send: async (items) => {
        pending++;
        batches.push(items);
        await new Promise((resolve) => setTimeout(resolve, 5));
        pending--;
      },
    });
    expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(batches.length).toBeLessThan(20);
    expect(pending).toBe(0);
    expect(report.sent).toBe(20);
  });
});
