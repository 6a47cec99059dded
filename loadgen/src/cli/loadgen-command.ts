// `fraudstream loadgen`: stream simulated transactions to the running fleet at a controlled
// rate, show live progress, and write the report (report.json, summary.md, PNG plots).
import {
  UsageError,
  commandHelp,
  flag,
  formatDefault,
  int,
  isoDate,
  num,
  oneOf,
  optionalFlag,
  readFlags,
  readSettings,
  switchFlag,
  text,
  type CliCommand,
  type SettingValues,
} from '@fraudstream/settings';
import { SIMULATION_SIZE_FLAGS } from '@fraudstream/simulator';
import { MODEL_SETTINGS } from '@fraudstream/models';
import { WORKER_SETTINGS } from '@fraudstream/workers';
import type { BacktestOptions } from '../backtest/backtest-options';
import { DEFAULT_BACKTEST_OPTIONS } from '../backtest/backtest-options';
import { backtestFigures } from '../backtest/backtest-report';
import { renderBacktestSummary } from '../report/backtest-summary-markdown';
import { csvTransactionSource } from '../backtest/transaction-source';
import type { LoadOptions } from '../load/load-options';
import { DEFAULT_LOAD_OPTIONS } from '../load/load-options';
import type { LoadReport } from '../load/load-report';
import type { RateProfile } from '../load/rate-profile';
import { runLoad } from '../load/run-load';
import type { TraceSend } from '../wire/wire-codec';
import { renderLoadPlots } from '../report/load-plots';
import { reportDir, writeBacktestReport, writeLoadReport } from '../report/write-report';
import { burstShape, rampSteps } from './cli-args';
import { readStackEnv } from '../load/stack-env';
import { stackProcesses } from '../load/stack-processes';
import { loadSummaryLines, terminalProgress } from './progress';

