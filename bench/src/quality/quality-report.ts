/**
 * The quality benchmark's results (JSON, structured per configuration and set, for tables and
 * charts alike) and their markdown rendering (also printed).
 */
import type { MachineInfo } from '../report';
import type { QualityConfig } from './quality-configs';
import type {
  BaselineResult,
  LexicalLever,
  QualityResult,
  SampleRanking,
  ThroughputResult,
} from './quality-run';
import type { Difference } from './ranking-metrics';
import type { ConfigComparison, DefaultChoice, FloorEffect, LeverVerdict } from './quality-summary';

export interface SetResults {
  name: string;
  dir: string;
  resumes: number;
  jobs: number;
  labels: number;
  baseline: BaselineResult;
}

export interface ConfigResults {
  config: QualityConfig;
  /** The shipped scoring on every set beside BM25: what the default is chosen by. */
  comparison: ConfigComparison;
  /** Every scoring variant the same way (the weight levers). */
  scoringComparisons: ConfigComparison[];
  /**
   * The lexical levers among them, each with its P@10 less the shipped scoring's on every set
   * (paired bootstrap) and whether it beats the shipped worst case beyond the interval.
   */
  lexicalLevers: (Omit<LexicalLever, 'versusShipped'> & {
    comparison: ConfigComparison;
    versusShipped: (Difference & { set: string })[];
    verdict: LeverVerdict;
  })[];
  /** The lever kept (chooseDefault among those beyond the interval); null when none is. */
  lexicalChoice: DefaultChoice | null;
  perSet: (Omit<QualityResult, 'top10Scores' | 'sample'> & { set: string })[];
  /** The floor calibrated for this configuration, and what it keeps on each set. */
  floor: {
    quantile: number;
    allowance: number;
    minScore: number;
    perSet: (FloorEffect & { set: string })[];
  };
  /** The demo's sample ranked, with how many of each job's candidates the floor keeps. */
  sample: (SampleRanking & { keptAtFloor: number })[];
  /** Null when the run measured no throughput (--rounds 0). */
  throughput: ThroughputResult | null;
  throughputRounds: number[];
  cpuThroughputRounds: number[];
}

export interface QualityResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  args: string[];
  machine: MachineInfo;
  sets: SetResults[];
  candidatePool: number;
  shippedScoring: string;
  referenceConfig: string;
  configs: ConfigResults[];
  choice: DefaultChoice;
}

const f3 = (x: number) => x.toFixed(3);
const ci = (p: number, i: { low: number; high: number }) =>
  `${f3(p)} [${f3(i.low)}, ${f3(i.high)}]`;

