import { CpuSampler, cpuUse, parseMachineStat, parseProcStat } from './proc-cpu';

describe('parseProcStat', () => {
  it('reads utime and stime (fields 14 and 15)', () => {
    const line =
      '20882 (cat) R 20878 20878 19449 0 -1 4194304 100 0 0 0 37 12 0 0 20 0 1 0 129878 3133440 379';
    expect(parseProcStat(line)).toEqual({ utime: 37, stime: 12 });
  });

  it('counts fields from the last parenthesis: a command name may hold spaces and ")"', () => {
    const line = '77 (node (main) x) S 1 77 77 0 -1 4194560 9 0 0 0 1500 250 0 0 20 0 11 0 5 6 7';
    expect(parseProcStat(line)).toEqual({ utime: 1500, stime: 250 });
  });

  it('rejects what is not a stat line', () => {
    expect(() => parseProcStat('')).toThrow('no command name');
    expect(() => parseProcStat('1 (x) R 1 2')).toThrow('utime/stime missing');
  });
});

describe('parseMachineStat', () => {
  it('sums the busy columns of the aggregate cpu line; idle and iowait are idle', () => {
    const text = 'cpu  100 20 30 400 50 1 2 3 0 0\ncpu0 50 10 15 200 25 0 1 1 0 0\nintr 1 2 3\n';
    expect(parseMachineStat(text)).toEqual({ busy: 100 + 20 + 30 + 1 + 2 + 3, total: 606 });
  });

  it('accepts the four columns of old kernels', () => {
    expect(parseMachineStat('cpu 1 2 3 4')).toEqual({ busy: 6, total: 10 });
  });

  it('rejects a file without the aggregate line', () => {
    expect(() => parseMachineStat('cpu0 1 2 3 4\n')).toThrow('no aggregate cpu line');
  });
});

describe('cpuUse', () => {
  it('turns the tick difference into seconds and cores', () => {
    expect(cpuUse({ utime: 100, stime: 50 }, { utime: 250, stime: 100 }, 100, 4)).toEqual({
      seconds: 2,
      cores: 0.5,
    });
  });

  it('reports zero cores over an empty window', () => {
    expect(cpuUse({ utime: 0, stime: 0 }, { utime: 10, stime: 0 }, 100, 0).cores).toBe(0);
  });
});

describe('CpuSampler', () => {
  const onLinux = process.platform === 'linux';

  (onLinux ? it : it.skip)('measures this process burning CPU, and null for a gone one', () => {
    const sampler = new CpuSampler(
      new Map([
        ['self', process.pid],
        ['gone', 2 ** 22 + 1], // above pid_max's ceiling: never a live pid
      ]),
    );
    sampler.start();
    const until = performance.now() + 300;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const window = sampler.stop();
    expect(x).toBeGreaterThan(0);
    expect(window.wallSeconds).toBeGreaterThan(0.25);
    expect(window.processes.self?.seconds).toBeGreaterThan(0.1);
    expect(window.processes.gone).toBeNull();
    expect(window.machine?.seconds).toBeGreaterThan(0.1);
  });
});
