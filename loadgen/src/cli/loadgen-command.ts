// `fraudstream loadgen`: stream simulated transactions to the running fleet at a controlled
// rate, show live progress, and write the report (report.json, summary.md, PNG plots).
import {
  UsageError,
  commandHelp,
  flag,
  formatDefault,
  int,
  num,
  oneOf,
  optionalFlag,
  readFlags,
  switchFlag,
  text,
  type CliCommand,
  type SettingValues,
} from '@fraudstream/settings';
import { SIMULATION_SIZE_FLAGS } from '@fraudstream/simulator';
import { WORKER_SETTINGS } from '@fraudstream/workers';
import type { LoadOptions } from '../load/load-options';
import { DEFAULT_LOAD_OPTIONS } from '../load/load-options';
import type { LoadReport } from '../load/load-report';
import type { RateProfile } from '../load/rate-profile';
import { runLoad } from '../load/run-load';
import type { TraceSend } from '../wire/wire-codec';
import { renderLoadPlots } from '../report/load-plots';
import { reportDir, writeLoadReport } from '../report/write-report';
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

/** The flags of `fraudstream loadgen`, declared once: parsing and `--help` come from here. */
export const LOADGEN_FLAGS = {
  rate: optionalFlag(
    'rate',
    num({ min: 0.001 }),
    'constant rate in tx/s (default 50), for --duration or --count; one of --rate, --ramp, --burst',
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

const ABOUT = `Streams simulated transactions to Kafka at a controlled rate, reads the verdicts, plays case
management (FraudLabels back), and writes a report directory (report.json, summary.md, PNGs).`;

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
      const profile = profileFrom(values);
      // Only the simulator parameters given: the simulator's defaults apply to the others.
      const simulation: Record<string, number> = {};
      for (const key of ['seed', 'customers', 'terminals'] as const) {
        if (given.has(key)) simulation[key] = values[key];
      }
      const progressSink = values.json ? stderr : stdout;
      const progress = terminalProgress({
        write: (t) => progressSink.write(t),
        isTTY: progressSink.isTTY === true,
      });
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
      const controller = new AbortController();
      const onSigint = (): void => controller.abort('SIGINT');
      process.once('SIGINT', onSigint);
      let report: LoadReport;
      try {
        report = await runLoad(
          { ...options, signal: controller.signal },
          values.quiet ? {} : progress,
        );
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
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