export function renderQualityMarkdown(r: QualityResults): string {
  const reference = r.configs.find((c) => c.config.name === r.referenceConfig);
  const referenceRate = reference?.throughput?.documentsPerCpuSecond;
  const setNames = r.sets.map((s) => s.name);
  const lines = [
    `# Match quality on ${setNames.length} labelled set(s), ${r.startedAt}`,
    '',
    ...r.sets.map(
      (s) =>
        `- \`${s.name}\`: ${s.resumes} resumes, ${s.jobs} jobs, ${s.labels} job labels (${s.dir}).`,
    ),
    '',
    `P@10 is the macro average over job labels, with a 95% bootstrap interval over jobs within ` +
      `labels (2,000 replicates, seed 7). Scoring \`${r.shippedScoring}\`: the HNSW pool of ` +
      `${r.candidatePool} rescored with the default weights, as the service ranks. × BM25: P@10 ` +
      `over BM25's on the same set; the default is the configuration with the best worst ratio ` +
      `among those ahead of BM25 on every set. Throughput: documents (inputs built, embedded by ` +
      `the raw model, pooled) per wall-clock second and per CPU-second, on one sample for every ` +
      `configuration, this run, best round by CPU` +
      (referenceRate ? `; × is per CPU-second relative to \`${r.referenceConfig}\`.` : '.'),
    '',
    `**Default: ${r.choice.chosen ? `\`${r.choice.chosen}\`` : 'none'}** — ${r.choice.reason}.`,
    '',
    `| Configuration | ${setNames.map((n) => `${n} P@10 [95% CI] | × BM25`).join(' | ')} | Worst × | docs/s | docs/CPU-s | × |`,
    `|---|${setNames.map(() => '---|---').join('|')}|---|---|---|---|`,
    `| random (expected) | ${r.sets.map((s) => `${f3(s.baseline.random.p10)} | ${f3(s.baseline.random.p10 / s.baseline.bm25.p10)}`).join(' | ')} | — | — | — | — |`,
    `| BM25 | ${r.sets.map((s) => `${ci(s.baseline.bm25.p10, s.baseline.bm25.p10Interval)} | 1.000`).join(' | ')} | 1.000 | — | — | — |`,
  ];
  for (const c of r.configs) {
    const t = c.throughput;
    const cells = setNames.map((n) => {
      const s = c.comparison.perSet.find((p) => p.set === n);
      return s
        ? `${ci(s.p10, s.p10Interval)} | ${f3(s.ratio)}${s.p10 > s.bm25 ? '' : ' ✗'}`
        : '— | —';
    });
    const mark = c.config.name === r.choice.chosen ? ' **(default)**' : '';
    lines.push(
      `| \`${c.config.name}\`${mark} (${c.config.note}) | ${cells.join(' | ')} | ${f3(c.comparison.worstRatio)} | ${t ? t.documentsPerSecond.toFixed(1) : '—'} | ${t ? t.documentsPerCpuSecond.toFixed(1) : '—'} | ${t && referenceRate ? (t.documentsPerCpuSecond / referenceRate).toFixed(2) : '—'} |`,
    );
  }
  lines.push(
    '',
    '✗: at or below BM25 on that set (such a configuration cannot be the default).',
    '',
    '## Scorings (weight levers) on every set',
    '',
    `| Configuration, scoring | ${setNames.map((n) => `${n} P@10 [95% CI] | × BM25`).join(' | ')} | Worst × |`,
    `|---|${setNames.map(() => '---|---').join('|')}|---|`,
  );
  for (const c of r.configs) {
    for (const s of c.scoringComparisons) {
      const cells = setNames.map((n) => {
        const p = s.perSet.find((x) => x.set === n);
        return p ? `${ci(p.p10, p.p10Interval)} | ${f3(p.ratio)}` : '— | —';
      });
      lines.push(`| ${s.name} | ${cells.join(' | ')} | ${f3(s.worstRatio)} |`);
    }
  }
  const levers = r.configs.flatMap((c) => c.lexicalLevers.map((l) => ({ config: c, ...l })));
  if (levers.length) {
    lines.push(
      '',
      '## Lexical evidence in the hybrid score',
      '',
      'Each term in [0, 1] blended as (1 − w)·hybrid + w·term, every profile rescored (the ' +
        'maintained rankings are exact) unless marked "HNSW pool only". Δ: P@10 less the shipped ' +
        "scoring's, with its paired 95% bootstrap interval (same resamples of jobs for both). " +
        "Beyond: the worst ratio is above the shipped scoring's worst ratio at the top of its " +
        'intervals, and no set loses measurably (below its interval, or a paired Δ wholly below ' +
        'zero). `bm25-live` uses live corpus statistics ' +
        '(a reference: it cannot be maintained exactly).',
      '',
      `| Configuration, term | w | ${setNames.map((n) => `${n} P@10 [95% CI] | × BM25 | Δ [paired 95%]`).join(' | ')} | Worst × | Beyond? |`,
      `|---|---|${setNames.map(() => '---|---|---').join('|')}|---|---|`,
    );
    for (const l of levers) {
      const cells = setNames.map((n) => {
        const p = l.comparison.perSet.find((x) => x.set === n);
        const d = l.versusShipped.find((x) => x.set === n);
        const delta = d
          ? `${d.difference >= 0 ? '+' : ''}${f3(d.difference)} [${f3(d.low)}, ${f3(d.high)}]`
          : '—';
        return p ? `${ci(p.p10, p.p10Interval)} | ${f3(p.ratio)} | ${delta}` : '— | — | —';
      });
      const where = l.ranks === 'pool' ? ', HNSW pool only' : '';
      const beyond = l.verdict.beyondInterval
        ? 'yes'
        : l.verdict.losesOn.length
          ? `no (loses on ${l.verdict.losesOn.join(', ')})`
          : 'no';
      lines.push(
        `| ${l.config.config.name}, ${l.term}${where} | ${l.weight.toFixed(2)} | ${cells.join(' | ')} | ${f3(l.comparison.worstRatio)} | ${beyond} |`,
      );
    }
  }
  for (const c of r.configs) {
    if (!c.lexicalLevers.length) continue;
    const choice = c.lexicalChoice;
    lines.push(
      '',
      choice?.chosen
        ? `**Lexical lever kept for \`${c.config.name}\`: ${choice.chosen}** — ${choice.reason}.`
        : `**No lexical lever for \`${c.config.name}\`** beats the shipped worst case beyond the interval.`,
    );
  }
  for (const set of r.sets) {
    lines.push('', `## P@10 by job label: \`${set.name}\``, '');
    const labels = Object.keys(set.baseline.bm25.p10ByLabel);
    lines.push(
      `| Configuration | ${labels.join(' | ')} |`,
      `|---|${labels.map(() => '---').join('|')}|`,
      `| BM25 | ${labels.map((l) => f3(set.baseline.bm25.p10ByLabel[l])).join(' | ')} |`,
    );
    for (const c of r.configs) {
      const q = c.perSet.find((p) => p.set === set.name);
      const fig = q?.scorings.find((s) => s.name === r.shippedScoring)?.figures;
      if (!fig) continue;
      lines.push(
        `| ${c.config.name} | ${labels.map((l) => f3(fig.p10ByLabel[l] ?? 0)).join(' | ')} |`,
      );
    }
  }
  lines.push(
    '',
    '## Configurations',
    '',
    '| Configuration | Model | Max tokens | Pooling | Query prefix | Passage prefix | Job sections | Throughput sample |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const c of r.configs) {
    const spec = c.perSet[0].spec;
    const t = c.throughput;
    lines.push(
      `| ${c.config.name} | ${c.config.modelId} | ${spec.maxTokens} | ${spec.pooling} | ${JSON.stringify(spec.queryPrefix)} | ${JSON.stringify(spec.passagePrefix)} | ${c.config.jobSections ?? 'shipped'} | ${t ? `${t.documents} docs, ${t.modelInputs} inputs, ${t.seconds.toFixed(1)} s` : '—'} |`,
    );
  }
  lines.push(
    '',
    '## Calibrated floor on the match score (per model, MATCH_MIN_SCORE unset)',
    '',
    `Each configuration's floor is the ${r.configs[0]?.floor.quantile ?? '—'} quantile of the ` +
      'hybrid scores of relevant pairs (every job with every resume its label maps to), the mean ' +
      `over sets, less ${r.configs[0]?.floor.allowance ?? '—'}, rounded down to 0.01. Kept per ` +
      "job: among each job's top 10; empty: share of jobs with no match left. Sample: eligible " +
      'candidates the floor keeps for each demo job.',
    '',
    `| Configuration | Floor | ${setNames.map((n) => `${n} kept per job / empty`).join(' | ')} | Demo sample kept (of eligible) |`,
    `|---|---|${setNames.map(() => '---').join('|')}|---|`,
  );
  for (const c of r.configs) {
    const cells = setNames.map((n) => {
      const e = c.floor.perSet.find((p) => p.set === n);
      return e ? `${e.meanKeptPerJob.toFixed(1)} / ${(e.jobsLeftEmpty * 100).toFixed(0)}%` : '—';
    });
    const sample = c.sample
      .map((s) => `${s.jobId.replace('job-', '')} ${s.keptAtFloor}/${s.ranked.length}`)
      .join(', ');
    lines.push(
      `| ${c.config.name} | ${c.floor.minScore.toFixed(2)} | ${cells.join(' | ')} | ${sample} |`,
    );
  }
  lines.push(
    '',
    'Hybrid score percentiles (p5 / p25 / p50 / p75 / p95) of relevant and irrelevant top-10 matches and of random pairs:',
    '',
    '| Configuration | Set | Relevant top 10 | Irrelevant top 10 | Random pairs |',
    '|---|---|---|---|---|',
  );
  const pct = (p: { p5: number; p25: number; p50: number; p75: number; p95: number }) =>
    [p.p5, p.p25, p.p50, p.p75, p.p95].map((x) => x.toFixed(2)).join(' / ');
  for (const c of r.configs) {
    for (const q of c.perSet) {
      const d = q.scoreDistribution;
      lines.push(
        `| ${c.config.name} | ${q.set} | ${pct(d.relevantTop10)} | ${pct(d.irrelevantTop10)} | ${pct(d.randomPairs)} |`,
      );
    }
  }
  lines.push('', '## The demo sample, ranked (eligible pairs, hybrid score)', '');
  for (const c of r.configs) {
    lines.push(
      `- **${c.config.name}** (floor ${c.floor.minScore.toFixed(2)}): ` +
        c.sample
          .map(
            (s) =>
              `${s.jobId}: ${s.ranked.map((p) => `${p.profileId.replace('profile-', '')} ${p.score.toFixed(2)}`).join(', ')}`,
          )
          .join('; '),
    );
  }
  lines.push(
    '',
    '## Machine',
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}; load average ${r.machine.loadAverageAtStart.join(' / ')} at start, ${r.machine.loadAverageAtEnd?.join(' / ')} at end; ${r.durationSeconds.toFixed(0)} s.`,
    '',
  );
  return lines.join('\n');
}
