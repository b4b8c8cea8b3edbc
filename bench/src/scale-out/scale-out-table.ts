/**
 * The scale-out section in markdown: capacity and steady latency per instance count, side by side,
 * with the CPU each process used, so the gain and what bounds it are on one page; then each
 * run's start as a load and its consistency after the drain.
 */
import type { CpuUse, CpuWindow } from '../harness/proc-cpu';
import { describeChurnMix, describeKinds } from './churn';
import type { ConsistencyResult, ScaleOutRun, ScaleOutSection } from './scale-out-bench';

/** "97%" of one core; "—" when not measured. */
export function corePercent(use: CpuUse | null | undefined): string {
  return use ? `${Math.round(use.cores * 100)}%` : '—';
}

/** The matching processes of a window ("matching-1", "matching-2", …), in order. */
export function matchingUses(cpu: CpuWindow): (CpuUse | null)[] {
  return Object.keys(cpu.processes)
    .filter((name) => name.startsWith('matching-'))
    .sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)))
    .map((name) => cpu.processes[name]);
}

/** Their sum (null when any of them could not be read). */
export function matchingTotal(cpu: CpuWindow): CpuUse | null {
  const uses = matchingUses(cpu);
  if (uses.length === 0 || uses.some((u) => u === null)) return null;
  return {
    seconds: uses.reduce((s, u) => s + u!.seconds, 0),
    cores: uses.reduce((s, u) => s + u!.cores, 0),
  };
}

/**
 * CPU milliseconds the matching processes together spent per answered event: what one change
 * costs the tier. It grows with N by what each added instance repeats (the pass, per-chunk work).
 */
export function matchingCpuPerEvent(cpu: CpuWindow, answered: number): number | null {
  const total = matchingTotal(cpu);
  return total && answered > 0 ? (total.seconds * 1000) / answered : null;
}

/**
 * The machine's busy time not spent in the sampled processes (other work on the machine: Redis,
 * and whatever else runs): how much of the cores the measured processes could not have.
 */
export function otherWork(cpu: CpuWindow): CpuUse | null {
  if (!cpu.machine) return null;
  const ours = Object.values(cpu.processes);
  if (ours.some((u) => u === null)) return null;
  const seconds = ours.reduce((sum, u) => sum + u!.seconds, 0);
  const cores = ours.reduce((sum, u) => sum + u!.cores, 0);
  return {
    seconds: Math.max(0, cpu.machine.seconds - seconds),
    cores: Math.max(0, cpu.machine.cores - cores),
  };
}

/** capacity / the first run's capacity: the gain, as a ratio measured side by side. */
export function capacityRatio(run: ScaleOutRun, first: ScaleOutRun | undefined): number | null {
  const base = first?.capacity?.rate;
  const rate = run.capacity?.rate;
  if (!base || rate === undefined) return null;
  return rate / base;
}

/** The runs whose consistency audit found a ranking unlike a fresh one, or an orphan. */
export function inconsistentRuns(s: ScaleOutSection): ScaleOutRun[] {
  return s.runs.filter((r) => r.consistency && !r.consistency.consistent);
}

/** A note per inconsistent run, for the report's notes. */
export function inconsistencyNotes(s: ScaleOutSection): string[] {
  return inconsistentRuns(s).map((r) => {
    const c = r.consistency!;
    return (
      `Scale-out run of ${runLabel(r)} instance(s): ${c.sampled - c.agreeing} of ${c.sampled} ` +
      `rankings differ from a fresh ranking, ${c.orphans} orphans (consistency ${c.ratio.toFixed(4)}).`
    );
  });
}

/** "40000/40000 (1.0000)"; the ratio in bold when it is not 1. */
export function consistencyCell(c: ConsistencyResult | null | undefined): string {
  if (!c) return '—';
  const ratio = c.ratio.toFixed(4);
  return `${c.agreeing}/${c.sampled} (${c.consistent ? ratio : `**${ratio}: INCONSISTENT**`})`;
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toFixed(digits);
}

function ms(value: number | undefined, digits = 0): string {
  return value === undefined ? '—' : `${value.toFixed(digits)} ms`;
}

