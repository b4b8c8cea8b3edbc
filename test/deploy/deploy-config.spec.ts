import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { Histogram } from 'prom-client';
import { METRIC_NAMES, MetricsService } from '@matchstream/observability';

/**
 * The deployment files (deploy/, docker-compose.yml) against promtool and against the metrics the
 * services really export: a renamed metric or label, a broken alert or an unmounted file fails
 * here instead of on a dashboard nobody looks at. promtool (Debian package prometheus) and PyYAML
 * are installed by scripts/prometheus/ensure-installed.sh when missing.
 */
const ROOT = resolve(__dirname, '../..');
const path = (...parts: string[]) => join(ROOT, ...parts);
const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus.yml';
const ALERTS = 'deploy/prometheus/alerts.yml';
const ALERT_TESTS = 'deploy/prometheus/alerts.test.yml';
const DASHBOARD = 'deploy/grafana/dashboards/matchstream.json';
const DATASOURCES = 'deploy/grafana/provisioning/datasources/prometheus.yml';
const DASHBOARD_PROVIDERS = 'deploy/grafana/provisioning/dashboards/matchstream.yml';
const COMPOSE = 'docker-compose.yml';
const YAML_FILES = [
  PROMETHEUS_CONFIG,
  ALERTS,
  ALERT_TESTS,
  DATASOURCES,
  DASHBOARD_PROVIDERS,
  COMPOSE,
];
const APPS = ['embedding-service', 'matching-service', 'gateway'];

// ---- shapes of the files (only what the checks read) ----

interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: {
    list?: { name?: string; datasource?: { uid?: string }; query?: string | { query?: string } }[];
  };
}
interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface RuleTests {
  rule_files: string[];
  tests: {
    name?: string;
    alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
  }[];
}
interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs: {
    job_name: string;
    static_configs?: { targets: string[] }[];
    dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
  }[];
}
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  ports?: string[];
  expose?: (string | number)[];
  volumes?: string[];
  hostname?: string;
  container_name?: string;
  deploy?: { replicas?: number | string };
  healthcheck?: { test?: string[] | string };
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: Record<string, string | number>;
}
interface Compose {
  services: Record<string, ComposeService>;
}
interface Datasources {
  datasources: { type: string; uid: string; url: string }[];
}
interface DashboardProviders {
  providers: { type: string; options: { path: string } }[];
}

// ---- helpers ----

function run(command: string, args: string[], timeout = 30_000): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout, stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}

/** Parses YAML files with PyYAML (anchors and merge keys included), one python3 call for all. */
function readYamlFiles(files: string[]): Record<string, unknown> {
  const script =
    'import json, sys, yaml\n' +
    'json.dump({f: yaml.safe_load(open(f)) for f in sys.argv[1:]}, sys.stdout, default=str)';
  return JSON.parse(run('python3', ['-c', script, ...files])) as Record<string, unknown>;
}

/** What a PromQL expression refers to (string literals, ranges and variables ignored). */
interface ExprRefs {
  metrics: string[];
  /** Label matchers, with the metric they apply to (undefined for a bare `{...}`). */
  selectors: { metric?: string; labels: string[] }[];
  /** Labels in by/without/on/ignoring/group_left/group_right clauses. */
  groupingLabels: string[];
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

function exprRefs(expr: string): ExprRefs {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const selectors: ExprRefs['selectors'] = [];
  s = s.replace(
    /([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g,
    (_m, metric: string | undefined, inner: string) => {
      const labels = [...inner.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
      selectors.push({ metric, labels });
      return metric ? ` ${metric} ` : ' ';
    },
  );
  s = s.replace(/\[[^\]]*\]/g, ' ').replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const groupingLabels: string[] = [];
  s = s.replace(
    /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
    (_m, inner: string) => {
      groupingLabels.push(
        ...inner
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      );
      return ' ';
    },
  );
  const metrics = new Set<string>();
  for (const m of s.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const name = m[0];
    const before = s[m.index - 1] ?? ' ';
    const after = s.slice(m.index + name.length);
    if (/[\d.]/.test(before)) continue; // 1e-9, durations after offset
    if (/^\s*\(/.test(after)) continue; // a function or an aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    metrics.add(name);
  }
  return { metrics: [...metrics], selectors, groupingLabels };
}

/** Replaces Grafana's variables with values that make the expression plain PromQL. */
function withoutGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '1m')
    .replace(/\$\{?service(?::\w+)?\}?/g, '.*');
}

function allPanels(panels: Panel[] = []): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels)]);
}

