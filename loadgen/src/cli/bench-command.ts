// `fraudstream bench <scenario>`: the end-to-end benchmarks of docs/benchmarks.md, on fleets
// started through the injected worker launcher; the micro-benchmarks (features, inference)
// belong to @fraudstream/models and are routed to injected functions.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import type { BenchOptions, BenchScenario } from '../bench/bench-options';
import { BENCH_SCENARIOS } from '../bench/bench-options';
import type { BenchResult, BenchTable } from '../bench/bench-result';
import type { StartWorker, WarmFeatureState } from '../bench/bench-types';
import { runBench } from '../bench/run-bench';
import type { TraceSend } from '../load/wire-codec';
import { renderLoadPlots } from '../report/load-plots';
import { reportDir, writeBenchReport } from '../report/write-report';
import { numberFlag, numberList } from './cli-args';
import type { LoadgenCliCommand } from './cli-command';
import { parseBrokers, readCliEnv } from './cli-env';
import { stackProcesses } from './stack-processes';
import { terminalProgress } from './progress';

/** A micro-benchmark run by `fraudstream bench <name> [args]`; resolves to the exit code. */
export type MicroBenchmark = (argv: string[]) => Promise<number>;

/** What the CLI layer injects into `fraudstream bench`. */
export interface BenchCommandDeps {
  /** Starts one scoring worker (a `fraudstream worker` child process, say). */
  readonly startWorker?: StartWorker;
  /** Backfills a run's feature state (seed); see {@link WarmFeatureState}. */
  readonly warmFeatureState?: WarmFeatureState;
  /** Trace context per transaction (a producer span). @defaultValue a random traceparent header */
  readonly traceSend?: TraceSend;
  /** Micro-benchmarks by name, e.g. `{ features, inference }` from @fraudstream/models. */
  readonly microBenchmarks?: Readonly<Record<string, MicroBenchmark>>;
  /** @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const USAGE = `usage: fraudstream bench <scenario> [options]

end-to-end scenarios (docs/benchmarks.md), each on fresh topics and a fleet of its own:
  seed         50,000 transactions an hour for 10 minutes: latency percentiles, lost, duplicates,
               precision and recall (on a feature state backfilled with the 28 days before it),
               then the same on passthrough workers: the transport's share of the latency
  capacity     stepped ramp until p99 > 100 ms or lag grows, and the passthrough ceiling
  passthrough  the same ramp with workers that only copy records to decisions
  burst        steady load, ×10 for 30 s, steady again: peak lag, time to recover
  fleet        capacity with 1, 2 and 4 workers: scaling per added process
  tracing      capacity with the workers' trace sampling at 0 %, 1 % and 100 %: the cost of tracing
micro-benchmarks (from @fraudstream/models, when the CLI provides them): features, inference

options:
  --smoke                 shrink every duration to seconds (keeps the code working; figures mean nothing)
  --json                  print the figures as one JSON object on stdout (progress goes to stderr)
  --out DIR               reports root (default reports); writes DIR/<scenario>-<time>/
  --workers N             workers of seed, capacity, passthrough, burst and tracing (default 1)
  --fleet 1,2,4           fleet sizes of the fleet scenario
  --steps 1000,2000,...   capacity ramp rates, tx/s
  --step-seconds N        length of each ramp step (default 60)
  --repeats N             capacity: passthrough and scoring ramps alternate N times (medians)
  --rate TPS --duration-seconds N      seed rate and length
  --warm-up-seconds N     seed: unjudged seconds at the seed rate before the measured ones
                          (default 60; reported apart, never counted in the figures)
  --no-baseline           seed: skip the passthrough run at the same rate and length (the
                          transport's own latency, to compare the scoring run with)
  --base-rate TPS --burst-factor F --burst-seconds N   burst sizes
  --passthrough process|in-process     where passthrough workers run (default process)
  --sampling 0,0.01,1     tracing: the workers' FS_TRACE_SAMPLE_RATIO of each ramp
  --otlp-endpoint URL     tracing: where the workers export spans (default FS_OTLP_ENDPOINT or
                          http://127.0.0.1:14318, the local Jaeger); failed exports are counted
  --brokers H:P[,H:P]     default FS_KAFKA_BROKERS or 127.0.0.1:19092
  --profile               run the workers under V8's CPU profiler (node --cpu-prof): the
                          .cpuprofile files go to <report>/profiles (open them in Chrome DevTools)
                          and the report says where the workers' CPU went; --json adds "profile"
  --keep-topics           keep each run's topics
  --quiet                 no live progress
`;

function isScenario(name: string): name is BenchScenario {
  return (BENCH_SCENARIOS as readonly string[]).includes(name);
}

/** A scenario's table as aligned text, its notes below it. */
export function formatTable(t: BenchTable): string {
  const widths = t.columns.map((c, i) =>
    Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [
    `  ${t.title}:`,
    line(t.columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...t.rows.map(line),
    ...t.notes.map((n) => `  * ${n}`),
    '',
  ].join('\n');
}

/** The figures as printed without --json: one line per figure, then targets and limits. */
export function formatBenchResult(result: BenchResult, dir: string): string {
  const lines = [`\n${result.scenario}${result.figures.smoke ? ' (smoke)' : ''}:`];
  for (const [k, v] of Object.entries(result.figures)) {
    if (k === 'scenario' || k === 'smoke') continue;
    lines.push(
      `  ${k.padEnd(28)} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v)}`,
    );
  }
  for (const t of result.targets) {
    lines.push(
      `  target ${t.name}: ${t.target}, measured ${t.measured} — ${t.met ? 'met' : `MISSED by ${t.missedBy ?? '?'}`}`,
    );
  }
  for (const t of result.tables ?? []) lines.push('', formatTable(t));
  for (const l of result.limits) lines.push(`  limit: ${l}`);
  const p = result.cpuProfile;
  if (p !== undefined && p !== null && p.profiles === 0) {
    lines.push(
      `  profile: none of the ${p.no_profile} ${p.worker} workers wrote a profile (why: summary.md)`,
    );
  } else if (p !== undefined && p !== null) {
    const top = Object.entries(p.packages)
      .slice(0, 5)
      .map(([name, x]) => `${name} ${(x.share * 100).toFixed(0)} %`)
      .join(', ');
    lines.push(
      `  profile: ${p.worker} workers busy ${(p.busy_share * 100).toFixed(1)} % of wall (${p.profiles} profile${p.profiles === 1 ? '' : 's'}${p.no_profile > 0 ? `, ${p.no_profile} not written` : ''}); self time: ${top}`,
    );
  }
  lines.push(`  report: ${dir}`);
  return `${lines.join('\n')}\n`;
}

/** The `fraudstream bench` command, with the CLI layer's injected pieces. */
export function benchCommand(deps: BenchCommandDeps = {}): LoadgenCliCommand {
  return {
    name: 'bench',
    summary:
      'run a benchmark of docs/benchmarks.md (seed, capacity, passthrough, burst, fleet, tracing, ...)',
    async run(argv: string[]): Promise<number> {
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      const [name, ...rest] = argv;
      if (name === undefined || name === '--help' || name === '-h') {
        stdout.write(USAGE);
        return name === undefined ? 2 : 0;
      }
      const micro = deps.microBenchmarks?.[name];
      if (micro !== undefined) return micro(rest);
      if (!isScenario(name)) {
        const known = [...BENCH_SCENARIOS, ...Object.keys(deps.microBenchmarks ?? {})].join(', ');
        throw new UsageError(`unknown benchmark "${name}" (known: ${known})`);
      }
      const { values } = parseArgs({
        args: rest,
        options: {
          smoke: { type: 'boolean' },
          json: { type: 'boolean' },
          out: { type: 'string' },
          workers: { type: 'string' },
          fleet: { type: 'string' },
          steps: { type: 'string' },
          'step-seconds': { type: 'string' },
          repeats: { type: 'string' },
          rate: { type: 'string' },
          'duration-seconds': { type: 'string' },
          'no-baseline': { type: 'boolean' },
          'warm-up-seconds': { type: 'string' },
          'base-rate': { type: 'string' },
          'burst-factor': { type: 'string' },
          'burst-seconds': { type: 'string' },
          passthrough: { type: 'string' },
          sampling: { type: 'string' },
          'otlp-endpoint': { type: 'string' },
          brokers: { type: 'string' },
          'keep-topics': { type: 'boolean' },
          profile: { type: 'boolean' },
          quiet: { type: 'boolean' },
        },
        strict: true,
      });
      const env = readCliEnv(deps.env ?? process.env);
      const stack = stackProcesses(deps.env ?? process.env);
      const passthrough = values.passthrough;
      if (passthrough !== undefined && passthrough !== 'process' && passthrough !== 'in-process') {
        throw new UsageError(`--passthrough: expected process or in-process, got "${passthrough}"`);
      }
      const int = (flag: keyof typeof values): number | undefined => {
        const raw = values[flag];
        return typeof raw === 'string' ? numberFlag(flag, raw, 1, true) : undefined;
      };
      const num = (flag: keyof typeof values, scale = 1): number | undefined => {
        const raw = values[flag];
        return typeof raw === 'string' ? numberFlag(flag, raw, 0.001) * scale : undefined;
      };
      const progressSink = values.json === true ? stderr : stdout;
      // Known before the run: profiled workers write into it as they exit.
      const dir = reportDir(values.out ?? 'reports', name);
      const options: BenchOptions = {
        brokers:
          values.brokers === undefined ? env.brokers : parseBrokers('--brokers', values.brokers),
        startWorker: deps.startWorker,
        warmFeatureState: deps.warmFeatureState,
        passthrough,
        smoke: values.smoke === true,
        workers: int('workers'),
        fleetSizes:
          values.fleet === undefined ? undefined : numberList('fleet', values.fleet, 1, true),
        repeats: int('repeats'),
        rampTps: values.steps === undefined ? undefined : numberList('steps', values.steps, 0.001),
        stepMs: num('step-seconds', 1000),
        seedTps: num('rate'),
        seedDurationMs: num('duration-seconds', 1000),
        seedBaseline: values['no-baseline'] === true ? false : undefined,
        seedWarmUpMs:
          values['warm-up-seconds'] === undefined
            ? undefined
            : Math.round(numberFlag('warm-up-seconds', values['warm-up-seconds'], 0) * 1000),
        burstBaseTps: num('base-rate'),
        burstFactor: num('burst-factor'),
        burstMs: num('burst-seconds', 1000),
        samplingRatios:
          values.sampling === undefined ? undefined : numberList('sampling', values.sampling, 0),
        otlpEndpoint: values['otlp-endpoint'] ?? (deps.env ?? process.env).FS_OTLP_ENDPOINT,
        profileDir: values.profile === true ? path.join(dir, 'profiles') : undefined,
        keepTopics: values['keep-topics'] === true,
        load: { traceSend: deps.traceSend },
        observer: (label) =>
          values.quiet === true
            ? {}
            : terminalProgress(
                { write: (t) => progressSink.write(t), isTTY: progressSink.isTTY === true },
                `[${label}]`,
              ),
        log: (line) => stderr.write(`${line}\n`),
        watchProcesses: () => stack,
      };
      const controller = new AbortController();
      const onSigint = (): void => {
        stderr.write(
          'stopping: the current run finishes early and is reported; press Ctrl-C again to force\n',
        );
        controller.abort('SIGINT');
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSigint);
      let result: BenchResult;
      try {
        result = await runBench(name, { ...options, signal: controller.signal });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      await writeBenchReport(result, dir, renderLoadPlots);
      if (values.json === true) {
        const profile = result.cpuProfile === undefined ? {} : { profile: result.cpuProfile };
        stdout.write(`${JSON.stringify({ ...result.figures, ...profile })}\n`);
      } else stdout.write(formatBenchResult(result, dir));
      if (values.json === true) stderr.write(`report: ${dir}\n`);
      return 0;
    },
  };
}
