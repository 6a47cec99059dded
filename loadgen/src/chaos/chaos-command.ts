// `fraudstream bench chaos`: the fault-injection benchmark, its flags declared once, its report
// written like the other benchmarks' (report.json + summary.md through writeBenchReport, plus
// chaos.json with every fault's actions), and `--json` printing the figures as one object.
import * as path from 'node:path';
import { writeFile } from 'node:fs/promises';
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
  readSettings,
  switchFlag,
  text,
} from '@fraudstream/settings';
import { WORKER_SETTINGS } from '@fraudstream/workers';
import { KAFKA_CLIENT_NAMES } from '@fraudstream/workers/kafka';
import { defaultKafkaClient } from '../bench/bench-options';
import { DataIoError } from '@fraudstream/simulator';
import type { BenchResult, BenchTable, ScenarioFigures } from '../bench/bench-result';
import type { StartWorker } from '../bench/bench-types';
import { LoadOptionsError } from '../errors';
import { readStackEnv } from '../load/stack-env';
import { reportDir, writeBenchReport } from '../report/write-report';
import type { ChaosFigures } from './chaos-figures';
import type { ChaosOptions } from './chaos-options';
import { DEFAULT_FAULTS, FAULT_KINDS, GROUP_PROTOCOLS } from './chaos-options';
import type { ChaosClientRun, ChaosResult } from './run-chaos';
import { runChaos } from './run-chaos';

