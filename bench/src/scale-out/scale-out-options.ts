/**
 * The scale-out section's command-line options, shared by `npm run bench` (which runs the section
 * last) and `npm run bench:scale-out` (the section alone).
 */
import { readFileSync } from 'node:fs';
import { positive } from '../harness/cli';
import { DEFAULT_CHURN, parseChurnMix } from './churn';
import type { ChurnMix } from './churn';

/** Entities per side of the load run by default, and with --full (the bulk load). */
export const LOAD_POPULATION = 10000;
export const FULL_LOAD_POPULATION = 100000;
/** The most subjects the consistency endpoint re-ranks in one call. */
export const AUDIT_MAX = 100000;
/**
 * Subjects the load run's audit re-ranks: a random sample, as re-ranking all of them would cost
 * as much as the load's ranking phase again (the instance-count runs audit every subject).
 */
export const LOAD_AUDIT_SAMPLE = 2000;

export const SCALE_OUT_USAGE = `  --scale-out-instances A,B,C
                      matching instance counts, in order (default 1,2,3); repeat them to
                      interleave against drifting load (1,2,3,1,2,3); "none" skips the section
  --scale-out-population N
                      entities per side (default 2000); 20000 with --scale-out-instances 1 is
                      the service at the issue's size
  --scale-out-backlog N
                      events in the churn backlog drained for capacity (default 400)
  --scale-out-churn U/N/R
                      the backlog's shares of updates, new entities and removals (default
                      ${DEFAULT_CHURN}; 100/0/0 for updates only)
  --scale-out-load-population N
                      after the instance counts, one instance loads the population grown to N
                      per side (default ${LOAD_POPULATION}; ${FULL_LOAD_POPULATION} with --full; "none" skips it;
                      skipped when not above --scale-out-population)
  --scale-out-audit N subjects each instance re-ranks from scratch after the drain (default and
                      most ${AUDIT_MAX}: all of them up to that)
  --scale-out-load-audit N
                      the same in the load run (default ${LOAD_AUDIT_SAMPLE}, a random sample: all of them
                      would cost as much as its ranking phase again)
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
  'scale-out-churn': { type: 'string', default: DEFAULT_CHURN },
  'scale-out-load-population': { type: 'string' },
  'scale-out-audit': { type: 'string', default: String(AUDIT_MAX) },
  'scale-out-load-audit': { type: 'string', default: String(LOAD_AUDIT_SAMPLE) },
} as const;

export interface ScaleOutSettings {
  /** Instance counts, run in this order (e.g. [1, 2, 3]); empty: the section is skipped. */
  instances: number[];
  /** Entities per side. */
  population: number;
  /** Events in the capacity backlog. */
  backlog: number;
  /** Seconds of the steady run. */
  seconds: number;
  /** Events per second in the steady run; null: `rateFraction` of the first run's capacity. */
  rate: number | null;
  /** The backlog's mix of updates, new entities and removals. */
  churn: ChurnMix;
  /** Entities per side of the load run after the instance counts; null: no load run. */
  loadPopulation: number | null;
  /** Subjects each instance's consistency audit re-ranks. */
  auditSample: number;
  /** … in the load run. */
  loadAuditSample: number;
}

export function scaleOutSettings(
  values: {
    'scale-out-instances': string;
    'scale-out-population': string;
    'scale-out-backlog': string;
    'scale-out-seconds': string;
    'scale-out-rate'?: string;
    'scale-out-churn'?: string;
    'scale-out-load-population'?: string;
    'scale-out-audit'?: string;
    'scale-out-load-audit'?: string;
  },
  full = false,
): ScaleOutSettings {
  const list = values['scale-out-instances'].trim();
  const instances =
    list === 'none' || list === '0' || list === ''
      ? []
      : list.split(',').map((s) => positive('scale-out-instances', s.trim(), true));
  if (instances.some((n) => n > 6)) {
    // The vector topic has six partitions: a seventh instance would own nothing.
    throw new Error('--scale-out-instances: at most 6 (the vector topic has six partitions)');
  }
  const population = positive('scale-out-population', values['scale-out-population'], true);
  const load = (
    values['scale-out-load-population'] ?? String(full ? FULL_LOAD_POPULATION : LOAD_POPULATION)
  ).trim();
  const loadPopulation =
    load === 'none' || load === '0' ? null : positive('scale-out-load-population', load, true);
  const audit = (name: 'scale-out-audit' | 'scale-out-load-audit', fallback: number) => {
    const n = positive(name, values[name] ?? String(fallback), true);
    if (n > AUDIT_MAX) throw new Error(`--${name}: at most ${AUDIT_MAX}`);
    return n;
  };
  return {
    instances,
    population,
    backlog: positive('scale-out-backlog', values['scale-out-backlog'], true),
    seconds: positive('scale-out-seconds', values['scale-out-seconds']),
    rate:
      values['scale-out-rate'] === undefined
        ? null
        : positive('scale-out-rate', values['scale-out-rate']),
    churn: parseChurnMix(values['scale-out-churn'] ?? DEFAULT_CHURN),
    // A load run no larger than the instance counts' population would measure nothing new.
    loadPopulation: loadPopulation !== null && loadPopulation > population ? loadPopulation : null,
    auditSample: audit('scale-out-audit', AUDIT_MAX),
    loadAuditSample: audit('scale-out-load-audit', LOAD_AUDIT_SAMPLE),
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
