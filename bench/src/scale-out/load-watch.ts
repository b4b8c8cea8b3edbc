/**
 * A start of the matching tier as a load: the state read from the vector topic into empty
 * instances, then every subject's ranking computed and published. Timed from the instances'
 * own signals (their load metrics, `/health/ready`) and from the rankings on the matches topic,
 * not from the lag gauge, which is sampled too seldom to time anything.
 */

export const HANDOVER_CAUSATION = 'handover:';

/** What an instance's `/metrics` says about its start-up load. */
export interface LoadMetrics {
  /** `bulk` (to the log end, no maintenance on the way) or `replay` (chunk by chunk). */
  mode: string | null;
  records: { done: number; expected: number } | null;
  /** Rankings computed from scratch by the first handover (after a bulk load: all of them). */
  rankings: { done: number; expected: number } | null;
}

const LOAD_RECORDS = 'matchstream_matching_load_records';
const LOAD_RANKINGS = 'matchstream_matching_load_rankings';

/** The labels of one sample line: `name{a="x",b="y"} 1` → {a: 'x', b: 'y'}. */
function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2];
  return labels;
}

/** Reads the load gauges from Prometheus' text format (absent until the load reports). */
export function parseLoadMetrics(text: string): LoadMetrics {
  const byMode = new Map<string, { done: number; expected: number }>();
  const rankings = { done: Number.NaN, expected: Number.NaN };
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m || (m[1] !== LOAD_RECORDS && m[1] !== LOAD_RANKINGS)) continue;
    const labels = labelsOf(m[2]);
    const value = Number(m[3]);
    const state = labels.state;
    if (state !== 'done' && state !== 'expected') continue;
    if (m[1] === LOAD_RANKINGS) {
      rankings[state] = value;
    } else {
      const mode = labels.mode ?? 'unknown';
      const entry = byMode.get(mode) ?? { done: Number.NaN, expected: Number.NaN };
      entry[state] = value;
      byMode.set(mode, entry);
    }
  }
  // One start has one mode; should both appear, the bulk load is the one that ran.
  const mode = byMode.has('bulk') ? 'bulk' : ([...byMode.keys()][0] ?? null);
  const records = mode ? byMode.get(mode)! : null;
  const complete = (v: { done: number; expected: number } | null | undefined) =>
    v && Number.isFinite(v.done) && Number.isFinite(v.expected) ? v : null;
  return { mode, records: complete(records), rankings: complete(rankings) };
}

/** When one instance reached each point of its start, in ms since it was launched. */
export interface StartTimeline {
  /** Its state read at start-up (to the log end in a bulk load, to the committed offsets in a replay). */
  loadedMs: number | null;
  /** Every ranking its first handover had to compute, computed (a bulk load only). */
  rankedMs: number | null;
  /** `/health/ready` 200: every owned ranking published and stored. */
  readyMs: number | null;
  mode: string | null;
  records: number | null;
  rankings: number | null;
}

/**
 * Folds an instance's readings, taken while it starts, into its timeline: each point is the first
 * reading that shows it (as late as the polling interval). A bulk load past its reading (ranking,
 * or ready) is dated by the reading that saw that. A replay from a fresh replica group reads
 * nothing at start-up (it replays up to offsets that group never committed): the consumer then
 * applies the whole topic chunk by chunk, maintaining rankings on the way, so there is no moment
 * the state alone is loaded and `loadedMs` stays null.
 */
export class StartWatch {
  private readonly timeline: StartTimeline = {
    loadedMs: null,
    rankedMs: null,
    readyMs: null,
    mode: null,
    records: null,
    rankings: null,
  };

  constructor(private readonly launchedAt: number) {}

  observe(at: number, metrics: LoadMetrics | null, ready: boolean): void {
    const t = this.timeline;
    const since = at - this.launchedAt;
    if (metrics?.mode) t.mode = metrics.mode;
    const records = metrics?.records;
    if (records) t.records = records.done;
    const rankings = metrics?.rankings;
    if (rankings) t.rankings = rankings.done;
    const read = !!records && records.expected > 0 && records.done >= records.expected;
    const bulkPast = t.mode === 'bulk' && (!!rankings || ready);
    if (t.loadedMs === null && (read || bulkPast)) t.loadedMs = since;
    const ranked = !!rankings && rankings.expected > 0 && rankings.done >= rankings.expected;
    if (t.rankedMs === null && ranked) t.rankedMs = since;
    if (t.readyMs === null && ready) t.readyMs = since;
  }

  get current(): StartTimeline {
    return { ...this.timeline };
  }
}

/**
 * The rankings a run's start published: `match.ranking` events whose causation is a handover,
 * produced after the run's instances were launched (the instances of earlier runs are stopped by
 * then, and the run's Redis prefix is fresh, so every subject's ranking is published once by
 * the handover that first owns it). Counts each subject once, dated by the record's own
 * timestamp (when the instance sent it, whatever this process's tail lags behind).
 */
export class HandoverRankings {
  private readonly subjects = new Set<string>();
  private last = Number.NaN;

  constructor(private readonly launchedAt: number) {}

  /** True when the record counted (a subject not seen before). */
  observe(record: {
    key: string | null;
    causation: string | undefined;
    schema: string | null;
    timestamp: number;
  }): boolean {
    if (
      !record.key ||
      !record.causation?.startsWith(HANDOVER_CAUSATION) ||
      record.schema !== 'match.ranking' ||
      !(record.timestamp >= this.launchedAt) ||
      this.subjects.has(record.key)
    ) {
      return false;
    }
    this.subjects.add(record.key);
    if (!(record.timestamp <= this.last)) this.last = record.timestamp;
    return true;
  }

  get count(): number {
    return this.subjects.size;
  }

  /** From the launch to the last new subject's ranking, in ms (NaN before any). */
  get lastMs(): number {
    return this.last - this.launchedAt;
  }
}

/**
 * A match event's schema from the first bytes of its value (the service writes it first), so
 * the tail need not parse every ranking of a bulk load; the whole value when it is not there.
 */
export function matchSchemaOf(value: Buffer | null): string | null {
  if (!value) return null;
  const head = /"schema"\s*:\s*"([\w.-]+)"/.exec(value.subarray(0, 64).toString('utf8'));
  if (head) return head[1];
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { schema?: unknown };
    return typeof parsed.schema === 'string' ? parsed.schema : null;
  } catch {
    return null;
  }
}