export function scaleOutMarkdown(s: ScaleOutSection): string[] {
  const first = s.runs[0];
  const out: string[] = [];
  out.push(
    `The matching tier alone with ${s.runs.map((r) => r.instances).join(', ')} instances on this ` +
      `machine (**${s.cores} cores**, \`os.cpus().length\`), one after the other on the same broker ` +
      `and population: ${s.population.profiles} profiles and ${s.population.jobs} jobs grown from ` +
      `${s.bases.profiles} + ${s.bases.jobs} documents embedded with ${s.modelId}` +
      (s.otherRecords
        ? ` (plus ${s.otherRecords} records earlier sections left on the topic)`
        : '') +
      '. Entity-vector events are published straight to `matchstream.entity-vectors.v1` ' +
      '(no embedding service). Capacity: a backlog of ' +
      `${s.backlog} events of churn (updates / new entities / removals ` +
      `${s.churn ? describeChurnMix(s.churn) : '100/0/0'}, about half profiles, half jobs) drained ` +
      "until each one's own answer (the entity's ranking; a removal's retraction) is on " +
      '`matchstream.matches.v1`. ' +
      `Steady: ${fixed(s.offeredRate, 1)} updates/s (${s.rateSource}) for ${s.seconds} s, latency ` +
      "from each update's due time to its own ranking. CPU: utime + stime per process over each " +
      'window, in % of one core; machine = every busy core on the machine; other work = machine ' +
      'minus the sampled processes (Redis, and anything else running on the machine).' +
      (Object.keys(s.topicSettings ?? {}).length
        ? ' Broker topic settings changed for the section: ' +
          Object.entries(s.topicSettings)
            .map(([k, v]) => `${k} = ${v}`)
            .join(', ') +
          ' (a handover publishes all its rankings in one request; see bench/results/README.md).'
        : ''),
    '',
  );
  out.push(
    `| Instances | Churn drained (events/s) | vs ${first?.instances ?? 1} | Steady p50 | Steady p99 | ` +
      'CPU per matching process (backlog) | Matching total | Matching CPU per event | Broker | ' +
      'This process | Machine | Other work |',
    '|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of s.runs) {
    const c = r.capacity;
    const cpu = c?.cpu;
    const ratio = r.kind === 'load' ? null : capacityRatio(r, first);
    out.push(
      `| ${runLabel(r)} | ${c ? `${fixed(c.rate, 1)} (${c.answered}/${c.events})` : '—'} | ` +
        `${ratio === null ? '—' : `${ratio.toFixed(2)}×`} | ${ms(r.steady?.latencyMs?.p50)} | ` +
        `${ms(r.steady?.latencyMs?.p99)} | ` +
        `${cpu ? matchingUses(cpu).map(corePercent).join(', ') : '—'} | ` +
        `${cpu ? corePercent(matchingTotal(cpu)) : '—'} | ` +
        `${cpu && c ? ms(matchingCpuPerEvent(cpu, c.answered) ?? undefined, 1) : '—'} | ` +
        `${corePercent(cpu?.processes.broker)} | ${corePercent(cpu?.processes.bench)} | ` +
        `${corePercent(cpu?.machine)} | ${cpu ? corePercent(otherWork(cpu)) : '—'} |`,
    );
  }
  out.push(
    '',
    '| Instances | Partitions | Start-up | Steady answered | Match events per update | ' +
      'CPU per matching process (steady) | Matching total | Broker | Machine | Other work | Note |',
    '|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---|',
  );
  for (const r of s.runs) {
    const st = r.steady;
    const cpu = st?.cpu;
    const note = r.error
      ? `failed: ${r.error.replace(/\|/g, '/').slice(0, 160)}`
      : r.rebalanced
        ? 'the group rebalanced during the run'
        : '';
    out.push(
      `| ${runLabel(r)} | ${r.partitions.map((p) => `[${p.join(',')}]`).join(' ')} | ` +
        `${fixed(r.startSeconds, 1)} s | ${st ? `${st.answered}/${st.events}` : '—'} | ` +
        `${fixed(st?.matchEventsPerEvent, 1)} | ` +
        `${cpu ? matchingUses(cpu).map(corePercent).join(', ') : '—'} | ` +
        `${cpu ? corePercent(matchingTotal(cpu)) : '—'} | ${corePercent(cpu?.processes.broker)} | ` +
        `${corePercent(cpu?.machine)} | ${cpu ? corePercent(otherWork(cpu)) : '—'} | ${note} |`,
    );
  }
  out.push('', ...loadMarkdown(s));
  out.push(
    '',
    'Every instance applies every change: the exact pass over the other side that each update ' +
      'needs runs in every instance; only the fan-out (scoring into, explaining, publishing and ' +
      "storing the rankings of the instance's own subjects) is divided. So N instances cost up to N " +
      `times the pass in CPU, and on ${s.cores} cores, shared with the broker and this process, the ` +
      'gain is bounded by the cores left over, not by N.',
    '',
  );
  return out;
}

