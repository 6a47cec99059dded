// `fraudstream bench <scenario>`: the end-to-end benchmarks of docs/benchmarks.md, on fleets
// started through the injected worker launcher; the micro-benchmarks (features, inference)
// belong to @fraudstream/models and are routed to injected functions.
import * as path from 'node:path';
import {
  UsageError,
  commandHelp,
  flag,
  formatDefault,
  int,
  list,
  num,
  oneOf,
  optionalFlag,
  readFlags,
  switchFlag,
  text,
  readSettings,
  url,
  type CliCommand,
} from '@fraudstream/settings';
import { TELEMETRY_SETTINGS, WORKER_SETTINGS } from '@fraudstream/workers';
import { KAFKA_CLIENT_NAMES } from '@fraudstream/workers/kafka';
import type { BenchOptions, BenchScenario } from '../bench/bench-options';
import { BENCH_SCENARIOS, DEFAULT_BENCH_OPTIONS, defaultKafkaClient } from '../bench/bench-options';
import type { BenchResult, BenchTable } from '../bench/bench-result';
import type { StartWorker, WarmFeatureState } from '../bench/bench-types';
import { runBench } from '../bench/run-bench';
import type { TraceSend } from '../wire/wire-codec';
import { renderLoadPlots } from '../report/load-plots';
import { reportDir, writeBenchReport } from '../report/write-report';
import { readStackEnv } from '../load/stack-env';
import { stackProcesses } from '../load/stack-processes';
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

const D = DEFAULT_BENCH_OPTIONS;
const seconds = (ms: number): number => ms / 1000;

/**
 * The flags of `fraudstream bench <scenario>`, declared once: parsing and `--help` come from
 * here. Sizes have no flag default: absent, the scenario's own (or smoke) size applies
 * (bench-options.ts), which the descriptions quote.
 */
export const BENCH_FLAGS = {
  smoke: switchFlag(
    'smoke',
    'shrink every duration to seconds (keeps the code working; figures mean nothing)',
  ),
  json: switchFlag(
    'json',
    'print the figures as one JSON object on stdout (progress goes to stderr)',
  ),
  out: flag(
    'out',
    text(/\S/, 'a directory'),
    'reports',
    'reports root; writes DIR/<scenario>-<time>/',
  ),
  workers: optionalFlag(
    'workers',
    int({ min: 1 }),
    `workers of seed, capacity, passthrough, burst and tracing (default ${D.workers})`,
  ),
  fleet: optionalFlag(
    'fleet',
    list(int({ min: 1 }), 'integers ≥ 1, comma-separated'),
    `fleet sizes of the fleet scenario (default ${D.fleetSizes.join(',')})`,
  ),
  steps: optionalFlag(
    'steps',
    list(num({ min: 0.001 }), 'numbers > 0, comma-separated'),
    `capacity ramp rates, tx/s (default ${D.rampTps.join(',')})`,
  ),
  stepSeconds: optionalFlag(
    'step-seconds',
    num({ min: 0.001 }),
    `length of each ramp step (default ${seconds(D.stepMs)})`,
  ),
  repeats: optionalFlag(
    'repeats',
    int({ min: 1 }),
    `capacity: passthrough and scoring ramps alternate N times (client after client), figures are medians (default ${D.repeats})`,
  ),
  rate: optionalFlag(
    'rate',
    num({ min: 0.001 }),
    `seed rate, tx/s (default ${D.seedTps.toFixed(2)}: 50,000 an hour)`,
  ),
  durationSeconds: optionalFlag(
    'duration-seconds',
    num({ min: 0.001 }),
    `seed length (default ${seconds(D.seedDurationMs)})`,
  ),
  warmUpSeconds: optionalFlag(
    'warm-up-seconds',
    num({ min: 0 }),
    `seed: unjudged seconds at the seed rate before the measured ones, reported apart (default ${seconds(D.seedWarmUpMs)})`,
  ),
  noBaseline: switchFlag(
    'no-baseline',
    "seed: skip the passthrough run at the same rate and length (the transport's own latency)",
  ),
  baseRate: optionalFlag(
    'base-rate',
    num({ min: 0.001 }),
    `burst: steady rate, tx/s (default ${D.burstBaseTps})`,
  ),
  burstFactor: optionalFlag(
    'burst-factor',
    num({ min: 0.001 }),
    `burst: rate multiplier (default ${D.burstFactor})`,
  ),
  burstSeconds: optionalFlag(
    'burst-seconds',
    num({ min: 0.001 }),
    `burst: its length (default ${seconds(D.burstMs)})`,
  ),
  clients: optionalFlag(
    'clients',
    list(oneOf(KAFKA_CLIENT_NAMES), `${KAFKA_CLIENT_NAMES.join(' or ')}, comma-separated`),
    'capacity, passthrough: the Kafka clients the workers run on, each measured in this invocation, their ramps alternating (default FS_KAFKA_CLIENT or kafkajs; other scenarios take one)',
  ),
  passthrough: optionalFlag(
    'passthrough',
    oneOf(['process', 'in-process'] as const),
    `where passthrough workers run (default ${D.passthrough})`,
  ),
  sampling: optionalFlag(
    'sampling',
    list(num({ min: 0, max: 1 }), 'shares from 0 to 1, comma-separated'),
    `tracing: the workers' FS_TRACE_SAMPLE_RATIO of each ramp (default ${D.samplingRatios.join(',')})`,
  ),
  otlpEndpoint: optionalFlag(
    'otlp-endpoint',
    url(['http', 'https']),
    `tracing: where the workers export spans (default FS_OTLP_ENDPOINT or ${D.otlpEndpoint}, the local Jaeger); failed exports are counted`,
  ),
  brokers: optionalFlag(
    'brokers',
    WORKER_SETTINGS.kafkaBrokers.type,
    `Kafka (default FS_KAFKA_BROKERS or ${formatDefault(WORKER_SETTINGS.kafkaBrokers)})`,
  ),
  profile: switchFlag(
    'profile',
    "run the workers under V8's CPU profiler: .cpuprofile files in <report>/profiles, and the report says where their CPU went",
  ),
  keepTopics: switchFlag('keep-topics', "keep each run's topics"),
  quiet: switchFlag('quiet', 'no live progress'),
};