/** What the CLI layer injects into `fraudstream bench chaos`. */
export interface ChaosCommandDeps {
  /** Starts one worker process (it must report its pid). */
  readonly startWorker?: StartWorker;
  /** @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

/** The flags of `fraudstream bench chaos`, declared once: parsing and `--help` come from here. */
export const CHAOS_FLAGS = {
  smoke: switchFlag('smoke', 'shrink every duration to seconds (figures mean nothing)'),
  json: switchFlag('json', 'print the figures as one JSON object on stdout (steps go to stderr)'),
  out: flag('out', text(/\S/, 'a directory'), 'reports', 'reports root; writes DIR/chaos-<time>/'),
  rate: flag('rate', num({ min: 0.001 }), 100, 'steady rate, tx/s'),
  workers: flag('workers', int({ min: 1 }), 3, 'worker processes'),
  faults: flag(
    'faults',
    list(oneOf(FAULT_KINDS), `${FAULT_KINDS.join(', ')}, comma-separated`),
    [...DEFAULT_FAULTS],
    'the faults, in order, each followed by a quiet period',
  ),
  clients: optionalFlag(
    'clients',
    list(oneOf(KAFKA_CLIENT_NAMES), `${KAFKA_CLIENT_NAMES.join(' or ')}, comma-separated`),
    "the workers' Kafka clients (FS_KAFKA_CLIENT): the whole sequence runs once per client (default FS_KAFKA_CLIENT or kafkajs)",
  ),
  sessionTimeoutMs: flag(
    'session-timeout-ms',
    int({ min: 1 }),
    6000,
    "the workers' FS_SESSION_TIMEOUT_MS",
  ),
  heartbeatIntervalMs: optionalFlag(
    'heartbeat-interval-ms',
    int({ min: 1 }),
    "the workers' FS_HEARTBEAT_INTERVAL_MS (default 1000, at most a third of the session timeout)",
  ),
  staticMembership: switchFlag(
    'static-membership',
    'FS_GROUP_INSTANCE_ID=<group>-<slot> per worker slot, kept by its replacements (librdkafka runs only; refused with kafkajs alone)',
  ),
  groupProtocol: flag(
    'group-protocol',
    oneOf(GROUP_PROTOCOLS),
    'classic',
    "the workers' FS_KAFKA_GROUP_PROTOCOL (consumer: librdkafka runs only; refused with kafkajs alone)",
  ),
  stopSeconds: optionalFlag(
    'stop-seconds',
    num({ min: 0.001 }),
    'stop: how long the worker stays stopped (default: session timeout + 4 s, smoke + 1 s)',
  ),
  partitions: optionalFlag(
    'partitions',
    int({ min: 1 }),
    'partitions of the run topics (default 12)',
  ),
  brokers: optionalFlag(
    'brokers',
    WORKER_SETTINGS.kafkaBrokers.type,
    `Kafka (default FS_KAFKA_BROKERS or ${formatDefault(WORKER_SETTINGS.kafkaBrokers)})`,
  ),
  exactlyOnce: switchFlag(
    'exactly-once',
    'run the workers with FS_EXACTLY_ONCE=true (Kafka transactions; default: FS_EXACTLY_ONCE of the environment)',
  ),
  keepTopics: switchFlag('keep-topics', "keep each run's topics"),
  quiet: switchFlag('quiet', 'no step lines on stderr'),
};

const ABOUT = `Fault-injection benchmark (docs/benchmarks.md, "bench chaos"): a steady load on N worker
processes while faults are injected one after the other, quiet load between them. Faults:
  kill          SIGKILL one worker; its replacement starts when the window ends
  kill-restart  SIGKILL one worker and start its replacement at once (same slot, same instance id)
  rolling       replace every worker in turn: start the new one, wait for /readyz, SIGTERM the old
  stop          SIGSTOP one worker past the session timeout, then SIGCONT (a zombie)
  broker-kill   SIGKILL a Kafka node of the local stack, restart it (stack.sh up), wait until it answers
  redis-stop    SIGSTOP the local stack's Redis for 10 s, then SIGCONT
  redis-kill    SIGKILL the local stack's Redis, restart it (stack.sh up)
  redis-oom     squeeze Redis's maxmemory below its use (writes fail with OOM) for 20 s, then restore it
  poison        send malformed records beside the load (random bytes, wrong magic byte, unknown
                schema id, empty value, undecodable body, over FS_MAX_RECORD_BYTES): each must get
                exactly one dead letter of its reason
  bad-model     publish a corrupt model version (weights altered, manifest unchanged) to the
                workers' model store (a copy of FS_MODEL_DIR's current version) for 20 s: refused,
                the good version keeps scoring every verdict
  redis-failover  SIGKILL the Redis primary while the stack's sentinels run (stack.sh up --with
                sentinel): they promote the replica, the old primary restarts and rejoins as a
                replica; skipped, with a note in the report, when no sentinel runs
Stack faults act on the local stack in FRAUDSTREAM_HOME (default: the repository's .fraudstream),
which must be the Kafka and Redis of FS_KAFKA_BROKERS and FS_REDIS_URL; a fault that cannot be
undone fails the run. Figures come from the load generator's own ledger: stall, late, lost and
duplicated verdicts per fault, dead letters by reason, verdicts by model version.`;

/** The `--help` text of `fraudstream bench chaos`. */
const USAGE = `${commandHelp('fraudstream bench chaos [options]', ABOUT, CHAOS_FLAGS)}\n`;

/** The `--json` object of one client's run. */
export function chaosJson(run: ChaosClientRun): Record<string, unknown> {
  const f = run.figures;
  return {
    static_membership: run.staticMembership,
    group_protocol: run.groupProtocol,
    exactly_once: run.exactlyOnce,
    ...f,
    faults: f.faults.map((x) => ({
      name: x.name,
      kind: x.kind,
      stall_s: x.stall_s,
      stall_censored: x.stall_censored,
      ...(x.note === undefined ? {} : { note: x.note }),
      stalled_partitions: x.stalled_partitions,
      sent: x.sent,
      over_100ms: x.over_100ms,
      over_1s: x.over_1s,
      lost: x.lost,
      duplicates: x.duplicates,
      duplicates_identical: x.duplicates_identical,
      dead_letters: x.dead_letters,
      dead_letters_by_reason: x.dead_letters_by_reason,
      valid_dead_letters: x.valid_dead_letters,
      poison: x.poison,
      model_versions: x.model_versions,
      unexpected_model_verdicts: x.unexpected_model_verdicts,
      observed: x.observed,
      within_100ms_share: x.within_100ms_share,
    })),
    send_failures: run.sendFailures,
    resends: run.resends,
    worker_exits: run.workerExits.length,
    stopped_early: run.stoppedEarly,
  };
}

/** The `--json` object of a chaos result: the first client's figures, and each under `clients`. */
export function chaosResultJson(result: ChaosResult): Record<string, unknown> {
  const [first] = result.runs;
  const head = first === undefined ? {} : chaosJson(first);
  const clients =
    result.runs.length > 1
      ? { clients: Object.fromEntries(result.runs.map((r) => [r.client, chaosJson(r)])) }
      : {};
  return { scenario: 'chaos', smoke: result.parameters.smoke === true, ...head, ...clients };
}

function scalarFigures(run: ChaosClientRun, rateTps: number): ScenarioFigures {
  const f: ChaosFigures = run.figures;
  return {
    rate_tps: rateTps,
    p50_ms: f.p50_ms,
    p95_ms: f.p95_ms,
    p99_ms: f.p99_ms,
    p999_ms: f.p999_ms,
    max_ms: f.max_ms,
    within_100ms_share: f.within_100ms_share,
    within_100ms_share_in_faults: f.within_100ms_share_in_faults,
    within_100ms_share_outside_faults: f.within_100ms_share_outside_faults,
    sent: f.sent,
    lost: f.lost,
    duplicates: f.duplicates,
    duplicates_identical: f.duplicates_identical,
    dead_letters: f.dead_letters,
    valid_dead_letters: f.valid_dead_letters,
    poison_injected: f.poison.injected,
    poison_not_as_expected: f.poison.flagged.length,
    unexpected_model_verdicts: f.unexpected_model_verdicts,
    exactly_once: run.exactlyOnce,
    every_transaction_once: f.every_transaction_once,
    longest_stall_s: Math.max(0, ...f.faults.map((x) => x.stall_s)),
  };
}

const fixed = (x: number | null, digits: number): string => (x === null ? '–' : x.toFixed(digits));

function faultTable(run: ChaosClientRun): BenchTable {
  return {
    title: `Faults, ${run.client}`,
    columns: [
      'fault',
      'start s',
      'length s',
      'recovery s',
      'stall s',
      'stalled partitions',
      'sent',
      '> 100 ms',
      '> 1 s',
      'lost',
      'duplicates',
      'identical',
      'dead letters',
      'poison as expected',
      'other model',
      'within 100 ms',
    ],
    rows: run.figures.faults.map((x) => [
      x.name,
      fixed(x.start_s, 1),
      fixed(x.length_s, 1),
      fixed(x.recovery_s, 1),
      `${fixed(x.stall_s, 2)}${x.stall_censored ? '+' : ''}`,
      String(x.stalled_partitions),
      String(x.sent),
      String(x.over_100ms),
      String(x.over_1s),
      String(x.lost),
      String(x.duplicates),
      x.duplicates === 0 ? '–' : x.duplicates_identical ? 'yes' : 'no',
      Object.entries(x.dead_letters_by_reason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '0',
      x.poison.injected === 0 ? '–' : `${x.poison.dead_lettered_as_expected}/${x.poison.injected}`,
      x.unexpected_model_verdicts === null ? '–' : String(x.unexpected_model_verdicts),
      x.within_100ms_share === null ? '–' : `${(x.within_100ms_share * 100).toFixed(2)} %`,
    ]),
    notes: [
      'stall: the longest a partition had records waiting and no verdict after one of the fault’s actions; "+" when it never got one again before the run ended',
      'length: from the first action to the end of the last step; recovery: from there until no transaction was waiting longer than 100 ms (the backlog counts against the fault, not the quiet time after it)',
      'sent, > 100 ms, > 1 s, lost, duplicates: transactions handed over during the window (its recovery included), or found in flight by it',
      'dead letters: of the window’s transactions and of the poison records it injected, by reason; poison as expected: injected records with exactly one dead letter of their reason',
      'other model: verdicts of the window scored by another model version than the run’s own (– when the run does not control the model store)',
      ...run.figures.faults.flatMap((x) => (x.note === undefined ? [] : [`${x.name}: ${x.note}`])),
    ],
  };
}

/** The chaos result in the benchmarks' report shape (figures of the first client, a table each). */
export function chaosBenchResult(result: ChaosResult): BenchResult {
  const rate = Number(result.parameters.rate_tps);
  const [first] = result.runs;
  const empty: ScenarioFigures = {
    rate_tps: rate,
    p50_ms: null,
    p95_ms: null,
    p99_ms: null,
    p999_ms: null,
    max_ms: null,
    within_100ms_share: null,
    lost: 0,
    duplicates: 0,
    dead_letters: 0,
  };
  const figures = first === undefined ? empty : scalarFigures(first, rate);
  return {
    kind: 'fraudstream.bench-result',
    version: 1,
    scenario: 'chaos',
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    machine: result.machine,
    parameters: result.parameters,
    figures: { scenario: 'chaos', smoke: result.parameters.smoke === true, ...figures },
    ...(result.runs.length > 1
      ? { clients: Object.fromEntries(result.runs.map((r) => [r.client, scalarFigures(r, rate)])) }
      : {}),
    targets: [],
    limits: result.runs
      .filter((r) => r.stoppedEarly !== null)
      .map((r) => `${r.client}: the fault sequence stopped early (${r.stoppedEarly ?? ''})`),
    tables: result.runs.map(faultTable),
    runs: [],
  };
}

/** Writes the report directory: report.json, summary.md (the benchmarks' writer) and chaos.json. */
export async function writeChaosReport(result: ChaosResult, dir: string): Promise<string[]> {
  const files = await writeBenchReport(chaosBenchResult(result), dir);
  const file = path.join(dir, 'chaos.json');
  try {
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    throw new DataIoError(file, error);
  }
  return [...files, file];
}

/** `fraudstream bench chaos [options]`; resolves to the exit code. */
export function chaosBenchmark(deps: ChaosCommandDeps = {}): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const stdout = deps.stdout ?? process.stdout;
    const stderr = deps.stderr ?? process.stderr;
    const { values, help } = readFlags(CHAOS_FLAGS, argv);
    if (help) {
      stdout.write(USAGE);
      return 0;
    }
    if (deps.startWorker === undefined) throw new UsageError('bench chaos needs worker processes');
    const source = deps.env ?? process.env;
    const env = readStackEnv(source);
    const worker = readSettings(
      { maxRecordBytes: WORKER_SETTINGS.maxRecordBytes, modelDir: WORKER_SETTINGS.modelDir },
      source,
    );
    const options: ChaosOptions = {
      brokers: values.brokers ?? env.brokers,
      startWorker: deps.startWorker,
      rateTps: values.rate,
      workers: values.workers,
      faults: values.faults,
      // The workers' own FS_EXACTLY_ONCE unless the flag asks for transactions.
      exactlyOnce: values.exactlyOnce || env.exactlyOnce,
      redisUrl: env.redisUrl,
      stackEnv: source,
      // The workers' own FS_KAFKA_CLIENT, as the other benchmarks default to.
      clients: values.clients ?? [defaultKafkaClient(source)],
      sessionTimeoutMs: values.sessionTimeoutMs,
      heartbeatIntervalMs: values.heartbeatIntervalMs,
      staticMembership: values.staticMembership,
      groupProtocol: values.groupProtocol,
      stopMs: values.stopSeconds === undefined ? undefined : Math.round(values.stopSeconds * 1000),
      partitions: values.partitions,
      // The workers' own limit and model, as the rest of their environment.
      maxRecordBytes: worker.maxRecordBytes,
      modelStore: worker.modelDir,
      smoke: values.smoke,
      keepTopics: values.keepTopics,
      log: values.quiet ? undefined : (line) => stderr.write(`${line}\n`),
    };
    // With kafkajs alone these would change nothing; beside librdkafka they apply to its runs.
    const librdkafka = (options.clients ?? []).includes('librdkafka');
    if (!librdkafka && values.staticMembership) {
      throw new UsageError(
        '--static-membership: librdkafka only (kafkajs has no static membership); add --clients librdkafka',
      );
    }
    if (!librdkafka && values.groupProtocol === 'consumer') {
      throw new UsageError(
        '--group-protocol consumer: librdkafka only (kafkajs speaks the classic protocol); add --clients librdkafka',
      );
    }
    const controller = new AbortController();
    const onSigint = (): void => {
      stderr.write('stopping: the current fault ends and what was measured is reported\n');
      controller.abort('SIGINT');
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    let result: ChaosResult;
    try {
      result = await runChaos({ ...options, signal: controller.signal });
    } catch (error) {
      // Flag combinations the run refuses (static membership with kafkajs...) are usage errors.
      if (error instanceof LoadOptionsError) throw new UsageError(error.message);
      throw error;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    const dir = reportDir(values.out, 'chaos');
    await writeChaosReport(result, dir);
    if (values.json) {
      stdout.write(`${JSON.stringify(chaosResultJson(result))}\n`);
      stderr.write(`report: ${dir}\n`);
    } else {
      stdout.write(`${JSON.stringify(chaosResultJson(result), null, 2)}\nreport: ${dir}\n`);
    }
    return 0;
  };
}
