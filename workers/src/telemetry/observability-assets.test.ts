// The dashboard and alert rules in deploy/observability only use series the workers export,
// under their exact Prometheus names, and the SRE README documents every one of them.
// (promtool validates the rules themselves: deploy/observability/check.sh.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { E2E_LATENCY_BUCKETS_MS, LATENCY_SLO_MS, METRIC, PROMETHEUS_SERIES } from './metric-names';

const DIR = join(__dirname, '..', '..', '..', 'deploy', 'observability');
const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');

interface Panel {
  type: string;
  title: string;
  datasource?: unknown;
  targets?: { expr: string }[];
}
interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const dashboard = JSON.parse(read('grafana-dashboard.json')) as { panels: Panel[]; uid: string };
const rules = (
  parse(read('prometheus-alerts.yml')) as { groups: { name: string; rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);
const readme = read('README.md');
const exported = new Set<string>([...Object.values(PROMETHEUS_SERIES), 'up']);
const recorded = new Set(rules.flatMap((r) => (r.record === undefined ? [] : [r.record])));

/** Metric names in a PromQL expression (fraudstream_* series, recording rules, up). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(fraudstream[:_][a-z0-9_:]+|up)\b(?=\s*[{[)\s]|$)/g)].map(
    (m) => m[1] ?? '',
  );
}

const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const ruleExprs = rules.map((r) => r.expr);

describe('deploy/observability', () => {
  it('uses only series the workers export, or recording rules defined beside them', () => {
    const unknown = [...dashboardExprs, ...ruleExprs]
      .flatMap(metricsIn)
      .filter((name) => !exported.has(name) && !recorded.has(name));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('uses every exported metric somewhere', () => {
    const used = [...dashboardExprs, ...ruleExprs].flatMap(metricsIn);
    const unused = Object.values(METRIC).filter((name) => !used.some((s) => s.startsWith(name)));
    expect(unused).toEqual([]);
  });

  it('measures the SLO at a real bucket bound', () => {
    expect(E2E_LATENCY_BUCKETS_MS).toContain(LATENCY_SLO_MS);
    const bounds = [
      ...[...dashboardExprs, ...ruleExprs].join('\n').matchAll(/\ble="([^"]+)"/g),
    ].map((m) => Number(m[1]));
    expect(bounds.length).toBeGreaterThan(0);
    for (const b of bounds) expect(E2E_LATENCY_BUCKETS_MS).toContain(b);
  });

  it('has the panels the SREs asked for, each on the templated data source', () => {
    const titles = dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.title);
    for (const wanted of [
      /SLO attainment/,
      /latency percentiles/i,
      /Throughput/,
      /Verdicts by decision/,
      /lag per partition/,
      /Retries/,
      /Dead letters/,
      /Errors/,
      /Model versions/,
    ]) {
      expect({ wanted: String(wanted), found: titles.some((t) => wanted.test(t)) }).toEqual({
        wanted: String(wanted),
        found: true,
      });
    }
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect({ panel: p.title, datasource: p.datasource }).toEqual({
        panel: p.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
    }
  });

  it('has the alerts the issue asks for, each with severity, summary, description and a runbook in the README', () => {
    const alerts = rules.filter((r) => r.alert !== undefined);
    const names = new Set(alerts.map((a) => a.alert));
    for (const wanted of [
      'FraudstreamLatencySLOBurn',
      'FraudstreamAvailabilitySLOBurn',
      'FraudstreamConsumerLagGrowing',
      'FraudstreamDeadLetterSpike',
      'FraudstreamWorkerDown',
    ]) {
      expect(names).toContain(wanted);
    }
    for (const a of alerts) {
      expect({
        alert: a.alert,
        severity: ['critical', 'warning'].includes(a.labels?.severity ?? ''),
      }).toEqual({
        alert: a.alert,
        severity: true,
      });
      expect(a.annotations?.summary).toBeTruthy();
      expect(a.annotations?.description).toBeTruthy();
      const anchor = a.annotations?.runbook?.split('#')[1] ?? '';
      expect({ alert: a.alert, anchor }).toEqual({
        alert: a.alert,
        anchor: (a.alert ?? '').toLowerCase(),
      });
      expect(readme).toContain(`### ${a.alert ?? ''}\n`);
    }
  });

  it('pages on both burn windows of the multi-window, multi-burn-rate recipe', () => {
    for (const slo of ['FraudstreamLatencySLOBurn', 'FraudstreamAvailabilitySLOBurn']) {
      const windows = rules
        .filter((r) => r.alert === slo)
        .map((r) => `${r.labels?.window}:${r.labels?.severity}`);
      expect(windows.sort()).toEqual(['1d:warning', '1h:critical', '3d:warning', '6h:critical']);
    }
  });

  it('documents every metric in the SRE README', () => {
    for (const name of Object.values(METRIC)) {
      const series =
        name.endsWith('_ms') || name.endsWith('_lag') || name.endsWith('_info')
          ? name
          : `${name}_total`;
      expect({ name: series, documented: readme.includes(`\`${series}\``) }).toEqual({
        name: series,
        documented: true,
      });
    }
  });
});
