// `fraudstream bench closed-loop`: its flags declared once, its report written beside the
// backtest engine's (report.json, summary.md and plots of the load run, backtest.json/.md) as
// closed-loop.json and closed-loop.md, and `--json` printing the figures and the days as one object.
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  UsageError,
  commandHelp,
  formatDefault,
  int,
  num,
  optionalFlag,
  readFlags,
  switchFlag,
  flag,
  text,
} from '@fraudstream/settings';
import { DataIoError } from '@fraudstream/simulator';
import { WORKER_SETTINGS } from '@fraudstream/workers';
import { backtestFigures } from '../backtest/backtest-report';
import type { StartWorker } from '../bench/bench-types';
import { defaultKafkaClient } from '../bench/bench-options';
import type { SideFigures } from '../closed-loop/closed-loop-days';
import type { ClosedLoopOptions } from '../closed-loop/closed-loop-options';
import {
  DEFAULT_CLOSED_LOOP_OPTIONS,
  SMOKE_CLOSED_LOOP_OPTIONS,
} from '../closed-loop/closed-loop-options';
import type { ClosedLoopResult } from '../closed-loop/run-closed-loop';
import { runClosedLoop } from '../closed-loop/run-closed-loop';
import { LoadOptionsError } from '../errors';
import { readStackEnv } from '../load/stack-env';
import { stackProcesses } from '../load/stack-processes';
import { renderClosedLoopSummary, targetSentence } from '../report/closed-loop-markdown';
import { renderLoadPlots } from '../report/load-plots';
import { reportDir, writeBacktestReport } from '../report/write-report';
import { loadFigures, withSigint } from './loadgen-command';
import { terminalProgress } from './progress';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const D = DEFAULT_CLOSED_LOOP_OPTIONS;
const S = SMOKE_CLOSED_LOOP_OPTIONS;

