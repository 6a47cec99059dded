import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MachineInfo } from '../measure/machine-info';
import { fmt, formatTable, microBenchResult, microJson, writeMicroReport } from './micro-report';

const MACHINE: MachineInfo = {
  cores: 2,
  cpuModel: 'test cpu',
  memoryGiB: 24,
  nodeVersion: 'v20.0.0',
  platform: 'linux',
  loadAverage1m: 0.5,
  gitCommit: 'abc123',
  gitDirty: false,
};

const RUN = {
  scenario: 'inference',
  smoke: true,
  startedAt: new Date('2026-11-30T00:00:00Z'),
  finishedAt: new Date('2026-11-30T00:00:05Z'),
  machine: MACHINE,
  parameters: { rounds: 2 },
  rateTps: 1234,
  figures: { b1_tfjs_node_us_per_call: 80.5, b1_cpu_backend: 'cpu' },
  limits: ['one process'],
};

describe('micro-benchmark reports', () => {
  it('shapes a run as a BenchResult: its own figures after the common ones', () => {
    const r = microBenchResult(RUN);
    expect(r.kind).toBe('fraudstream.bench-result');
    expect(r.figures).toMatchObject({
      scenario: 'inference',
      smoke: true,
      rate_tps: 1234,
      p99_ms: null,
      lost: 0,
      b1_tfjs_node_us_per_call: 80.5,
      b1_cpu_backend: 'cpu',
    });
    expect(r.startedAt).toBe('2026-11-30T00:00:00.000Z');
    expect(r.limits[0]).toBe('one process');
    expect(r.limits.at(-1)).toMatch(/no latency percentiles/);
    expect(r.runs).toEqual([]);
  });

  it('prints the figures, the machine and the rows as one JSON object', () => {
    const json = JSON.parse(microJson(microBenchResult(RUN), [{ path: 'cpu' }])) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      scenario: 'inference',
      b1_cpu_backend: 'cpu',
      machine: { cores: 2, gitCommit: 'abc123' },
      results: [{ path: 'cpu' }],
    });
  });

  it("writes report.json and summary.md with loadgen's writers", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'micro-report-'));
    try {
      const dir = await writeMicroReport(microBenchResult(RUN), root);
      expect(path.basename(dir)).toMatch(/^inference-\d{8}-\d{6}$/);
      expect(readdirSync(dir).sort()).toEqual(['report.json', 'summary.md']);
      expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('b1_cpu_backend');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('pads table columns, right-aligning the ones asked', () => {
    const t = formatTable(
      ['path', 'µs'],
      [
        ['cpu', '1.5'],
        ['tfjs_node', '12.25'],
      ],
      ['left', 'right'],
    );
    expect(t.split('\n')).toEqual([
      'path          µs',
      '---------  -----',
      'cpu          1.5',
      'tfjs_node  12.25',
    ]);
  });

  it('formats numbers with separators and shows non-finite ones as a dash', () => {
    expect(fmt(1234567.891, 1)).toBe('1,234,567.9');
    expect(fmt(Number.NaN)).toBe('–');
  });
});
