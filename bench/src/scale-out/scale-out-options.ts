/**
 * The scale-out section's command-line options, shared by `npm run bench` (which runs the section
 * last) and `npm run bench:scale-out` (the section alone).
 */
import { readFileSync } from 'node:fs';

export const SCALE_OUT_USAGE = `  --scale-out-instances A,B,C
                      matching instance counts, in order (default 1,2,3); repeat them to
                      interleave against drifting load (1,2,3,1,2,3); "none" skips the section
  --scale-out-population N
                      entities per side (default 2000)
  --scale-out-backlog N
                      updates in the capacity backlog (default 400)
  --scale-out-seconds S
                      seconds of the steady run per instance count (default 20)
  --scale-out-rate R  updates per second in the steady run (default 60% of the first count's
                      capacity, the same rate for every count)`;

/** parseArgs option definitions (all strings, parsed by scaleOutSettings). */
export const SCALE_OUT_ARGS = {
  'scale-out-instances': { type: 'string', default: '1,2,3' },
  'scale-out-population': { type: 'string', default: '2000' },
  'scale-out-backlog': { type: 'string', default: '400' },
  'scale-out-seconds': { type: 'string', default: '20' },
  'scale-out-rate': { type: 'string' },
} as const;

export interface ScaleOutSettings {
  /** Empty: the section is skipped. */
  instances: number[];
  population: number;
  backlog: number;
  seconds: number;
  rate: number | null;
}

export function scaleOutSettings(values: {
  'scale-out-instances': string;
  'scale-out-population': string;
  'scale-out-backlog': string;
  'scale-out-seconds': string;
  'scale-out-rate'?: string;
}): ScaleOutSettings {
  const positive = (name: string, raw: string, integer = true): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${raw}`);
    }
    return n;
  };
  const list = values['scale-out-instances'].trim();
  const instances =
    list === 'none' || list === '0' || list === ''
      ? []
      : list.split(',').map((s) => positive('scale-out-instances', s.trim()));
  if (instances.some((n) => n > 6)) {
    // The vector topic has six partitions: a seventh instance would own nothing.
    throw new Error('--scale-out-instances: at most 6 (the vector topic has six partitions)');
  }
  return {
    instances,
    population: positive('scale-out-population', values['scale-out-population']),
    backlog: positive('scale-out-backlog', values['scale-out-backlog']),
    seconds: positive('scale-out-seconds', values['scale-out-seconds'], false),
    rate:
      values['scale-out-rate'] === undefined
        ? null
        : positive('scale-out-rate', values['scale-out-rate'], false),
  };
}

/** The bench broker's pid, from the file scripts/bench*.sh name in BENCH_BROKER_PID_FILE. */
export function brokerPid(file = process.env.BENCH_BROKER_PID_FILE): number | null {
  if (!file) return null;
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