/** What the CLI layer injects into `fraudstream bench closed-loop`. */
export interface ClosedLoopCommandDeps {
  /** Starts one scoring worker process. */
  readonly startWorker?: StartWorker;
  /** @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The flags of `fraudstream bench closed-loop`, declared once: parsing and `--help` come from here. */
export const CLOSED_LOOP_FLAGS = {
  smoke: switchFlag(
    'smoke',
    `${S.days} simulated days of ${S.simulation.customers} customers after ${S.backfillDays} backfilled, 1 worker, chargebacks after 1 day (keeps the code working; figures mean little)`,
  ),
  json: switchFlag(
    'json',
    'print the figures and the days as one JSON object on stdout (progress goes to stderr)',
  ),
  out: flag(
    'out',
    text(/\S/, 'a directory'),
    'reports',
    'reports root; writes DIR/closed-loop-<time>/',
  ),
  weeks: optionalFlag(
    'weeks',
    num({ min: 0.1 }),
    `simulated weeks streamed through the fleet, rounded to days (default ${D.days / 7}; smoke ${S.days} days)`,
  ),
  speed: optionalFlag(
    'speed',
    num({ min: 1 }),
    `simulated ms per wall ms (default ${D.speed}: a simulated day in ${DAY_MS / D.speed / 1000} s; smoke ${S.speed})`,
  ),
  workers: optionalFlag(
    'workers',
    int({ min: 1 }),
    `scoring worker processes (default ${D.workers}; smoke ${S.workers})`,
  ),
  backfillDays: optionalFlag(
    'backfill-days',
    int({ min: 0 }),
    `simulated days before the run loaded into the run's feature state, labels included (default ${D.backfillDays}; smoke ${S.backfillDays})`,
  ),
  flaggedLabelHours: flag(
    'flagged-label-hours',
    num({ min: 0.02 }),
    D.flaggedLabelDelayMs / HOUR_MS,
    "simulated hours from a flagged fraud's event to its analyst label on fraud-labels",
  ),
  chargebackDays: optionalFlag(
    'chargeback-days',
    num({ min: 0.001 }),
    `simulated days from a missed fraud's event to its chargeback on fraud-labels (default ${D.chargebackDelayMs / DAY_MS}; smoke ${S.chargebackDelayMs / DAY_MS})`,
  ),
  model: optionalFlag(
    'model',
    text(/\S/, 'a model store or version directory'),
    "the workers' FS_MODEL_DIR and the offline replay's model (default: the closed-loop store, models/closed-loop)",
  ),
  seed: optionalFlag('seed', int({ min: 0 }), "the simulator's seed (default 0)"),
  partitions: optionalFlag(
    'partitions',
    int({ min: 1 }),
    `partitions of the run's transactions and decisions topics (default ${D.partitions})`,
  ),
  brokers: optionalFlag(
    'brokers',
    WORKER_SETTINGS.kafkaBrokers.type,
    `Kafka (default FS_KAFKA_BROKERS or ${formatDefault(WORKER_SETTINGS.kafkaBrokers)})`,
  ),
  keepTopics: switchFlag('keep-topics', "keep the run's topics"),
  quiet: switchFlag('quiet', 'no live progress'),
};

const ABOUT = `Closed-loop benchmark (docs/benchmarks.md, "bench closed-loop"): simulated weeks through a fleet of
its own (fresh topics, group and feature key prefix; the closed-loop model), on the simulator's
clock compressed by --speed, with case management on that clock: flagged frauds labelled after
--flagged-label-hours, missed frauds charged back after --chargeback-days, both on fraud-labels.
Only the days before the run are backfilled: every later label comes through the loop. Reports,
per simulated day, live DECLINE and flagged precision/recall and their running totals beside the
offline replay's with the same label timing, the noise between them, lost and duplicate verdicts,
and the target (DECLINE precision ≥ 50 %, recall ≥ 80 % from the second simulated week on).`;

/** The `--help` text of `fraudstream bench closed-loop`. */
const USAGE = `${commandHelp('fraudstream bench closed-loop [options]', ABOUT, CLOSED_LOOP_FLAGS)}\n`;

function snake(f: SideFigures): Record<string, number | null> {
  return {
    precision: f.precision,
    recall: f.recall,
    decline_precision: f.declinePrecision,
    decline_recall: f.declineRecall,
  };
}

/** The `--json` object: the backtest's headline figures, the labels, the target and every day. */
export function closedLoopJson(r: ClosedLoopResult): Record<string, unknown> {
  const b = r.backtest;
  const t = r.target;
  return {
    scenario: 'closed-loop',
    smoke: r.parameters.smoke,
    ...backtestFigures(b, loadFigures(b.load)),
    workers: r.parameters.workers,
    days: r.days.length,
    speed: r.parameters.speed,
    frauds: b.window.frauds,
    with_verdict: b.load.verdicts.withVerdict,
    labels_review: b.load.labels.sent.ANALYST_REVIEW,
    labels_chargeback: b.load.labels.sent.CHARGEBACK,
    labels_failed: b.load.labels.failed,
    backfilled_transactions: b.backfill?.transactions ?? 0,
    max_late_ms: b.maxLateMs,
    target_met: t.met,
    target_missed_by: t.missedBy,
    target_days_judged: t.judgedDays,
    worst_running_decline_precision: t.worstDeclinePrecision?.value ?? null,
    worst_running_decline_recall: t.worstDeclineRecall?.value ?? null,
    days_within_noise: r.days.filter((d) => d.withinNoise).length,
    per_day: r.days.map((d) => ({
      day: d.day,
      transactions: d.transactions,
      frauds: d.frauds,
      live: snake(d.live),
      offline: snake(d.offline),
      running_live: snake(d.liveTotal),
      running_offline: snake(d.offlineTotal),
      differing: d.differing,
      within_noise: d.withinNoise,
    })),
  };
}

/** Writes the report directory: the backtest's files, closed-loop.json and closed-loop.md. */
export async function writeClosedLoopReport(r: ClosedLoopResult, dir: string): Promise<string[]> {
  const files = await writeBacktestReport(r.backtest, dir, renderLoadPlots);
  const written: string[] = [];
  // The backtest's report is in backtest.json and report.json already.
  const own = { ...r, backtest: undefined, runId: r.backtest.load.runId };
  for (const [name, body] of [
    ['closed-loop.json', `${JSON.stringify(own, null, 2)}\n`],
    ['closed-loop.md', renderClosedLoopSummary(r)],
  ] as const) {
    const file = path.join(dir, name);
    try {
      await writeFile(file, body);
    } catch (error) {
      throw new DataIoError(file, error);
    }
    written.push(file);
  }
  return [...written, ...files];
}

/** `fraudstream bench closed-loop [options]`; resolves to the exit code. */
export function closedLoopBenchmark(
  deps: ClosedLoopCommandDeps = {},
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const stdout = deps.stdout ?? process.stdout;
    const stderr = deps.stderr ?? process.stderr;
    const { values, help } = readFlags(CLOSED_LOOP_FLAGS, argv);
    if (help) {
      stdout.write(USAGE);
      return 0;
    }
    if (deps.startWorker === undefined) {
      throw new UsageError('bench closed-loop needs worker processes');
    }
    const source = deps.env ?? process.env;
    const env = readStackEnv(source);
    const progressSink = values.json ? stderr : stdout;
    const options: ClosedLoopOptions = {
      brokers: values.brokers ?? env.brokers,
      redisUrl: env.redisUrl,
      startWorker: deps.startWorker,
      kafkaClient: defaultKafkaClient(source),
      workers: values.workers,
      days: values.weeks === undefined ? undefined : Math.max(1, Math.round(values.weeks * 7)),
      speed: values.speed,
      backfillDays: values.backfillDays,
      flaggedLabelDelayMs: Math.round(values.flaggedLabelHours * HOUR_MS),
      chargebackDelayMs:
        values.chargebackDays === undefined
          ? undefined
          : Math.round(values.chargebackDays * DAY_MS),
      modelDir: values.model,
      simulation: values.seed === undefined ? undefined : { seed: values.seed },
      partitions: values.partitions,
      smoke: values.smoke,
      keepTopics: values.keepTopics,
      log: values.quiet ? undefined : (line) => stderr.write(`${line}\n`),
      observer: values.quiet
        ? {}
        : terminalProgress(
            { write: (t) => progressSink.write(t), isTTY: progressSink.isTTY === true },
            '[closed-loop]',
          ),
      watchProcesses: () => stackProcesses(source),
    };
    let result: ClosedLoopResult;
    try {
      result = await withSigint((signal) => runClosedLoop({ ...options, signal }));
    } catch (error) {
      if (error instanceof LoadOptionsError) throw new UsageError(error.message);
      throw error;
    }
    const dir = reportDir(values.out, 'closed-loop');
    await writeClosedLoopReport(result, dir);
    if (values.json) {
      stdout.write(`${JSON.stringify(closedLoopJson(result))}\n`);
    } else {
      stdout.write(`\n${renderClosedLoopSummary(result)}\n`);
    }
    stderr.write(`${targetSentence(result).replace(/\*\*/g, '')}\nreport: ${dir}\n`);
    return 0;
  };
}
