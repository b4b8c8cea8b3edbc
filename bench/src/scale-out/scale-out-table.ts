/**
 * The scale-out section in markdown: capacity and steady latency per instance count, side by side,
 * with the CPU each process used, so the gain and what bounds it are on one page.
 */
import type { CpuUse, CpuWindow } from '../harness/proc-cpu';
import type { ScaleOutRun, ScaleOutSection } from './scale-out-bench';

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
      '(no embedding service); each is an update of a population entity (about half profiles, half ' +
      'jobs). Capacity: a backlog of ' +
      `${s.backlog} updates drained until each one's own ranking is on \`matchstream.matches.v1\`. ` +
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
    `| Instances | Capacity (events/s) | vs ${first?.instances ?? 1} | Steady p50 | Steady p99 | ` +
      'CPU per matching process (backlog) | Matching total | Matching CPU per event | Broker | ' +
      'This process | Machine | Other work |',
    '|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of s.runs) {
    const c = r.capacity;
    const cpu = c?.cpu;
    const ratio = capacityRatio(r, first);
    out.push(
      `| ${r.instances} | ${c ? `${fixed(c.rate, 1)} (${c.answered}/${c.events})` : '—'} | ` +
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
      `| ${r.instances} | ${r.partitions.map((p) => `[${p.join(',')}]`).join(' ')} | ` +
        `${fixed(r.startSeconds, 1)} s | ${st ? `${st.answered}/${st.events}` : '—'} | ` +
        `${fixed(st?.matchEventsPerEvent, 1)} | ` +
        `${cpu ? matchingUses(cpu).map(corePercent).join(', ') : '—'} | ` +
        `${cpu ? corePercent(matchingTotal(cpu)) : '—'} | ${corePercent(cpu?.processes.broker)} | ` +
        `${corePercent(cpu?.machine)} | ${cpu ? corePercent(otherWork(cpu)) : '—'} | ${note} |`,
    );
  }
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
