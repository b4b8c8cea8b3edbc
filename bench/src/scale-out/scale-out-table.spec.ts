import type { CpuWindow } from '../harness/proc-cpu';
import type {
  ConsistencyResult,
  LoadResult,
  ScaleOutRun,
  ScaleOutSection,
} from './scale-out-bench';
import {
  capacityRatio,
  consistencyCell,
  inconsistencyNotes,
  inconsistentRuns,
  loadMarkdown,
  matchingCpuPerEvent,
  matchingTotal,
  matchingUses,
  otherWork,
  scaleOutMarkdown,
} from './scale-out-table';

const cpu = (matching: number[]): CpuWindow => ({
  wallSeconds: 10,
  processes: {
    ...Object.fromEntries(
      matching.map((c, i) => [`matching-${i + 1}`, { seconds: c * 10, cores: c }]),
    ),
    broker: { seconds: 3, cores: 0.3 },
    bench: { seconds: 1, cores: 0.1 },
  },
  machine: { seconds: 19, cores: 1.9 },
});

const run = (instances: number, rate: number, matching: number[]): ScaleOutRun => ({
  instances,
  startSeconds: 3,
  partitions: [],
  rebalanced: false,
  capacity: {
    events: 400,
    answered: 400,
    seconds: 400 / rate,
    rate,
    matchEventsPerEvent: 5,
    cpu: cpu(matching),
  },
  steady: null,
});

