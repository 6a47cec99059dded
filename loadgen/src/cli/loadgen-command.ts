// `fraudstream loadgen`: stream simulated transactions to the running fleet at a controlled
// rate, show live progress, and write the report (report.json, summary.md, PNG plots).
import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import type { LoadOptions } from '../load/load-options';
import { DEFAULT_LOAD_OPTIONS } from '../load/load-options';
import type { LoadReport } from '../load/load-report';
import type { RateProfile } from '../load/rate-profile';
import { runLoad } from '../load/run-load';
import type { TraceSend } from '../load/wire-codec';
import { renderLoadPlots } from '../report/load-plots';
import { reportDir, writeLoadReport } from '../report/write-report';
import { numberFlag, parseBurst, parseRamp } from './cli-args';
import type { LoadgenCliCommand } from './cli-command';
import { parseBrokers, readCliEnv } from './cli-env';
import { stackProcesses } from './stack-processes';
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

const USAGE = `usage: fraudstream loadgen [options]

Streams simulated transactions to Kafka at a controlled rate, reads the verdicts, plays case
management (FraudLabels back), and writes a report directory (report.json, summary.md, PNGs).

rate (one of):
  --rate TPS                  constant rate (default 50), for --duration or --count
  --ramp TPS:S,TPS:S,...      stepped ramp, e.g. 500:30,1000:30,2000:30
  --burst BASE:FACTOR:AT:LEN  steady BASE tx/s, ×FACTOR from AT s for LEN s (with --duration)
length:
  --duration SECONDS          default 60 (a ramp lasts the sum of its steps)
  --count N                   stop after N transactions
simulation and case management:
  --seed N --customers N --terminals N   simulator parameters (docs/simulator.md)
  --skip-days N               simulated days skipped first (default ${DEFAULT_LOAD_OPTIONS.skipDays}: frauds build up)
  --event-time now|simulated  re-stamp event times to now (default) or keep the 2018 time line
  --flagged-label-delay-ms N  label delay for flagged frauds (default ${DEFAULT_LOAD_OPTIONS.flaggedLabelDelayMs})
  --chargeback-delay-ms N     label delay for missed frauds (default ${DEFAULT_LOAD_OPTIONS.chargebackDelayMs})
  --no-labels                 send no FraudLabels
run:
  --grace-seconds N           wait for missing verdicts after the last send (default ${DEFAULT_LOAD_OPTIONS.graceMs / 1000})
  --brokers H:P[,H:P]         default FS_KAFKA_BROKERS or 127.0.0.1:19092 (topics: FS_TOPIC_*)
  --group ID                  worker consumer group for lag (default FS_CONSUMER_GROUP or fraudstream-scoring)
  --out DIR                   reports root (default reports); the run writes DIR/loadgen-<time>/
  --json                      print the figures as one JSON object on stdout
  --quiet                     no live progress
`;

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

function profileFrom(values: { rate?: string; ramp?: string; burst?: string }): RateProfile {
  const given = [values.rate, values.ramp, values.burst].filter((v) => v !== undefined).length;
  if (given > 1) throw new UsageError('give one of --rate, --ramp and --burst');
  if (values.ramp !== undefined) return { kind: 'ramp', steps: parseRamp('ramp', values.ramp) };
  if (values.burst !== undefined) return { kind: 'burst', ...parseBurst('burst', values.burst) };
  return {
    kind: 'constant',
    tps: values.rate === undefined ? 50 : numberFlag('rate', values.rate, 0.001),
  };
}

/** The `fraudstream loadgen` command, with the CLI layer's injected pieces. */
export function loadgenCommand(deps: LoadgenCommandDeps = {}): LoadgenCliCommand {
  return {
    name: 'loadgen',
    summary: 'stream simulated transactions at a controlled rate and measure end-to-end latency',
    async run(argv: string[]): Promise<number> {
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      const { values } = parseArgs({
        args: argv,
        options: {
          rate: { type: 'string' },
          ramp: { type: 'string' },
          burst: { type: 'string' },
          duration: { type: 'string' },
          count: { type: 'string' },
          seed: { type: 'string' },
          customers: { type: 'string' },
          terminals: { type: 'string' },
          'skip-days': { type: 'string' },
          'event-time': { type: 'string' },
          'flagged-label-delay-ms': { type: 'string' },
          'chargeback-delay-ms': { type: 'string' },
          'no-labels': { type: 'boolean' },
          'grace-seconds': { type: 'string' },
          brokers: { type: 'string' },
          group: { type: 'string' },
          out: { type: 'string' },
          json: { type: 'boolean' },
          quiet: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      });
      if (values.help === true) {
        stdout.write(USAGE);
        return 0;
      }
      const env = readCliEnv(deps.env ?? process.env);
      const stack = stackProcesses(deps.env ?? process.env);
      const profile = profileFrom(values);
      const eventTime = values['event-time'];
      if (eventTime !== undefined && eventTime !== 'now' && eventTime !== 'simulated') {
        throw new UsageError(`--event-time: expected now or simulated, got "${eventTime}"`);
      }
      const simulation: Record<string, number> = {};
      for (const key of ['seed', 'customers', 'terminals'] as const) {
        const raw = values[key];
        if (raw !== undefined) simulation[key] = numberFlag(key, raw, key === 'seed' ? 0 : 1, true);
      }
      const num = (flag: keyof typeof values, min: number, scale = 1): number | undefined => {
        const raw = values[flag];
        return typeof raw === 'string' ? numberFlag(flag, raw, min) * scale : undefined;
      };
      const progressSink = values.json === true ? stderr : stdout;
      const progress = terminalProgress({
        write: (t) => progressSink.write(t),
        isTTY: progressSink.isTTY === true,
      });
      const options: LoadOptions = {
        brokers:
          values.brokers === undefined ? env.brokers : parseBrokers('--brokers', values.brokers),
        topics: env.topics,
        profile,
        durationMs:
          profile.kind === 'ramp'
            ? undefined
            : (num('duration', 0.001, 1000) ?? (values.count === undefined ? 60_000 : undefined)),
        count: values.count === undefined ? undefined : numberFlag('count', values.count, 1, true),
        simulation,
        skipDays:
          values['skip-days'] === undefined
            ? undefined
            : numberFlag('skip-days', values['skip-days'], 0, true),
        eventTime,
        labels: values['no-labels'] !== true,
        flaggedLabelDelayMs: num('flagged-label-delay-ms', 0),
        chargebackDelayMs: num('chargeback-delay-ms', 0),
        graceMs: num('grace-seconds', 0, 1000),
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
          values.quiet === true ? {} : progress,
        );
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      const dir = reportDir(values.out ?? 'reports', 'loadgen');
      const files = await writeLoadReport(report, dir, renderLoadPlots);
      if (values.json === true) {
        stdout.write(`${JSON.stringify(loadFigures(report))}\n`);
      } else {
        stdout.write(`\n${loadSummaryLines(report).join('\n')}\n`);
      }
      stderr.write(`report: ${dir} (${files.length} files)\n`);
      return 0;
    },
  };
}