/** What the services export: each metric's labels and whether it is a histogram. */
function exportedMetrics(): Map<string, { labels: string[]; histogram: boolean; ours: boolean }> {
  const ours = new Set<string>(Object.values(METRIC_NAMES));
  const exported = new Map<string, { labels: string[]; histogram: boolean; ours: boolean }>();
  for (const metric of new MetricsService('deploy-config-spec').registry.getMetricsAsArray()) {
    const { name, labelNames } = metric as unknown as { name: string; labelNames: string[] };
    const entry = {
      labels: labelNames,
      histogram: metric instanceof Histogram,
      ours: ours.has(name),
    };
    exported.set(name, entry);
    if (entry.histogram) {
      exported.set(`${name}_bucket`, { ...entry, labels: [...labelNames, 'le'] });
      exported.set(`${name}_sum`, entry);
      exported.set(`${name}_count`, entry);
    }
  }
  return exported;
}

// Every app metric carries the service default label, and the matching service's also instance_id
// (MetricsService.identifyInstance); Prometheus adds job and instance.
const TARGET_LABELS = ['job', 'instance'];
const DEFAULT_LABELS = ['service', 'instance_id'];

describe('deployment configuration', () => {
  let yamlFiles: Record<string, unknown>;
  let dashboard: Dashboard;
  let compose: Compose;
  let tmp: string;

  beforeAll(() => {
    // Installs promtool/prometheus and python3-yaml with apt when missing (CI: root on Debian).
    run('bash', [path('scripts/prometheus/ensure-installed.sh'), 'prometheus', 'pyyaml'], 300_000);
    yamlFiles = readYamlFiles(YAML_FILES);
    dashboard = JSON.parse(readFileSync(path(DASHBOARD), 'utf8')) as Dashboard;
    compose = yamlFiles[COMPOSE] as Compose;
    tmp = mkdtempSync(join(tmpdir(), 'matchstream-deploy-'));
  }, 330_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const panelsWithTargets = () => allPanels(dashboard.panels).filter((p) => p.type !== 'row');
  const dashboardExprs = () =>
    panelsWithTargets().flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `panel ${p.id} "${p.title}" ${t.refId}`, target: t })),
    );
  const alertRules = () => (yamlFiles[ALERTS] as RuleFile).groups.flatMap((g) => g.rules);

  describe('Prometheus', () => {
    it('promtool accepts prometheus.yml and the rule files it names', () => {
      expect(run('promtool', ['check', 'config', PROMETHEUS_CONFIG])).toMatch(/SUCCESS/);
      expect((yamlFiles[PROMETHEUS_CONFIG] as PrometheusConfig).rule_files).toEqual(['alerts.yml']);
    });

    it('promtool accepts alerts.yml', () => {
      expect(run('promtool', ['check', 'rules', ALERTS])).toMatch(/SUCCESS: \d+ rules found/);
    });

    it('the alert unit tests pass and cover ServiceDown, DeadLettersHigh, ConsumerDown and the matching alerts firing', () => {
      expect(run('promtool', ['test', 'rules', ALERT_TESTS])).toMatch(/SUCCESS/);
      const tests = yamlFiles[ALERT_TESTS] as RuleTests;
      expect(tests.rule_files).toEqual(['alerts.yml']);
      const alerts = new Set(alertRules().map((r) => r.alert));
      const firing = new Set<string>();
      for (const t of tests.tests) {
        for (const a of t.alert_rule_test ?? []) {
          expect(alerts).toContain(a.alertname); // no test for an alert that no longer exists
          if ((a.exp_alerts ?? []).length > 0) firing.add(a.alertname);
        }
      }
      expect([...firing]).toEqual(
        expect.arrayContaining([
          'ServiceDown',
          'DeadLettersHigh',
          'ConsumerDown',
          'MatchingServiceUnavailable',
          'MatchingPartitionsUnowned',
        ]),
      );
    });

    it('every alert has a severity and a summary', () => {
      const rules = alertRules() as (RuleFile['groups'][number]['rules'][number] & {
        labels?: { severity?: string };
        annotations?: { summary?: string };
      })[];
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.alert).toBeTruthy();
        expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
        expect(rule.annotations?.summary).toBeTruthy();
      }
    });

    it('scrapes the embedding service and the gateway at their compose service names and ports', () => {
      const config = yamlFiles[PROMETHEUS_CONFIG] as PrometheusConfig;
      const targets = Object.fromEntries(
        config.scrape_configs
          .filter((c) => c.static_configs)
          .map((c) => [c.job_name, c.static_configs!.flatMap((s) => s.targets)]),
      );
      expect(targets).toEqual({
        'embedding-service': ['embedding-service:3001'],
        gateway: ['gateway:3003'],
      });
      for (const [job, [target]] of Object.entries(targets)) {
        const [host, port] = target.split(':');
        expect(Object.keys(compose.services)).toContain(host);
        expect(compose.services[host].ports ?? []).toContain(`${port}:${port}`);
        expect(job).toBe(host);
      }
    });

    it('scrapes every matching-service replica through DNS service discovery', () => {
      const config = yamlFiles[PROMETHEUS_CONFIG] as PrometheusConfig;
      const job = config.scrape_configs.find((c) => c.job_name === 'matching-service');
      expect(job?.static_configs).toBeUndefined();
      expect(job?.dns_sd_configs).toEqual([
        expect.objectContaining({ names: ['matching-service'], type: 'A', port: 3002 }),
      ]);
      expect((compose.services['matching-service'].expose ?? []).map(String)).toContain('3002');
    });
  });

  describe('docker-compose.yml: the matching service scales', () => {
    const service = () => compose.services['matching-service'];

    it('sets its replicas from MATCHING_REPLICAS (one by default)', () => {
      expect(service().deploy?.replicas).toBe('${MATCHING_REPLICAS:-1}');
    });

    it('names each replica after its container: no fixed instance id, hostname or container name', () => {
      expect(Object.keys(service().environment ?? {})).not.toContain('MATCHING_INSTANCE_ID');
      expect(service().hostname).toBeUndefined();
      expect(service().container_name).toBeUndefined();
    });

    it('shares no snapshot folder between replicas', () => {
      expect(Object.keys(service().environment ?? {})).not.toContain('MATCHING_SNAPSHOT_DIR');
      expect(service().volumes ?? []).toEqual([]);
    });

    it('publishes the match API on host port 3002, or with MATCHING_PORTS=3002 each replica on a free one', () => {
      // Not a host port range: Compose v2 binds ranges unreliably with replicas.
      expect(service().ports).toEqual(['${MATCHING_PORTS:-3002:3002}']);
      const others = Object.entries(compose.services)
        .filter(([name]) => name !== 'matching-service')
        .flatMap(([, s]) => (s.ports ?? []).map((p) => p.split(':')[0]));
      expect(others).not.toContain('3002');
      for (const file of [COMPOSE, 'deploy/README.md']) {
        expect([file, readFileSync(path(file), 'utf8')]).toEqual([
          file,
          expect.stringContaining('MATCHING_REPLICAS=3 MATCHING_PORTS=3002 docker compose up -d'),
        ]);
      }
    });
  });

  describe('metric names and labels', () => {
    const exported = exportedMetrics();
    const knownGroupingLabels = new Set([
      ...[...exported.values()].flatMap((m) => m.labels),
      ...TARGET_LABELS,
      ...DEFAULT_LABELS,
    ]);

    function problemsOf(where: string, expr: string): string[] {
      const refs = exprRefs(expr);
      const problems: string[] = [];
      for (const name of refs.metrics) {
        if (name === 'up') continue;
        const metric = exported.get(name);
        if (!metric) problems.push(`${where}: unknown metric ${name}`);
        else if (!metric.ours && !/^(process|nodejs)_/.test(name))
          problems.push(`${where}: ${name} is neither in METRIC_NAMES nor a default metric`);
      }
      for (const { metric, labels } of refs.selectors) {
        const allowed =
          metric === 'up'
            ? TARGET_LABELS
            : [...(exported.get(metric ?? '')?.labels ?? []), ...TARGET_LABELS, ...DEFAULT_LABELS];
        if (metric && metric !== 'up' && !exported.has(metric)) continue; // reported above
        for (const label of labels) {
          if (metric ? !allowed.includes(label) : !knownGroupingLabels.has(label))
            problems.push(`${where}: ${metric ?? '{}'} has no label ${label}`);
        }
      }
      for (const label of refs.groupingLabels) {
        if (!knownGroupingLabels.has(label))
          problems.push(`${where}: no metric has label ${label}`);
      }
      return problems;
    }

    it('the extractor finds metrics, selector labels and grouping labels', () => {
      expect(
        exprRefs(
          'histogram_quantile(0.99, sum by (le, stage) (rate(matchstream_stage_duration_seconds_bucket{service=~"$service", stage!="a{b}"}[$__rate_interval]))) > 1e-3 and on (stage) up offset 5m',
        ),
      ).toEqual({
        metrics: ['matchstream_stage_duration_seconds_bucket', 'up'],
        selectors: [
          { metric: 'matchstream_stage_duration_seconds_bucket', labels: ['service', 'stage'] },
        ],
        groupingLabels: ['le', 'stage', 'stage'],
      });
    });

    it('alerts.yml refers only to exported metrics and labels', () => {
      const problems = alertRules().flatMap((r) => problemsOf(`alert ${r.alert}`, r.expr));
      expect(problems).toEqual([]);
    });

    it('the dashboard refers only to exported metrics and labels', () => {
      const problems = dashboardExprs().flatMap(({ where, target }) =>
        problemsOf(where, target.expr ?? ''),
      );
      for (const variable of dashboard.templating?.list ?? []) {
        const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
        const m = /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)$/.exec(query ?? '');
        if (!m) {
          problems.push(`variable ${variable.name}: expected label_values(metric, label)`);
          continue;
        }
        problems.push(...problemsOf(`variable ${variable.name}`, `${m[1]}`));
        if (!(exported.get(m[1])?.labels ?? []).concat(DEFAULT_LABELS).includes(m[2]))
          problems.push(`variable ${variable.name}: ${m[1]} has no label ${m[2]}`);
      }
      expect(problems).toEqual([]);
    });

    it('the dashboard shows every metric in METRIC_NAMES', () => {
      const used = new Set(
        dashboardExprs().flatMap(({ target }) =>
          exprRefs(target.expr ?? '').metrics.map((m) => m.replace(/_(bucket|sum|count)$/, '')),
        ),
      );
      const missing = Object.values(METRIC_NAMES).filter(
        (name) => !used.has(name) && !used.has(name.replace(/_(bucket|sum|count)$/, '')),
      );
      expect(missing).toEqual([]);
    });

    it('legends name only labels the query keeps', () => {
      const problems: string[] = [];
      for (const { where, target } of dashboardExprs()) {
        const kept = new Set(exprRefs(target.expr ?? '').groupingLabels);
        for (const [, label] of (target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
          if (!kept.has(label)) problems.push(`${where}: legend {{${label}}} is not grouped by`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('promtool parses every dashboard query', () => {
      const rules = {
        groups: [
          {
            name: 'dashboard',
            rules: dashboardExprs().map(({ target }, i) => ({
              record: `dashboard:query_${i}`,
              expr: withoutGrafanaVariables(target.expr ?? ''),
            })),
          },
        ],
      };
      const file = join(tmp, 'dashboard-queries.yml');
      writeFileSync(file, JSON.stringify(rules, null, 2)); // JSON is YAML
      expect(run('promtool', ['check', 'rules', file])).toMatch(/SUCCESS/);
    });
  });

  describe('Grafana', () => {
    it('the dashboard is well formed', () => {
      expect(dashboard.uid).toBe('matchstream');
      expect(dashboard.title).toBe('matchstream pipeline');
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      const panels = allPanels(dashboard.panels);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(panelsWithTargets().length).toBeGreaterThanOrEqual(15);
      for (const panel of panelsWithTargets()) {
        const where = `panel ${panel.id} "${panel.title}"`;
        expect([where, panel.title]).toEqual([where, expect.stringMatching(/\S/)]);
        expect([where, panel.datasource]).toEqual([
          where,
          { type: 'prometheus', uid: 'prometheus' },
        ]);
        expect([where, (panel.targets ?? []).length > 0]).toEqual([where, true]);
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect([where, new Set(refIds).size]).toEqual([where, refIds.length]);
        for (const target of panel.targets ?? []) {
          expect([where, target.refId, target.expr?.trim()]).toEqual([
            where,
            target.refId,
            expect.stringMatching(/\S/),
          ]);
          expect([where, target.datasource?.uid]).toEqual([where, 'prometheus']);
        }
      }
    });

    it('a "Matching instances" row shows each matching instance', () => {
      const top = dashboard.panels ?? [];
      const start = top.findIndex((p) => p.type === 'row' && p.title === 'Matching instances');
      expect(start).toBeGreaterThanOrEqual(0);
      const end = top.findIndex((p, i) => i > start && p.type === 'row');
      const row = top.slice(start + 1, end < 0 ? undefined : end);
      const exprs = row.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
      for (const expr of exprs) expect(expr).toContain('service="matching-service"');
      const metrics = new Set(exprs.flatMap((e) => exprRefs(e).metrics));
      expect([...metrics].sort()).toEqual(
        [
          METRIC_NAMES.eventsConsumed,
          METRIC_NAMES.eventsProduced,
          METRIC_NAMES.consumerLag,
          'matchstream_matching_owned_partitions',
          'matchstream_matching_handover_seconds_bucket',
          'process_cpu_seconds_total',
          'process_resident_memory_bytes',
          METRIC_NAMES.snapshotFailing,
          METRIC_NAMES.snapshotLastSuccess,
          METRIC_NAMES.snapshotFailures,
          METRIC_NAMES.snapshotsRejected,
          METRIC_NAMES.loadRecords,
          METRIC_NAMES.loadRankings,
        ].sort(),
      );
      // Per instance: every panel but the handover quantiles splits by instance_id.
      const perInstance = row.filter((p) =>
        (p.targets ?? []).some((t) =>
          exprRefs(t.expr ?? '').groupingLabels.includes('instance_id'),
        ),
      );
      expect(row.length - perInstance.length).toBe(1);
    });

    it('the dashboard panels fit the 24-column grid without overlapping', () => {
      const boxes = allPanels(dashboard.panels).map((p) => ({ id: p.id, ...p.gridPos! }));
      const overlaps: string[] = [];
      for (const [i, a] of boxes.entries()) {
        expect([a.id, a.x >= 0 && a.w > 0 && a.x + a.w <= 24 && a.h > 0]).toEqual([a.id, true]);
        for (const b of boxes.slice(i + 1)) {
          if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
            overlaps.push(`${a.id}/${b.id}`);
        }
      }
      expect(overlaps).toEqual([]);
    });

    it('provisions the Prometheus datasource the dashboard uses and loads the dashboards folder', () => {
      const { datasources } = yamlFiles[DATASOURCES] as Datasources;
      expect(datasources).toEqual([
        expect.objectContaining({
          type: 'prometheus',
          uid: 'prometheus',
          url: 'http://prometheus:9090',
        }),
      ]);
      const { providers } = yamlFiles[DASHBOARD_PROVIDERS] as DashboardProviders;
      expect(providers).toEqual([
        expect.objectContaining({
          type: 'file',
          options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
        }),
      ]);
      const mounts = (compose.services.grafana.volumes ?? []).map((v) => v.split(':'));
      expect(mounts).toContainEqual([
        './deploy/grafana/dashboards',
        providers[0].options.path,
        'ro',
      ]);
      expect(mounts).toContainEqual([
        './deploy/grafana/provisioning',
        '/etc/grafana/provisioning',
        'ro',
      ]);
    });
  });

  describe('docker-compose.yml', () => {
    it('defines the whole stack', () => {
      expect(Object.keys(compose.services)).toEqual(
        expect.arrayContaining(['kafka', 'redis', ...APPS, 'prometheus', 'grafana']),
      );
    });

    it('gives Kafka and Redis health checks the apps can wait on', () => {
      for (const name of ['kafka', 'redis']) {
        expect([name, compose.services[name].healthcheck?.test]).toEqual([name, expect.anything()]);
      }
    });

    it.each(APPS)('%s has a health check and waits for healthy Kafka and Redis', (name) => {
      const service = compose.services[name];
      const test = service.healthcheck?.test;
      expect(Array.isArray(test) ? test.join(' ') : test).toMatch(/\/health/);
      expect(service.depends_on).toEqual(
        expect.objectContaining({
          kafka: expect.objectContaining({ condition: 'service_healthy' }),
          redis: expect.objectContaining({ condition: 'service_healthy' }),
        }),
      );
    });

    it('mounts only files that exist under ./deploy', () => {
      const missing: string[] = [];
      let mounts = 0;
      for (const [name, service] of Object.entries(compose.services)) {
        for (const volume of service.volumes ?? []) {
          const [source] = volume.split(':');
          if (!source.startsWith('./')) continue; // a named volume
          mounts++;
          expect([name, source.startsWith('./deploy/')]).toEqual([name, true]);
          if (!existsSync(path(source))) missing.push(`${name}: ${source}`);
        }
      }
      expect(mounts).toBeGreaterThanOrEqual(3);
      expect(missing).toEqual([]);
    });

    it("Prometheus's config file is inside its mount", () => {
      const service = compose.services.prometheus;
      const command = Array.isArray(service.command) ? service.command : [service.command ?? ''];
      const configFile = command
        .find((a) => a.startsWith('--config.file='))
        ?.slice('--config.file='.length);
      expect(configFile).toBeDefined();
      const mount = (service.volumes ?? [])
        .map((v) => v.split(':'))
        .find(
          ([source, target]) => source.startsWith('./') && configFile!.startsWith(`${target}/`),
        );
      expect(mount).toBeDefined();
      const [source, target] = mount!;
      expect(existsSync(path(source, posix.relative(target, configFile!)))).toBe(true);
    });
  });
});
