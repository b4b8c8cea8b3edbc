import type { CpuWindow } from '../harness/proc-cpu';
import type { ScaleOutRun, ScaleOutSection } from './scale-out-bench';
import {
  capacityRatio,
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
});
