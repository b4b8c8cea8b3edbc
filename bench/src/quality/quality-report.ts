/** The quality benchmark's results (JSON) and their markdown rendering (also printed). */
import type { MachineInfo } from '../report';
import type { BaselineResult, ConfigResult } from './quality-run';

export interface QualityResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  args: string[];
  machine: MachineInfo;
  dataSet: { dir: string; resumes: number; jobs: number; labels: number };
  candidatePool: number;
  referenceConfig: string;
  baseline: BaselineResult;
  configs: ConfigResult[];
}

const f3 = (x: number) => x.toFixed(3);

export function renderQualityMarkdown(r: QualityResults): string {
  const reference = r.configs.find((c) => c.config.name === r.referenceConfig);
  const referenceRate = reference?.throughput.documentsPerCpuSecond;
  const lines = [
    `# Match quality on the dev set, ${r.startedAt}`,
    '',
    `${r.dataSet.resumes} resumes, ${r.dataSet.jobs} jobs, ${r.dataSet.labels} job labels (${r.dataSet.dir}). ` +
      `P@10, nDCG@10 and MRR are macro averages over job labels; P@10's 95% interval is a ` +
      `bootstrap over jobs within labels (2,000 replicates, seed 7). Hybrid: the HNSW pool of ` +
      `${r.candidatePool} rescored with the default weights. Throughput: documents (inputs built, ` +
      `embedded, pooled) per wall-clock second and per CPU-second on the same sample for every ` +
      `configuration, this run, best round by CPU` +
      (referenceRate ? `; × is per CPU-second relative to \`${r.referenceConfig}\`.` : '.'),
    '',
    '| Configuration | Scoring | P@10 [95% CI] | nDCG@10 | MRR | docs/s | docs/CPU-s | × |',
    '|---|---|---|---|---|---|---|---|',
    `| random (expected) | — | ${f3(r.baseline.random.p10)} | ${f3(r.baseline.random.ndcg10)} | ${f3(r.baseline.random.mrr)} | — | — | — |`,
    `| BM25 | — | ${f3(r.baseline.bm25.p10)} [${f3(r.baseline.bm25.p10Interval.low)}, ${f3(r.baseline.bm25.p10Interval.high)}] | ${f3(r.baseline.bm25.ndcg10)} | ${f3(r.baseline.bm25.mrr)} | — | — | — |`,
  ];
  for (const c of r.configs) {
    const rate = c.throughput.documentsPerCpuSecond;
    const wall = c.throughput.documentsPerSecond;
    for (const s of c.scorings) {
      const fig = s.figures;
      lines.push(
        `| \`${c.config.name}\` (${c.config.note}) | ${s.name} | ${f3(fig.p10)} [${f3(fig.p10Interval.low)}, ${f3(fig.p10Interval.high)}] | ${f3(fig.ndcg10)} | ${f3(fig.mrr)} | ${wall.toFixed(1)} | ${rate.toFixed(1)} | ${referenceRate ? (rate / referenceRate).toFixed(2) : '—'} |`,
      );
    }
  }
  lines.push('', '## P@10 by job label', '');
  const labels = Object.keys(r.baseline.bm25.p10ByLabel);
  lines.push(
    `| Configuration, scoring | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---').join('|')}|`,
  );
  lines.push(`| BM25 | ${labels.map((l) => f3(r.baseline.bm25.p10ByLabel[l])).join(' | ')} |`);
  for (const c of r.configs) {
    for (const s of c.scorings) {
      lines.push(
        `| ${c.config.name}, ${s.name} | ${labels.map((l) => f3(s.figures.p10ByLabel[l] ?? 0)).join(' | ')} |`,
      );
    }
  }
  lines.push(
    '',
    '## Configurations',
    '',
    '| Configuration | Model | Max tokens | Pooling | Query prefix | Passage prefix | Inputs per profile / job | Throughput sample |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const c of r.configs) {
    lines.push(
      `| ${c.config.name} | ${c.config.modelId} | ${c.spec.maxTokens} | ${c.spec.pooling} | ${JSON.stringify(c.spec.queryPrefix)} | ${JSON.stringify(c.spec.passagePrefix)} | ${c.meanInputsPerProfile.toFixed(2)} / ${c.meanInputsPerJob.toFixed(2)} | ${c.throughput.documents} docs, ${c.throughput.modelInputs} inputs, ${c.throughput.seconds.toFixed(1)} s |`,
    );
  }
  lines.push('', '## The demo sample, ranked (eligible pairs, hybrid score)', '');
  for (const c of r.configs) {
    lines.push(
      `- **${c.config.name}**: ` +
        c.sample
          .map(
            (s) =>
              `${s.jobId}: ${s.ranked.map((p) => `${p.profileId.replace('profile-', '')} ${p.score.toFixed(2)}`).join(', ')}`,
          )
          .join('; '),
    );
  }
  lines.push('', '## A floor on the hybrid score (MATCH_MIN_SCORE)', '');
  lines.push(
    "Among each job's top 10 by the hybrid score: what a minimum score would keep. Median score " +
      'of relevant / irrelevant top-10 matches: ' +
      r.configs
        .flatMap((c) =>
          Object.entries(c.topScores).map(
            ([variant, t]) =>
              `${c.config.name} ${variant} ${f3(t.relevantMedian)} / ${f3(t.irrelevantMedian)}`,
          ),
        )
        .join('; ') +
      '.',
  );
  lines.push(
    '',
    'Hybrid score percentiles (p5 / p25 / p50 / p75 / p95) of relevant and irrelevant top-10 matches and of random pairs:',
    '',
    '| Configuration | Relevant top 10 | Irrelevant top 10 | Random pairs |',
    '|---|---|---|---|',
  );
  const pct = (p: { p5: number; p25: number; p50: number; p75: number; p95: number }) =>
    [p.p5, p.p25, p.p50, p.p75, p.p95].map((x) => x.toFixed(2)).join(' / ');
  for (const c of r.configs) {
    const d = c.scoreDistribution;
    lines.push(
      `| ${c.config.name} | ${pct(d.relevantTop10)} | ${pct(d.irrelevantTop10)} | ${pct(d.randomPairs)} |`,
    );
  }
  for (const c of r.configs) {
    for (const [variant, rows] of Object.entries(c.floor)) {
      if (variant !== 'hybrid') continue;
      lines.push(
        '',
        `### ${c.config.name}, ${variant}`,
        '',
        '| Min score | Relevant kept | Irrelevant removed | Precision of kept | Kept per job | Jobs left empty |',
        '|---|---|---|---|---|---|',
      );
      for (const row of rows) {
        lines.push(
          `| ${row.minScore.toFixed(3)} | ${f3(row.relevantKept)} | ${f3(row.irrelevantRemoved)} | ${f3(row.precisionKept)} | ${row.meanKeptPerJob.toFixed(1)} | ${row.jobsLeftEmpty} |`,
        );
      }
    }
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