/** "1", or "1 (load, 10000 per side)" for the load run, whose figures are at another size. */
function runLabel(r: ScaleOutRun): string {
  return r.kind === 'load'
    ? `${r.instances} (load, ${r.population ?? '?'} per side)`
    : String(r.instances);
}

/** Each run's start as a load of the whole topic, and its audit after the drain. */
export function loadMarkdown(s: ScaleOutSection): string[] {
  const runs = s.runs.filter((r) => r.load !== undefined || r.consistency !== undefined);
  if (!runs.length) return [];
  const out: string[] = [
    "Each start is a load: the population is on the vector topic before the run's instances start " +
      '(fresh consumer groups, no snapshot), so each reads the whole topic into an empty state; from ' +
      `${s.bulkLoadMinRecords ?? 'MATCHING_BULK_LOAD_MIN_RECORDS'} records on that is a bulk load ` +
      '(to the log end with no ranking maintenance; every ranking then computed once and published ' +
      'once by the first handover), below it a replay (from a fresh replica group, the topic ' +
      'applied chunk by chunk with rankings maintained: no moment the state alone is loaded). ' +
      'Times from launching the processes: the ' +
      "state loaded (each instance's load gauge at its total: the replay, process start included), " +
      'every ranking computed (its ranking gauge at its total), ' +
      "every ranking on `matchstream.matches.v1` (the run's handovers' rankings, one per subject, " +
      "counted against the rankings Redis holds under the run's prefix once all are ready, dated by " +
      'their record timestamps) and `/health/ready`. Ranking = from the state loaded to the last ' +
      `ranking published. Consistency: after the drain, every instance's audit of up to ` +
      `${s.auditSample ?? 100000} subjects it owns (\`GET /v1/admin/consistency\`: each re-ranked from ` +
      'scratch and compared with its maintained, remembered and stored copies)' +
      (s.loadPopulation
        ? `; in the load run a random ${s.loadAuditSample ?? '?'} of them (all would cost as much as ` +
          'its ranking phase again).'
        : '.'),
    '',
    '| Instances | Per side | Records on the topic | Mode | State loaded | Rankings computed | ' +
      'Every ranking published | Of which ranking | Ready | Records/s | Rankings/s | ' +
      'Rankings published / stored | Matching CPU (load) | Other work (load) | Churn answered | ' +
      'Consistency: agreeing / sampled | Orphans | Audit |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|---:|',
  ];
  for (const r of runs) {
    const l = r.load;
    const c = r.consistency;
    const ranking =
      l && l.publishedSeconds !== null && l.loadedSeconds !== null
        ? l.publishedSeconds - l.loadedSeconds
        : null;
    const sec = (v: number | null | undefined) =>
      v === null || v === undefined ? '—' : `${v.toFixed(1)} s`;
    out.push(
      `| ${runLabel(r)} | ${r.population ?? '—'} | ${l?.recordsOnTopic ?? '—'} | ${l?.mode ?? '—'} | ` +
        `${sec(l?.loadedSeconds)} | ${sec(l?.rankedSeconds)} | ${sec(l?.publishedSeconds)} | ${sec(ranking)} | ` +
        `${sec(l?.readySeconds)} | ${l?.recordsPerSecond ?? '—'} | ${l?.rankingsPerSecond ?? '—'} | ` +
        `${l ? `${l.rankings} / ${l.stored}` : '—'} | ${l?.cpu ? corePercent(matchingTotal(l.cpu)) : '—'} | ` +
        `${l?.cpu ? corePercent(otherWork(l.cpu)) : '—'} | ` +
        `${r.capacity ? describeKinds(r.capacity.kinds) : '—'} | ` +
        `${consistencyCell(c)} | ${c ? c.orphans : '—'} | ${c ? `${c.seconds.toFixed(1)} s` : '—'} |`,
    );
  }
  const bad = inconsistentRuns(s);
  if (bad.length) {
    out.push(
      '',
      `**Rankings differ from a fresh ranking** in ${bad.length} run${bad.length > 1 ? 's' : ''}: ` +
        bad
          .map(
            (r) =>
              `${runLabel(r)}: ${r.consistency!.sampled - r.consistency!.agreeing} differ, ` +
              `${r.consistency!.orphans} orphans (first: ${
                r
                  .consistency!.differences.slice(0, 3)
                  .map((d) => `${d.subject} ${d.where}`)
                  .join(', ') || 'none listed'
              })`,
          )
          .join('; ') +
        '.',
    );
  }
  return out;
}
