// What the micro-benchmarks (inference, features) share: their command line, their result in
// the shape of the end-to-end benchmarks' BenchResult (so loadgen's writers make the same
// report.json + summary.md, with the machine and git commit), and their terminal table.
import type { BenchResult } from '../bench/bench-result';
import { NO_LATENCY_FIGURES } from '../bench/bench-result';
import type { MachineInfo } from '../measure/machine-info';
import { reportDir, writeBenchReport } from '../report/write-report';
import { flag, int, optionalFlag, switchFlag, text } from '@fraudstream/settings';

/** A micro-benchmark's own figures: flat and snake_case, like the end-to-end ones. */
export type MicroFigures = Readonly<Record<string, number | string | boolean | null>>;

/** One micro-benchmark run, before it is shaped as a BenchResult. */
export interface MicroRun {
  readonly scenario: string;
  readonly smoke: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly machine: MachineInfo;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The headline rate (rows or transactions per second), reported as `rate_tps`. */
  readonly rateTps: number;
  readonly figures: MicroFigures;
  readonly limits: readonly string[];
}

/** Where a micro-benchmark's output goes; the CLI passes the process streams. */
export interface MicroBenchIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's streams and environment. */
export function processIo(): MicroBenchIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * The run as a BenchResult. Its common figures are the end-to-end ones: a micro-benchmark
 * measures no latency percentiles (null) and delivers no records (0 lost, duplicated or
 * dead-lettered), which `limits` says in words.
 */
export function microBenchResult(run: MicroRun): BenchResult {
  return {
    kind: 'fraudstream.bench-result',
    version: 1,
    scenario: run.scenario,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    machine: run.machine,
    parameters: run.parameters,
    figures: {
      scenario: run.scenario,
      smoke: run.smoke,
      rate_tps: run.rateTps,
      ...NO_LATENCY_FIGURES,
      lost: 0,
      duplicates: 0,
      dead_letters: 0,
      ...run.figures,
    },
    targets: [],
    limits: [
      ...run.limits,
      'a micro-benchmark in one process: no Kafka, so no latency percentiles and no delivery counts (lost, duplicates and dead_letters are 0 by construction)',
    ],
    runs: [],
  };
}

/** Writes report.json and summary.md under `<root>/<scenario>-<time>/`; resolves to the dir. */
export async function writeMicroReport(result: BenchResult, root: string): Promise<string> {
  const dir = reportDir(root, result.scenario);
  await writeBenchReport(result, dir);
  return dir;
}

/** The `--json` object: every figure, the machine, and the per-row results. */
export function microJson(result: BenchResult, results: readonly object[]): string {
  return `${JSON.stringify({ ...result.figures, machine: result.machine, results })}\n`;
}

/** A plain-text table, columns padded to their widest cell; `align` per column (default left). */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) =>
        align[c] === 'right' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `value` with `digits` decimals and thousands separators. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Rounds to `digits` decimals for the JSON figures (timer noise is far above that). */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * The flags every micro-benchmark takes, declared once; each command adds its own beside them.
 * `rounds` gives the benchmark's own default number of rounds, with and without --smoke, for the
 * description (absent, the benchmark's options apply).
 */
export function microFlags(rounds: { readonly normal: number; readonly smoke: number }) {
  return {
    smoke: switchFlag(
      'smoke',
      'a couple of seconds (keeps the code working; figures mean nothing)',
    ),
    json: switchFlag(
      'json',
      'print the figures as one JSON object on stdout (progress goes to stderr)',
    ),
    out: flag(
      'out',
      text(/\S/, 'a directory'),
      'reports',
      'reports root; writes DIR/<name>-<time>/',
    ),
    rounds: optionalFlag(
      'rounds',
      int({ min: 1 }),
      `alternating A/B rounds, medians are over them (default ${rounds.normal}; --smoke: ${rounds.smoke})`,
    ),
  };
}