describe('scale-out table helpers', () => {
  it('lists the matching processes in order (matching-10 after matching-2) and sums them', () => {
    const window = cpu([0.5, 0.25, 0.1, 0, 0, 0, 0, 0, 0, 0.4]);
    expect(matchingUses(window).map((u) => u?.cores)).toEqual([
      0.5, 0.25, 0.1, 0, 0, 0, 0, 0, 0, 0.4,
    ]);
    expect(matchingTotal(cpu([0.5, 0.25]))?.cores).toBeCloseTo(0.75);
  });

  it('has no total when a process could not be read', () => {
    const window = cpu([0.5]);
    window.processes['matching-2'] = null;
    expect(matchingTotal(window)).toBeNull();
  });

  it('counts as other work what the machine was busy with beyond the sampled processes', () => {
    // machine 190% - (50% + 25% + broker 30% + bench 10%) = 75%
    expect(otherWork(cpu([0.5, 0.25]))?.cores).toBeCloseTo(0.75);
    expect(otherWork({ ...cpu([0.5]), machine: null })).toBeNull();
  });

  it('gives the matching CPU per answered event in milliseconds', () => {
    // (0.5 + 0.25) cores over 10 s = 7.5 CPU-seconds for 500 events = 15 ms each
    expect(matchingCpuPerEvent(cpu([0.5, 0.25]), 500)).toBeCloseTo(15);
    expect(matchingCpuPerEvent(cpu([0.5]), 0)).toBeNull();
  });

  it('states capacity against the first run', () => {
    expect(capacityRatio(run(2, 150, [1, 1]), run(1, 100, [1]))).toBe(1.5);
    expect(capacityRatio(run(2, 150, [1, 1]), { ...run(1, 100, [1]), capacity: null })).toBeNull();
  });

  it('renders one row per instance count with the cores beside it', () => {
    const section: ScaleOutSection = {
      cores: 2,
      modelId: 'm',
      population: { profiles: 10, jobs: 10 },
      bases: { profiles: 2, jobs: 2 },
      otherRecords: 0,
      backlog: 400,
      seconds: 20,
      offeredRate: 60,
      rateSource: 'test',
      instanceSettings: {},
      topicSettings: {},
      runs: [run(1, 100, [0.9]), run(2, 130, [0.7, 0.6])],
    };
    const text = scaleOutMarkdown(section).join('\n');
    expect(text).toContain('**2 cores**');
    expect(text).toContain('| 1 | 100.0 (400/400) | 1.00× |');
    expect(text).toContain('| 2 | 130.0 (400/400) | 1.30× |');
    // 1.3 cores x 10 s / 400 events = 32.5 ms of matching CPU per event
    expect(text).toContain('70%, 60% | 130% | 32.5 ms | 30% | 10% | 190% | 20% |');
    expect(text).toContain('Every instance applies every change');
  });

  const consistency = (agreeing: number, sampled: number, orphans = 0): ConsistencyResult => ({
    sampled,
    agreeing,
    ratio: sampled ? agreeing / sampled : 1,
    orphans,
    repaired: 0,
    unsettled: false,
    consistent: agreeing === sampled && orphans === 0,
    seconds: 4,
    differences:
      agreeing === sampled ? [] : [{ instance: 'bench-1-1', subject: 'job:x', where: 'stored' }],
    perInstance: [],
  });
  const load: LoadResult = {
    cpu: cpu([0.9]),
    recordsOnTopic: 20400,
    mode: 'bulk',
    records: 20400,
    instances: [],
    loadedSeconds: 10,
    rankedSeconds: 40,
    readySeconds: 51,
    rankings: 20000,
    stored: 20000,
    publishedSeconds: 50,
    recordsPerSecond: 2040,
    rankingsPerSecond: 500,
  };
  const section = (runs: ScaleOutRun[]): ScaleOutSection => ({
    cores: 2,
    modelId: 'm',
    population: { profiles: 10, jobs: 10 },
    bases: { profiles: 2, jobs: 2 },
    otherRecords: 0,
    backlog: 400,
    churn: { update: 0.7, add: 0.15, remove: 0.15 },
    loadPopulation: 10000,
    bulkLoadMinRecords: 20000,
    auditSample: 100000,
    loadAuditSample: 2000,
    seconds: 20,
    offeredRate: 60,
    rateSource: 'test',
    instanceSettings: {},
    topicSettings: {},
    runs,
  });

  it('shows each start as a load split into replay and ranking, and the audit after the drain', () => {
    const loadRun: ScaleOutRun = {
      ...run(1, 90, [0.9]),
      kind: 'load',
      population: 10000,
      load,
      consistency: consistency(20000, 20000),
    };
    const text = loadMarkdown(section([loadRun])).join('\n');
    expect(text).toContain('from 20000 records on that is a bulk load');
    expect(text).toContain('in the load run a random 2000 of them');
    expect(text).toContain(
      '| 1 (load, 10000 per side) | 10000 | 20400 | bulk | 10.0 s | 40.0 s | 50.0 s | 40.0 s | 51.0 s | 2040 | 500 | 20000 / 20000 | 90% | 60% |',
    );
    expect(text).toContain('| 20000/20000 (1.0000) | 0 | 4.0 s |');
    expect(text).not.toContain('INCONSISTENT');
    // The load run is not a point of the instance-count comparison.
    expect(scaleOutMarkdown(section([run(1, 100, [0.9]), loadRun])).join('\n')).toContain(
      '| 1 (load, 10000 per side) | 90.0 (400/400) | — |',
    );
  });

  it('says loudly when a ranking differs from a fresh ranking or an orphan is left', () => {
    const good = { ...run(1, 100, [0.9]), consistency: consistency(10, 10) };
    const bad = { ...run(2, 100, [0.9, 0.9]), consistency: consistency(9, 10) };
    const orphaned = { ...run(3, 100, [0.9, 0.9, 0.9]), consistency: consistency(10, 10, 1) };
    const s = section([good, bad, orphaned]);
    expect(inconsistentRuns(s)).toEqual([bad, orphaned]);
    expect(consistencyCell(bad.consistency)).toBe('9/10 (**0.9000: INCONSISTENT**)');
    expect(consistencyCell(good.consistency)).toBe('10/10 (1.0000)');
    expect(inconsistencyNotes(s)).toEqual([
      expect.stringContaining('1 of 10 rankings differ from a fresh ranking, 0 orphans'),
      expect.stringContaining('0 of 10 rankings differ from a fresh ranking, 1 orphans'),
    ]);
    expect(loadMarkdown(s).join('\n')).toContain(
      '**Rankings differ from a fresh ranking** in 2 runs: 2: 1 differ, 0 orphans (first: job:x stored)',
    );
  });
});
