import { groupSettled, parseConsistencyAnswer, parseOwnershipDetail } from './matching-instance';

describe('parseOwnershipDetail', () => {
  it('reads the instance, its phase and its partitions from /health', () => {
    expect(parseOwnershipDetail('instance matching-2: ready, partitions [0, 1, 2] of 6')).toEqual({
      instance: 'matching-2',
      phase: 'ready',
      partitions: [0, 1, 2],
      of: 6,
    });
    expect(
      parseOwnershipDetail('instance bench-3-1: pending, partitions [] of 6; starting'),
    ).toEqual({ instance: 'bench-3-1', phase: 'pending', partitions: [], of: 6 });
  });

  it('reads phases with a hyphen', () => {
    expect(
      parseOwnershipDetail('instance bench-3-1: catching-up, partitions [1, 5] of 6; starting')
        ?.phase,
    ).toBe('catching-up');
  });

  it('is null for any other text', () => {
    expect(parseOwnershipDetail('consumer up')).toBeNull();
  });
});

describe('groupSettled', () => {
  const owner = (partitions: number[], phase = 'ready') => ({
    instance: 'x',
    phase,
    partitions,
    of: 6,
  });

  it('holds when every instance is ready and each partition has exactly one owner', () => {
    expect(groupSettled([owner([0, 1, 2]), owner([3, 4, 5])])).toBe(true);
    expect(groupSettled([owner([0, 1, 2, 3, 4, 5])])).toBe(true);
  });

  it('does not hold mid-rebalance: a partition unowned or owned twice, or a handover pending', () => {
    expect(groupSettled([owner([0, 1, 2]), owner([3, 4])])).toBe(false);
    expect(groupSettled([owner([0, 1, 2, 3]), owner([3, 4, 5])])).toBe(false);
    expect(groupSettled([owner([0, 1, 2]), owner([3, 4, 5], 'pending')])).toBe(false);
    expect(groupSettled([owner([0, 1, 2, 3, 4, 5]), null])).toBe(false);
    expect(groupSettled([])).toBe(false);
  });
});

describe('parseConsistencyAnswer', () => {
  const answer = {
    checkedAt: '2026-01-01T00:00:00.000Z',
    sampled: 4,
    agreeing: 3,
    ratio: 0.75,
    orphans: 0,
    unsettled: false,
    differences: [{ subject: 'job:a', where: 'stored', expected: [], actual: null }],
    repaired: 1,
    durationMs: 12,
  };

  it('keeps what the bench reads of the audit', () => {
    expect(parseConsistencyAnswer(answer)).toEqual({
      sampled: 4,
      agreeing: 3,
      ratio: 0.75,
      orphans: 0,
      unsettled: false,
      differences: [{ subject: 'job:a', where: 'stored' }],
      repaired: 1,
      durationMs: 12,
    });
  });

  it('refuses another shape instead of reading it as zeros', () => {
    expect(() => parseConsistencyAnswer({ ...answer, agreeing: undefined })).toThrow(
      'unexpected consistency answer',
    );
    expect(() => parseConsistencyAnswer({ message: 'Unauthorized' })).toThrow();
    expect(() => parseConsistencyAnswer(null)).toThrow();
  });
});
