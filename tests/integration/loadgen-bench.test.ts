// Every `fraudstream bench` scenario in smoke mode against the real Kafka, with the echo
// worker standing in for the scoring worker: the scenarios keep working and produce their
// figures and reports. Figures are printed, never asserted against targets (no timing checks).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { BenchFigures, BenchResult, BenchScenario } from '@fraudstream/loadgen';
import { BENCH_SCENARIOS, benchCommand, runBench, writeBenchReport } from '@fraudstream/loadgen';
import { startEchoWorker } from './loadgen-echo-worker';

const BROKERS = (process.env.FS_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

const COMMON_FIGURES = [
  'rate_tps',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'p999_ms',
  'max_ms',
  'within_100ms_share',
  'lost',
  'duplicates',
  'dead_letters',
] as const;

function expectWellFormed(figures: BenchFigures, scenario: string): void {
  expect(figures.scenario).toBe(scenario);
  expect(figures.smoke).toBe(true);
  for (const key of COMMON_FIGURES) expect(figures).toHaveProperty(key);
  expect(typeof figures.rate_tps).toBe('number');
  expect(figures.lost).toBe(0);
  expect(figures.duplicates).toBe(0);
  expect(figures.dead_letters).toBe(0);
}

describe('loadgen: bench scenarios in smoke mode', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'loadgen-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(BENCH_SCENARIOS.filter((s) => s !== 'passthrough'))(
    '%s runs and reports',
    async (scenario: BenchScenario) => {
      const result: BenchResult = await runBench(scenario, {
        brokers: BROKERS,
        smoke: true,
        startWorker: startEchoWorker,
        passthrough: 'in-process',
      });
      console.log(`bench ${scenario} --smoke: ${JSON.stringify(result.figures)}`);
      expectWellFormed(result.figures, scenario);
      expect(result.runs.length).toBeGreaterThan(0);
      for (const run of result.runs) {
        expect(run.report.verdicts.withVerdict).toBe(run.report.sending.sent);
        expect(run.report.sending.sent).toBeGreaterThan(0);
      }
      if (scenario === 'capacity') {
        expect(result.runs.map((r) => r.worker)).toEqual(['passthrough', 'scoring']);
        expect(result.targets.map((t) => t.name)).toHaveLength(2);
      }
      if (scenario === 'fleet') expect(result.runs.map((r) => r.workers)).toEqual([1, 2]);
      if (scenario === 'seed') expect(result.targets).toHaveLength(3);
      const dir = path.join(out, scenario);
      const files = await writeBenchReport(result, dir);
      for (const f of files) expect(existsSync(f)).toBe(true);
      expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain(
        `Benchmark \`${scenario}\``,
      );
    },
  );

  it('passthrough runs through the CLI with --json, its worker a process of its own', async () => {
    const printed: string[] = [];
    const sink = (into: string[]): NodeJS.WritableStream =>
      new Writable({
        write(chunk: Buffer, _encoding, done): void {
          into.push(chunk.toString());
          done();
        },
      });
    const command = benchCommand({
      env: { FS_KAFKA_BROKERS: BROKERS.join(',') },
      stdout: sink(printed),
      stderr: sink([]),
    });
    const code = await command.run(['passthrough', '--smoke', '--json', '--out', out]);
    expect(code).toBe(0);
    const figures = JSON.parse(printed.join('')) as BenchFigures;
    console.log(`bench passthrough --smoke --json: ${JSON.stringify(figures)}`);
    expectWellFormed(figures, 'passthrough');
    const dirs = readdirSync(out).filter((d) => d.startsWith('passthrough-'));
    expect(dirs).toHaveLength(1);
    expect(existsSync(path.join(out, dirs[0] as string, 'report.json'))).toBe(true);
  });
});