/** What the CLI layer injects into `fraudstream loadgen`. */
export interface LoadgenCommandDeps {
  /** Trace context per transaction (a producer span from the CLI's tracer). @defaultValue a random traceparent header */
  readonly traceSend?: TraceSend;
  /** @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where progress and results are printed. @defaultValue process.stdout / process.stderr */
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const DAY_MS = 86_400_000;

/** The flags of `fraudstream loadgen`, declared once: parsing and `--help` come from here. */
export const LOADGEN_FLAGS = {
  rate: optionalFlag(
    'rate',
    num({ min: 0.001 }),
    'constant rate in tx/s (default 50), for --duration or --count; one of --rate, --ramp, --burst; with --data, rows a second instead of --speed',
  ),
  ramp: optionalFlag('ramp', rampSteps(), 'stepped ramp, e.g. 500:30,1000:30,2000:30'),
  burst: optionalFlag(
    'burst',
    burstShape(),
    'steady BASE tx/s, ×FACTOR from START_S s for LENGTH_S s (with --duration)',
  ),
  duration: optionalFlag(
    'duration',
    num({ min: 0.001 }),
    'seconds of traffic (default 60 unless --count; a ramp lasts the sum of its steps)',
  ),
  count: optionalFlag('count', int({ min: 1 }), 'stop after N transactions'),
  seed: SIMULATION_SIZE_FLAGS.seed,
  customers: SIMULATION_SIZE_FLAGS.customers,
  terminals: SIMULATION_SIZE_FLAGS.terminals,
  skipDays: flag(
    'skip-days',
    int({ min: 0 }),
    DEFAULT_LOAD_OPTIONS.skipDays,
    'simulated days skipped first (frauds build up)',
  ),
  eventTime: flag(
    'event-time',
    oneOf(['now', 'simulated'] as const),
    DEFAULT_LOAD_OPTIONS.eventTime,
    're-stamp event times to now, or keep the simulated 2018 time line',
  ),
  flaggedLabelDelayMs: flag(
    'flagged-label-delay-ms',
    num({ min: 0 }),
    DEFAULT_LOAD_OPTIONS.flaggedLabelDelayMs,
    'label delay for flagged frauds, ms',
  ),
  chargebackDelayMs: flag(
    'chargeback-delay-ms',
    num({ min: 0 }),
    DEFAULT_LOAD_OPTIONS.chargebackDelayMs,
    'label delay for missed frauds, ms',
  ),
  noLabels: switchFlag('no-labels', 'send no FraudLabels'),
  data: optionalFlag(
    'data',
    text(/\S/, 'a CSV file'),
    'backtest: replay a labelled CSV (the layout of train/evaluate) through the fleet on its own clock, against the offline replay (docs/backtest.md)',
  ),
  speed: optionalFlag(
    'speed',
    num({ min: 0.001 }),
    'with --data: replayed time per wall time (1440 = a day a minute; the default unless --rate)',
  ),
  from: optionalFlag(
    'from',
    isoDate(),
    "with --data: first replayed day, UTC (default the file's first day + --backfill-days)",
  ),
  to: optionalFlag('to', isoDate(), 'with --data: last replayed day, UTC, included'),
  backfillDays: flag(
    'backfill-days',
    int({ min: 0 }),
    DEFAULT_BACKTEST_OPTIONS.backfillDays,
    'with --data: backfill this many days before the window first (as `fraudstream backfill`)',
  ),
  flaggedLabelDays: flag(
    'flagged-label-days',
    num({ min: 0.001 }),
    DEFAULT_BACKTEST_OPTIONS.flaggedLabelDelayMs / DAY_MS,
    "with --data: a flagged fraud's label, simulated days after its event",
  ),
  chargebackDays: flag(
    'chargeback-days',
    num({ min: 0.001 }),
    DEFAULT_BACKTEST_OPTIONS.chargebackDelayMs / DAY_MS,
    "with --data: a missed fraud's chargeback, simulated days after its event",
  ),
  model: optionalFlag(
    'model',
    text(/\S/, 'a directory'),
    `with --data: the model the workers run, for the offline side (default ${MODEL_SETTINGS.modelDir.name}, else the default model)`,
  ),
  graceSeconds: flag(
    'grace-seconds',
    num({ min: 0 }),
    DEFAULT_LOAD_OPTIONS.graceMs / 1000,
    'wait for missing verdicts after the last send, s',
  ),
  brokers: optionalFlag(
    'brokers',
    WORKER_SETTINGS.kafkaBrokers.type,
    `Kafka (default FS_KAFKA_BROKERS or ${formatDefault(WORKER_SETTINGS.kafkaBrokers)}; topics: FS_TOPIC_*)`,
  ),
  group: optionalFlag(
    'group',
    text(/\S/, 'a consumer group id'),
    `worker consumer group, for lag (default FS_CONSUMER_GROUP or ${formatDefault(WORKER_SETTINGS.consumerGroup)})`,
  ),
  out: flag(
    'out',
    text(/\S/, 'a directory'),
    'reports',
    'reports root; the run writes DIR/loadgen-<time>/',
  ),
  json: switchFlag('json', 'print the figures as one JSON object on stdout'),
  quiet: switchFlag('quiet', 'no live progress'),
};

/** Flags of the simulator's stream and of the backtest: a run takes one set or the other. */
const SIMULATION_ONLY = [
  'ramp',
  'burst',
  'duration',
  'count',
  'seed',
  'customers',
  'terminals',
  'skipDays',
  'eventTime',
  'flaggedLabelDelayMs',
  'chargebackDelayMs',
  'noLabels',
] as const;
const BACKTEST_ONLY = [
  'speed',
  'from',
  'to',
  'backfillDays',
  'flaggedLabelDays',
  'chargebackDays',
  'model',
] as const;

const ABOUT = `Streams simulated transactions to Kafka at a controlled rate, reads the verdicts, plays case
management (FraudLabels back), and writes a report directory (report.json, summary.md, PNGs).
With --data FILE.csv it backtests instead: the file's transactions go to the fleet on the file's
own clock (compressed by --speed, or at --rate), case management plays on that clock, and the
live figures are set beside the offline replay's for the same window (backtest.md).`;

/** Headline figures of a load run, as `--json` prints them. */
export function loadFigures(r: LoadReport): Record<string, number | string | null> {
  return {
    run_id: r.runId,
    rate_tps: r.sending.achievedTps,
    target_tps: r.sending.targetTps,
    sent: r.sending.sent,
    p50_ms: r.latency.p50Ms,
    p95_ms: r.latency.p95Ms,
    p99_ms: r.latency.p99Ms,
    p999_ms: r.latency.p999Ms,
    max_ms: r.latency.maxMs,
    within_100ms_share: r.latency.withinBudgetShare,
    lost: r.verdicts.lost,
    duplicates: r.verdicts.duplicates,
    dead_letters: r.verdicts.deadLetters,
    precision: r.quality.precision,
    recall: r.quality.recall,
    decline_precision: r.quality.declinePrecision,
    decline_recall: r.quality.declineRecall,
  };
}

function profileFrom(values: SettingValues<typeof LOADGEN_FLAGS>): RateProfile {
  const given = [values.rate, values.ramp, values.burst].filter((v) => v !== undefined).length;
  if (given > 1) throw new UsageError('give one of --rate, --ramp and --burst');
  if (values.ramp !== undefined) return { kind: 'ramp', steps: values.ramp };
  if (values.burst !== undefined) return { kind: 'burst', ...values.burst };
  return { kind: 'constant', tps: values.rate ?? 50 };
}

/** Runs `body` with a signal that Ctrl-C aborts (the run then finishes and reports). */
export async function withSigint<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort('SIGINT');
  process.once('SIGINT', onSigint);
  try {
    return await body(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** The `fraudstream loadgen` command, with the CLI layer's injected pieces. */
export function loadgenCommand(deps: LoadgenCommandDeps = {}): CliCommand {
  return {
    name: 'loadgen',
    summary: 'stream simulated transactions at a controlled rate and measure end-to-end latency',
    async run(argv: string[]): Promise<number> {
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      const { values, given, help } = readFlags(LOADGEN_FLAGS, argv);
      if (help) {
        stdout.write(`${commandHelp('fraudstream loadgen [options]', ABOUT, LOADGEN_FLAGS)}\n`);
        return 0;
      }
      const env = readStackEnv(deps.env ?? process.env);
      const stack = stackProcesses(deps.env ?? process.env);
      const progressSink = values.json ? stderr : stdout;
      const progress = terminalProgress({
        write: (t) => progressSink.write(t),
        isTTY: progressSink.isTTY === true,
      });
      const data = values.data;
      const wrong = (data === undefined ? BACKTEST_ONLY : SIMULATION_ONLY).filter((k) =>
        given.has(k),
      );
      if (wrong.length > 0) {
        const names = wrong.map((k) => LOADGEN_FLAGS[k].name).join(', ');
        throw new UsageError(
          data === undefined ? `${names}: only with --data` : `${names}: not with --data`,
        );
      }
      if (data !== undefined) {
        if (values.rate !== undefined && values.speed !== undefined) {
          throw new UsageError('give one of --speed and --rate');
        }
        const models = readSettings(MODEL_SETTINGS, deps.env ?? process.env);
        const options: BacktestOptions = {
          brokers: values.brokers ?? env.brokers,
          kafkaClient: env.kafkaClient,
          kafkaSecurity: env.kafkaSecurity,
          topics: env.topics,
          source: csvTransactionSource(data),
          pace:
            values.rate !== undefined
              ? { kind: 'rate', tps: values.rate }
              : { kind: 'speed', speed: values.speed ?? 1440 },
          fromMs: values.from === undefined ? undefined : Date.parse(`${values.from}T00:00:00Z`),
          toMs: values.to === undefined ? undefined : Date.parse(`${values.to}T00:00:00Z`) + DAY_MS,
          backfillDays: values.backfillDays,
          flaggedLabelDelayMs: Math.round(values.flaggedLabelDays * DAY_MS),
          chargebackDelayMs: Math.round(values.chargebackDays * DAY_MS),
          modelDir: values.model ?? models.modelDir,
          featureState: { redisUrl: env.redisUrl, keyPrefix: models.featureKeyPrefix },
          graceMs: values.graceSeconds * 1000,
          workerGroupId: values.group ?? env.workerGroupId,
          watchProcesses: () => stack,
          traceSend: deps.traceSend,
        };
        const { runBacktest } = await import('../backtest/run-backtest');
        const report = await withSigint((signal) =>
          runBacktest({ ...options, signal }, values.quiet ? {} : progress),
        );
        const dir = reportDir(values.out, 'backtest');
        const files = await writeBacktestReport(report, dir, renderLoadPlots);
        if (values.json) {
          stdout.write(`${JSON.stringify(backtestFigures(report, loadFigures(report.load)))}\n`);
        } else {
          stdout.write(`\n${renderBacktestSummary(report)}\n`);
        }
        stderr.write(`report: ${dir} (${files.length} files)\n`);
        return 0;
      }
      const profile = profileFrom(values);
      // Only the simulator parameters given: the simulator's defaults apply to the others.
      const simulation: Record<string, number> = {};
      for (const key of ['seed', 'customers', 'terminals'] as const) {
        if (given.has(key)) simulation[key] = values[key];
      }
      const options: LoadOptions = {
        brokers: values.brokers ?? env.brokers,
        kafkaClient: env.kafkaClient,
        kafkaSecurity: env.kafkaSecurity,
        topics: env.topics,
        profile,
        durationMs:
          profile.kind === 'ramp'
            ? undefined
            : values.duration !== undefined
              ? values.duration * 1000
              : values.count === undefined
                ? 60_000
                : undefined,
        count: values.count,
        simulation,
        skipDays: values.skipDays,
        eventTime: values.eventTime,
        labels: !values.noLabels,
        flaggedLabelDelayMs: values.flaggedLabelDelayMs,
        chargebackDelayMs: values.chargebackDelayMs,
        graceMs: values.graceSeconds * 1000,
        workerGroupId: values.group ?? env.workerGroupId,
        watchProcesses: () => stack,
        traceSend: deps.traceSend,
      };
      const report = await withSigint((signal) =>
        runLoad({ ...options, signal }, values.quiet ? {} : progress),
      );
      const dir = reportDir(values.out, 'loadgen');
      const files = await writeLoadReport(report, dir, renderLoadPlots);
      if (values.json) {
        stdout.write(`${JSON.stringify(loadFigures(report))}\n`);
      } else {
        stdout.write(`\n${loadSummaryLines(report).join('\n')}\n`);
      }
      stderr.write(`report: ${dir} (${files.length} files)\n`);
      return 0;
    },
  };
}
