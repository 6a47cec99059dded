// What the micro-benchmarks (inference, features) share: their command line, their result in
// the shape of the end-to-end benchmarks' BenchResult (so loadgen's writers make the same
// report.json + summary.md, with the machine and git commit), and their terminal table.
import { parseArgs } from 'node:util';
import type { BenchResult } from '../bench/bench-result';
import { NO_LATENCY_FIGURES } from '../bench/bench-result';
import type { MachineInfo } from '../measure/machine-info';
import { reportDir, writeBenchReport } from '../report/write-report';
import { UsageError } from '@fraudstream/settings';

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

/** The flags every micro-benchmark takes. */
export interface MicroArgs {
  readonly smoke: boolean;
  readonly json: boolean;
  readonly out: string;
  readonly rounds: number | undefined;
  readonly help: boolean;
  /** The command's own flags, as parsed. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/** Parses argv with the command's own `extra` string flags; throws UsageError naming the flag. */
export function parseMicroArgs(argv: string[], extra: readonly string[]): MicroArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        smoke: { type: 'boolean' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        rounds: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(extra.map((name) => [name, { type: 'string' } as const])),
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const rounds = values.rounds;
  return {
    smoke: values.smoke === true,
    json: values.json === true,
    out: typeof values.out === 'string' ? values.out : 'reports',
    rounds: typeof rounds === 'string' ? positiveInt('rounds', rounds) : undefined,
    help: values.help === true,
    values,
  };
}

/** `raw` as an integer ≥ 1; UsageError naming `--flag` otherwise. */
export function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${flag}: expected an integer ≥ 1, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A comma-separated list of integers ≥ 1 (`1,32,512`); UsageError naming `--flag` otherwise. */
export function positiveIntList(flag: string, raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) {
    throw new UsageError(`--${flag}: expected integers ≥ 1 separated by commas, got "${raw}"`);
  }
  return parts.map((p) => positiveInt(flag, p));
}
