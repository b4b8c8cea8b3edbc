/**
 * CPU time per process and for the whole machine, from Linux's /proc: what each process of a
 * measurement burned while it ran (user + system time of all its threads), so a throughput figure
 * comes with the cores it cost. Where /proc is absent (not Linux) the readings are null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** utime and stime of one process, in clock ticks (all of its threads). */
export interface ProcessTicks {
  utime: number;
  stime: number;
}

/**
 * Parses /proc/<pid>/stat. The second field (the command name, in parentheses) may itself hold
 * spaces and parentheses, so the fields are counted from the last ')': utime and stime are fields
 * 14 and 15 of the line (1-based), the 12th and 13th after the name.
 */
export function parseProcStat(text: string): ProcessTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line: no command name');
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('not a /proc/<pid>/stat line: utime/stime missing');
  }
  return { utime, stime };
}

/** Busy and total clock ticks of the whole machine (all cores), from the `cpu` line of /proc/stat. */
export interface MachineTicks {
  busy: number;
  total: number;
}

/**
 * Parses the aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal
 * (guest time is already counted in user). Idle and iowait are idle; the rest is busy.
 */
export function parseMachineStat(text: string): MachineTicks {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (v.length < 4 || v.some((x) => !Number.isFinite(x)))
    throw new Error('malformed cpu line in /proc/stat');
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** CPU seconds over a window and the share of one core they amount to (1.0 = one core busy). */
export interface CpuUse {
  seconds: number;
  /** seconds / wall seconds of the window. */
  cores: number;
}

/** The CPU a window cost: each named process's, and the machine's busy time (everything). */
export interface CpuWindow {
  wallSeconds: number;
  processes: Record<string, CpuUse | null>;
  /** All cores together, every process on the machine (other work too). */
  machine: CpuUse | null;
}

/** CPU use between two tick readings taken `wallSeconds` apart. */
export function cpuUse(
  before: ProcessTicks,
  after: ProcessTicks,
  ticksPerSecond: number,
  wallSeconds: number,
): CpuUse {
  const seconds =
    (after.utime + after.stime - (before.utime + before.stime)) / Math.max(1, ticksPerSecond);
  return { seconds, cores: wallSeconds > 0 ? seconds / wallSeconds : 0 };
}

let clockTicks: number | null = null;

/** USER_HZ (the unit of /proc's tick counts): 100 on practically every Linux. */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function readProcess(pid: number): ProcessTicks | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // gone, or no /proc
  }
}

function readMachine(): MachineTicks | null {
  try {
    return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Samples named processes at `start()` and again at `stop()`; the difference is the window's CPU.
 * A process that exits during the window reads as null.
 */
export class CpuSampler {
  private before = new Map<string, ProcessTicks | null>();
  private machineBefore: MachineTicks | null = null;
  private startedAt = 0;

  constructor(private readonly pids: ReadonlyMap<string, number>) {}

  start(): void {
    this.startedAt = performance.now();
    this.before = new Map([...this.pids].map(([name, pid]) => [name, readProcess(pid)]));
    this.machineBefore = readMachine();
  }

  stop(): CpuWindow {
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const hz = ticksPerSecond();
    const processes: Record<string, CpuUse | null> = {};
    for (const [name, pid] of this.pids) {
      const before = this.before.get(name);
      const after = readProcess(pid);
      processes[name] = before && after ? cpuUse(before, after, hz, wallSeconds) : null;
    }
    const machineAfter = readMachine();
    let machine: CpuUse | null = null;
    if (this.machineBefore && machineAfter) {
      const seconds = (machineAfter.busy - this.machineBefore.busy) / hz;
      machine = { seconds, cores: wallSeconds > 0 ? seconds / wallSeconds : 0 };
    }
    return { wallSeconds, processes, machine };
  }
}
