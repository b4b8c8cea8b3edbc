import { Partitioners } from 'kafkajs';
import { PartitionOwnership, partitionOfSubject } from './partition-ownership';

describe('partitionOfSubject', () => {
  it('is the partition the default producer partitioner puts the subject’s own events on', () => {
    const producer = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 6, 12]) {
      const metadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
        partitionErrorCode: 0,
      }));
      for (let i = 0; i < 200; i++) {
        const type = i % 2 ? 'job' : 'profile';
        expect(partitionOfSubject(type, `entity-${i}`, partitions)).toBe(
          producer({
            topic: 'matchstream.entity-vectors.v1',
            partitionMetadata: metadata,
            message: { key: `${type}:entity-${i}`, value: 'x' },
          }),
        );
      }
    }
  });

  it('spreads subjects over every partition', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) seen.add(partitionOfSubject('job', `j${i}`, 6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('PartitionOwnership', () => {
  const ids = Array.from({ length: 60 }, (_, i) => `e${i}`);
  const partitionOf = (id: string) => partitionOfSubject('profile', id, 4);

  it('holds its provisional partitions before any assignment, and publishes nothing', () => {
    const ownership = new PartitionOwnership().configure(4, [1, 2, 7]);
    expect(ownership.held).toEqual([1, 2]);
    expect(ownership.phase).toBe('fenced');
    for (const id of ids) {
      expect(ownership.holds('profile', id)).toBe([1, 2].includes(partitionOf(id)));
      expect(ownership.publishes('profile', id)).toBe(false);
    }
  });

  it('publishes for its subjects only once caught up with the log as of the assignment', () => {
    const ownership = new PartitionOwnership().configure(4);
    const { gained, lost } = ownership.assign(
      [0, 3],
      new Map([
        [0, 10n],
        [2, 5n],
      ]),
    );
    expect({ gained, lost }).toEqual({ gained: [0, 3], lost: [] });
    expect(ownership.phase).toBe('catching-up');
    const positions = new Map([[0, 10n]]);
    expect(ownership.caughtUp((p) => positions.get(p))).toBe(false); // partition 2 behind
    positions.set(2, 5n);
    expect(ownership.caughtUp((p) => positions.get(p))).toBe(true);
    ownership.markReady();
    for (const id of ids)
      expect(ownership.publishes('profile', id)).toBe([0, 3].includes(partitionOf(id)));
    expect(ownership.everReady).toBe(true);
  });

  it('stops publishing the moment a rebalance begins, and says what a new assignment moved', () => {
    const ownership = new PartitionOwnership().configure(4);
    ownership.assign([0, 1], new Map());
    ownership.markReady();
    const epoch = ownership.epoch;
    ownership.fence();
    expect(ownership.epoch).toBeGreaterThan(epoch);
    expect(ids.some((id) => ownership.publishes('profile', id))).toBe(false);
    // Still held (kept maintained) until the new assignment says otherwise.
    expect(ownership.holdsPartition(1)).toBe(true);
    expect(ownership.assign([1, 2], new Map())).toEqual({ lost: [0], gained: [2] });
    expect(ownership.caughtUp(() => undefined)).toBe(true);
  });
});