const ABOUT = `End-to-end scenarios (docs/benchmarks.md), each on fresh topics and a fleet of its own:
  seed         50,000 transactions an hour for 10 minutes: latency percentiles, lost, duplicates,
               precision and recall (on a feature state backfilled with the 28 days before it),
               then the same on passthrough workers: the transport's share of the latency
  capacity     stepped ramp until p99 > 100 ms or lag grows, and the passthrough ceiling
               (--clients kafkajs,librdkafka: both Kafka clients side by side, ramps alternating)
  passthrough  the same ramp with workers that only copy records to decisions
  burst        steady load, ×10 for 30 s, steady again: peak lag, time to recover
  fleet        capacity with 1, 2 and 4 workers: scaling per added process
  tracing      capacity with the workers' trace sampling at 0 %, 1 % and 100 %: the cost of tracing
micro-benchmarks (when the CLI provides them): features, inference (each has its own --help)
  chaos        worker, Kafka and Redis faults under a steady load (its own --help)
  closed-loop  simulated weeks through the fleet on the simulator's clock, labels only through the
               loop, live precision/recall per day beside the offline replay (its own --help)`;

/** The `--help` text of `fraudstream bench`. */
const USAGE = `${commandHelp('fraudstream bench <scenario> [options]', ABOUT, BENCH_FLAGS)}\n`;

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
export function benchCommand(deps: BenchCommandDeps = {}): CliCommand {
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
      const { values, help } = readFlags(BENCH_FLAGS, rest);
      if (help) {
        stdout.write(USAGE);
        return 0;
      }
      const source = deps.env ?? process.env;
      const env = readStackEnv(source);
      // The workers' own FS_OTLP_ENDPOINT (they are started with this environment).
      const { otlpEndpoint } = readSettings(
        { otlpEndpoint: TELEMETRY_SETTINGS.otlpEndpoint },
        source,
      );
      const stack = stackProcesses(source);
      const progressSink = values.json ? stderr : stdout;
      // Known before the run: profiled workers write into it as they exit.
      const dir = reportDir(values.out, name);
      const ms = (s: number | undefined): number | undefined =>
        s === undefined ? undefined : s * 1000;
      const options: BenchOptions = {
        brokers: values.brokers ?? env.brokers,
        // The workers' FS_KAFKA_CLIENT, read where the workers' other settings are.
        clients: values.clients ?? [defaultKafkaClient(source)],
        startWorker: deps.startWorker,
        warmFeatureState: deps.warmFeatureState,
        passthrough: values.passthrough,
        smoke: values.smoke,
        workers: values.workers,
        fleetSizes: values.fleet,
        repeats: values.repeats,
        rampTps: values.steps,
        stepMs: ms(values.stepSeconds),
        seedTps: values.rate,
        seedDurationMs: ms(values.durationSeconds),
        seedBaseline: values.noBaseline ? false : undefined,
        seedWarmUpMs:
          values.warmUpSeconds === undefined ? undefined : Math.round(values.warmUpSeconds * 1000),
        burstBaseTps: values.baseRate,
        burstFactor: values.burstFactor,
        burstMs: ms(values.burstSeconds),
        samplingRatios: values.sampling,
        otlpEndpoint: values.otlpEndpoint ?? otlpEndpoint,
        profileDir: values.profile ? path.join(dir, 'profiles') : undefined,
        keepTopics: values.keepTopics,
        load: { traceSend: deps.traceSend },
        observer: (label) =>
          values.quiet
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
      if (values.json) {
        const profile = result.cpuProfile === undefined ? {} : { profile: result.cpuProfile };
        const clients = result.clients === undefined ? {} : { clients: result.clients };
        stdout.write(`${JSON.stringify({ ...result.figures, ...clients, ...profile })}\n`);
      } else stdout.write(formatBenchResult(result, dir));
      if (values.json) stderr.write(`report: ${dir}\n`);
      return 0;
    },
  };
}
