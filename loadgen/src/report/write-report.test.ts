import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BenchResult } from '../bench/bench-result';
import { syntheticReport } from './testing/synthetic-load-report';
import { reportDir, writeBenchReport, writeLoadReport } from './write-report';

describe('report writing', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loadgen-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accounts the synthetic run: lost, duplicated and dead-lettered, each listed', () => {
    const r = syntheticReport();
    expect(r.sending.sent).toBe(200);
    expect(r.verdicts.lost).toBe(1);
    expect(r.verdicts.lostList).toEqual([{ transactionId: 'lg-test-7' }]);
    expect(r.verdicts.duplicates).toBe(1);
    expect(r.verdicts.duplicateList).toEqual([{ transactionId: 'lg-test-9', verdicts: 2 }]);
    expect(r.verdicts.deadLetterList).toEqual([
      {
        transactionId: 'lg-test-8',
        reasonCode: 'FS_INVALID_AMOUNT',
        reasonMessage: 'amount_minor is negative',
      },
    ]);
    expect(r.latency.count).toBe(198);
    expect(r.latencyHops?.worker.count).toBe(198);
    expect(r.latencyHops?.kafkaIn.maxMs).toBeCloseTo(1, 1);
    expect(r.latencyHops?.kafkaOut.maxMs).toBeCloseTo(10, 1);
    expect(r.quality.truePositives).toBe(5);
    expect(r.quality.falseNegatives).toBe(5);
  });

  it('writes report.json, summary.md and the rendered plots', async () => {
    const report = syntheticReport();
    const files = await writeLoadReport(report, dir, () =>
      Promise.resolve([
        { name: 'latency-histogram', title: 'Latency histogram', png: Buffer.from([0x89, 0x50]) },
      ]),
    );
    expect(files.map((f) => path.basename(f)).sort()).toEqual([
      'latency-histogram.png',
      'report.json',
      'summary.md',
    ]);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(report)),
    );
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('# Load run lg-test — service levels missed');
    expect(md).toContain('Lost (1): `lg-test-7`');
    expect(md).toContain('`lg-test-8` (FS_INVALID_AMOUNT)');
    expect(md).toContain('![Latency histogram](latency-histogram.png)');
    expect(md).toMatch(/# Latency by hop\n/);
    expect(md).toContain('| worker: consumed → decided | 198 |');
    expect(md).toContain(`${report.machine.cores} cores`);
  });

  it('writes a benchmark directory with each run\u2019s plots under its slug', async () => {
    const report = syntheticReport();
    const result: BenchResult = {
      kind: 'fraudstream.bench-result',
      version: 1,
      scenario: 'seed',
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      machine: report.machine,
      parameters: { workers: 1 },
      figures: {
        scenario: 'seed',
        smoke: false,
        rate_tps: 100,
        p50_ms: 5,
        p95_ms: 9,
        p99_ms: 10,
        p999_ms: 10,
        max_ms: 12,
        within_100ms_share: 1,
        lost: 1,
        duplicates: 1,
        dead_letters: 1,
      },
      targets: [
        { name: 'p99 latency', target: '≤ 20 ms', measured: '10.00 ms', met: true, missedBy: null },
      ],
      limits: ['seed: the 2 cores were 50 % busy.'],
      tables: [
        {
          title: 'Tracing overhead by sampling ratio',
          columns: ['sampling', 'highest rate held (tx/s)'],
          rows: [
            ['0 %', '900'],
            ['100 %', '700'],
          ],
          notes: ['One capacity ramp per row.'],
        },
      ],
      runs: [
        { label: 'seed, 1 worker', slug: 'seed-1-worker', worker: 'scoring', workers: 1, report },
      ],
    };
    await writeBenchReport(result, dir, () =>
      Promise.resolve([{ name: 'throughput', title: 'Throughput', png: Buffer.from([1]) }]),
    );
    expect(readdirSync(dir).sort()).toEqual([
      'report.json',
      'seed-1-worker-throughput.png',
      'summary.md',
    ]);
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('# Benchmark `seed` — targets met');
    expect(md).toContain('- seed: the 2 cores were 50 % busy.');
    expect(md).toContain(
      '## Tracing overhead by sampling ratio\n\n| sampling | highest rate held (tx/s) |\n| --- | --- |\n| 0 % | 900 |\n| 100 % | 700 |\n\n- One capacity ramp per row.',
    );
    expect(md).toContain('## Run: seed, 1 worker');
    expect(md).toContain('![Throughput](seed-1-worker-throughput.png)');
  });

  it('names report directories by time so they sort', () => {
    expect(reportDir('reports', 'capacity', new Date('2026-11-30T02:15:09.123Z'))).toBe(
      path.join('reports', 'capacity-20261130-021509'),
    );
  });
});
