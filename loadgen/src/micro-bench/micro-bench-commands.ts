// The micro-benchmarks as `fraudstream bench inference|features [options]`: loadgen's bench
// command routes the name here (the CLI injects these functions), and each prints a table or,
// with --json, one JSON object, and writes a report directory like the end-to-end benchmarks.
import {
  commandHelp,
  formatDefault,
  int,
  list,
  optionalFlag,
  readFlags,
  text,
} from '@fraudstream/settings';
import { loadServiceEndpoints, SERVICE_SETTINGS } from '@fraudstream/workers';
import { describeMachine } from '../measure/machine-info';
import type { FeaturesBenchOptions, FeaturesBenchResult } from './features-bench';
import {
  DEFAULT_FEATURES_BENCH_OPTIONS,
  KEYS_PER_TRANSACTION,
  SMOKE_FEATURES_BENCH_OPTIONS,
  runFeaturesBench,
} from './features-bench';
import type { InferenceBenchOptions, InferenceBenchResult } from './inference-bench';
import {
  DEFAULT_INFERENCE_BENCH_OPTIONS,
  SMOKE_INFERENCE_BENCH_OPTIONS,
  runInferenceBench,
} from './inference-bench';
import type { KafkaApiBenchOptions, KafkaApiBenchResult } from './kafka-api-bench';
import {
  DEFAULT_KAFKA_API_BENCH_OPTIONS,
  SMOKE_KAFKA_API_BENCH_OPTIONS,
  runKafkaApiBench,
} from './kafka-api-bench';
import type { MicroBenchIo, MicroFigures } from './micro-report';
import {
  fmt,
  formatTable,
  microBenchResult,
  microFlags,
  microJson,
  processIo,
  round,
  writeMicroReport,
} from './micro-report';

const INFERENCE_DEFAULTS = DEFAULT_INFERENCE_BENCH_OPTIONS;
const FEATURES_DEFAULTS = DEFAULT_FEATURES_BENCH_OPTIONS;

/**
 * The flags of `fraudstream bench inference`, declared once: parsing, `--help` and the docs come
 * from here. Sizes have no flag default: absent, the benchmark's (or --smoke's) options apply.
 */
export const INFERENCE_BENCH_FLAGS = {
  batchSizes: optionalFlag(
    'batch-sizes',
    list(int({ min: 1 }), 'integers ≥ 1, comma-separated'),
    `rows per call (default ${INFERENCE_DEFAULTS.batchSizes.join(',')})`,
  ),
  model: optionalFlag(
    'model',
    text(/\S/, 'a directory'),
    'another model artifact directory (default models/artifacts/CURRENT)',
  ),
  ...microFlags({
    normal: INFERENCE_DEFAULTS.rounds,
    smoke: SMOKE_INFERENCE_BENCH_OPTIONS.rounds ?? INFERENCE_DEFAULTS.rounds,
  }),
};

/** The flags of `fraudstream bench features`, declared once (see INFERENCE_BENCH_FLAGS). */
export const FEATURES_BENCH_FLAGS = {
  batch: optionalFlag(
    'batch',
    int({ min: 1 }),
    `transactions per batch (default ${FEATURES_DEFAULTS.batchSize})`,
  ),
  history: optionalFlag(
    'history',
    int({ min: 1 }),
    `transactions computed before the rounds (default ${FEATURES_DEFAULTS.historyTransactions}; --smoke: ${SMOKE_FEATURES_BENCH_OPTIONS.historyTransactions ?? FEATURES_DEFAULTS.historyTransactions})`,
  ),
  // Secret: a Redis URL may carry a password.
  redis: optionalFlag(
    'redis',
    SERVICE_SETTINGS.redisUrl.type,
    `the Redis to measure (default FS_REDIS_URL or ${formatDefault(SERVICE_SETTINGS.redisUrl)})`,
    { secret: true },
  ),
  ...microFlags({
    normal: FEATURES_DEFAULTS.rounds,
    smoke: SMOKE_FEATURES_BENCH_OPTIONS.rounds ?? FEATURES_DEFAULTS.rounds,
  }),
};

const KAFKA_API_DEFAULTS = DEFAULT_KAFKA_API_BENCH_OPTIONS;

/** The flags of `fraudstream bench kafka-api`, declared once (see INFERENCE_BENCH_FLAGS). */
export const KAFKA_API_BENCH_FLAGS = {
  records: optionalFlag(
    'records',
    int({ min: 1 }),
    `records copied per path and round (default ${KAFKA_API_DEFAULTS.records}; --smoke: ${SMOKE_KAFKA_API_BENCH_OPTIONS.records ?? KAFKA_API_DEFAULTS.records})`,
  ),
  batch: optionalFlag(
    'batch',
    int({ min: 1 }),
    `most records per handler or consume(n) call (default ${KAFKA_API_DEFAULTS.batchSize})`,
  ),
  brokers: optionalFlag(
    'brokers',
    SERVICE_SETTINGS.kafkaBrokers.type,
    `the Kafka to measure (default FS_KAFKA_BROKERS or ${formatDefault(SERVICE_SETTINGS.kafkaBrokers)})`,
  ),
  ...microFlags({
    normal: KAFKA_API_DEFAULTS.rounds,
    smoke: SMOKE_KAFKA_API_BENCH_OPTIONS.rounds ?? KAFKA_API_DEFAULTS.rounds,
  }),
};

const KAFKA_API_ABOUT = `The worker's copy loop (consume a batch, produce a copy of each record with acks=all on an
idempotent producer, commit past the batch once acknowledged) over the same pre-produced records, on
kafkajs and librdkafka's KafkaJS-compatible API (both through the worker's seam) and on librdkafka's
native API: records/s and CPU µs per record (medians over rounds, the paths taking turns).`;

const INFERENCE_ABOUT = `The default model (models/artifacts/CURRENT) through Scorer.scoreBatch on tfjs-node, against the
same model on the pure-JS cpu and the WASM backends, LayersModel.predict and explainBatch on
tfjs-node: µs per call and rows/s per batch size (medians over rounds, A and B alternating).`;

const FEATURES_ABOUT = `Feature read + update of simulated transactions through RedisFeatureStore.computeBatch, against
one plain pipelined read of each key the Lua call touches (card, terminal, transaction record), same
batch: µs per transaction (medians over rounds, A and B alternating). Keys use a prefix of their
own and are deleted afterwards.`;

/** The flat figures of an inference run: `b<size>_<path>_<figure>`. */
export function inferenceFigures(r: InferenceBenchResult): MicroFigures {
  const figures: Record<string, number | string> = { model_version: r.modelVersion };
  for (const [path, diff] of Object.entries(r.maxAbsDiffVsTfjsNode)) {
    figures[`${path}_max_abs_score_diff`] = diff;
  }
  for (const row of r.rows) {
    const key = `b${row.batchSize}_${row.path}`;
    figures[`${key}_backend`] = row.backend;
    figures[`${key}_us_per_call`] = round(row.usPerCall, 2);
    figures[`${key}_rows_per_s`] = Math.round(row.rowsPerS);
    figures[`${key}_vs_tfjs_node`] = round(row.timeVsTfjsNode, 3);
  }
  return figures;
}

/** The flat figures of a features run. */
export function featuresFigures(r: FeaturesBenchResult): MicroFigures {
  return {
    batch_size: r.batchSize,
    rounds: r.rounds,
    history_transactions: r.historyTransactions,
    keys_per_tx: KEYS_PER_TRANSACTION,
    compute_us_per_tx: round(r.computeUsPerTx, 2),
    compute_tx_per_s: Math.round(r.computeTxPerS),
    read_us_per_tx: round(r.readUsPerTx, 2),
    read_tx_per_s: Math.round(r.readTxPerS),
    compute_vs_read: round(r.computeVsRead, 3),
    read_hit_share: round(r.readHitShare, 4),
    distinct_customers_per_batch: round(r.distinctCustomersPerBatch, 1),
    distinct_terminals_per_batch: round(r.distinctTerminalsPerBatch, 1),
    keys_deleted: r.keysDeleted,
  };
}

/** The flat figures of a kafka-api run: `<path>_<figure>`. */
export function kafkaApiFigures(r: KafkaApiBenchResult): MicroFigures {
  const figures: Record<string, number> = { records: r.options.records };
  for (const row of r.rows) {
    figures[`${row.path}_records_per_s`] = Math.round(row.recordsPerS);
    figures[`${row.path}_cpu_us_per_record`] = round(row.cpuUsPerRecord, 2);
    figures[`${row.path}_time_vs_kafkajs`] = round(row.timeVsKafkajs, 3);
  }
  return figures;
}

/** The terminal table of a kafka-api run. */
export function kafkaApiTable(r: KafkaApiBenchResult): string {
  return formatTable(
    ['path', 'records/s', 'CPU µs/record', 'time vs kafkajs'],
    r.rows.map((row) => [
      row.path,
      fmt(row.recordsPerS),
      fmt(row.cpuUsPerRecord, 1),
      `×${fmt(row.timeVsKafkajs, 2)}`,
    ]),
    ['left', 'right', 'right', 'right'],
  );
}

/** The terminal table of an inference run. */
export function inferenceTable(r: InferenceBenchResult): string {
  return formatTable(
    ['batch', 'path', 'call', 'backend', 'µs/call', 'rows/s', 'time vs tfjs-node'],
    r.rows.map((row) => [
      String(row.batchSize),
      row.path,
      row.call,
      row.backend,
      fmt(row.usPerCall, 1),
      fmt(row.rowsPerS),
      `×${fmt(row.timeVsTfjsNode, 2)}`,
    ]),
    ['right', 'left', 'left', 'left', 'right', 'right', 'right'],
  );
}

/** The terminal table of a features run. */
export function featuresTable(r: FeaturesBenchResult): string {
  return formatTable(
    ['path', 'µs/tx', 'tx/s', `batch of ${r.batchSize}, ms`, 'time vs plain reads'],
    [
      [
        'RedisFeatureStore.computeBatch',
        fmt(r.computeUsPerTx, 1),
        fmt(r.computeTxPerS),
        fmt((r.computeUsPerTx * r.batchSize) / 1000, 2),
        `×${fmt(r.computeVsRead, 2)}`,
      ],
      [
        `pipelined plain reads ×${KEYS_PER_TRANSACTION} per tx`,
        fmt(r.readUsPerTx, 1),
        fmt(r.readTxPerS),
        fmt((r.readUsPerTx * r.batchSize) / 1000, 2),
        '×1.00',
      ],
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
}

/** `fraudstream bench inference [options]`; resolves to the exit code. */
export async function inferenceBenchmark(
  argv: string[],
  io: MicroBenchIo = processIo(),
): Promise<number> {
  const { values: args, help } = readFlags(INFERENCE_BENCH_FLAGS, argv);
  if (help) {
    io.stdout.write(
      `${commandHelp('fraudstream bench inference [options]', INFERENCE_ABOUT, INFERENCE_BENCH_FLAGS)}\n`,
    );
    return 0;
  }
  const options: Partial<InferenceBenchOptions> = {
    ...(args.smoke ? SMOKE_INFERENCE_BENCH_OPTIONS : {}),
    ...(args.rounds === undefined ? {} : { rounds: args.rounds }),
    ...(args.batchSizes === undefined ? {} : { batchSizes: args.batchSizes }),
    ...(args.model === undefined ? {} : { modelDir: args.model }),
  };
  const machine = describeMachine();
  const startedAt = new Date();
  const r = await runInferenceBench(options, (line) => io.stderr.write(`${line}\n`));
  const finishedAt = new Date();
  const largest = r.rows.filter((row) => row.path === 'tfjs_node').at(-1);
  const result = microBenchResult({
    scenario: 'inference',
    smoke: args.smoke,
    startedAt,
    finishedAt,
    machine,
    parameters: {
      ...r.options,
      modelDir: r.modelDir,
      inputRows: r.inputRows,
      versions: r.versions,
      wasm: r.wasm,
    },
    rateTps: Math.round(largest?.rowsPerS ?? 0),
    figures: inferenceFigures(r),
    limits: [
      `rate_tps is Scorer.scoreBatch on tfjs-node at batch ${largest?.batchSize ?? '?'}, rows/s; one process, one thread of TF.js calls`,
      `wasm: SIMD ${r.wasm.simd ? 'on' : 'off'}, threads ${r.wasm.threads ? r.wasm.threadsCount : 'off'}`,
      `machine load average ${machine.loadAverage1m} on ${machine.cores} cores when the run started`,
    ],
  });
  const dir = await writeMicroReport(result, args.out);
  if (args.json) {
    io.stdout.write(microJson(result, r.rows));
    io.stderr.write(`report: ${dir}\n`);
  } else {
    io.stdout.write(
      `\ninference${args.smoke ? ' (smoke)' : ''}: model ${r.modelVersion}, ${r.inputRows}\n` +
        `  same scores as tfjs-node, max |diff|: ${Object.entries(r.maxAbsDiffVsTfjsNode)
          .map(([path, diff]) => `${path} ${diff.toExponential(1)}`)
          .join(', ')}\n` +
        `${inferenceTable(r)}\n  medians over ${r.rows.find((row) => row.path !== 'tfjs_node')?.rounds ?? 0} rounds per comparison (tfjs_node: over all its rounds); "time vs tfjs-node" = that path's time / Scorer.scoreBatch on tfjs-node, per round\n  report: ${dir}\n`,
    );
  }
  return 0;
}

/** `fraudstream bench features [options]`; resolves to the exit code. */
export async function featuresBenchmark(
  argv: string[],
  io: MicroBenchIo = processIo(),
): Promise<number> {
  const { values: args, help } = readFlags(FEATURES_BENCH_FLAGS, argv);
  if (help) {
    io.stdout.write(
      `${commandHelp('fraudstream bench features [options]', FEATURES_ABOUT, FEATURES_BENCH_FLAGS)}\n`,
    );
    return 0;
  }
  const options: Partial<FeaturesBenchOptions> = {
    ...(args.smoke ? SMOKE_FEATURES_BENCH_OPTIONS : {}),
    ...(args.rounds === undefined ? {} : { rounds: args.rounds }),
    ...(args.batch === undefined ? {} : { batchSize: args.batch }),
    ...(args.history === undefined ? {} : { historyTransactions: args.history }),
    // The environment is read (and checked) only when the flag is absent.
    redisUrl: args.redis ?? loadServiceEndpoints(io.env).redisUrl,
  };
  const machine = describeMachine();
  const startedAt = new Date();
  const r = await runFeaturesBench(options, (line) => io.stderr.write(`${line}\n`));
  const finishedAt = new Date();
  const result = microBenchResult({
    scenario: 'features',
    smoke: args.smoke,
    startedAt,
    finishedAt,
    machine,
    parameters: { ...r.options, keyPrefix: r.keyPrefix },
    rateTps: Math.round(r.computeTxPerS),
    figures: featuresFigures(r),
    limits: [
      'rate_tps is computeBatch on one connection, one batch in flight: the store alone, not a worker',
      'Redis runs on the same cores as this process (and whatever else shares the machine)',
      `machine load average ${machine.loadAverage1m} on ${machine.cores} cores when the run started`,
    ],
  });
  const dir = await writeMicroReport(result, args.out);
  if (args.json) {
    io.stdout.write(
      microJson(result, [
        {
          path: 'computeBatch',
          usPerTx: r.computeUsPerTx,
          txPerS: r.computeTxPerS,
          timeVsRead: r.computeVsRead,
        },
        {
          path: 'plain-reads',
          keysPerTx: KEYS_PER_TRANSACTION,
          usPerTx: r.readUsPerTx,
          txPerS: r.readTxPerS,
          timeVsRead: 1,
        },
      ]),
    );
    io.stderr.write(`report: ${dir}\n`);
  } else {
    io.stdout.write(
      `\nfeatures${args.smoke ? ' (smoke)' : ''}: batches of ${r.batchSize} simulated transactions after ${r.historyTransactions} of history (${fmt(r.distinctCustomersPerBatch)} cards, ${fmt(r.distinctTerminalsPerBatch)} terminals per batch)\n` +
        `${featuresTable(r)}\n  medians over ${r.rounds} rounds; plain reads found a value ${fmt(r.readHitShare * 100, 1)} % of the time; ${r.keysDeleted} keys deleted\n  report: ${dir}\n`,
    );
  }
  return 0;
}

/** `fraudstream bench kafka-api [options]`; resolves to the exit code. */
export async function kafkaApiBenchmark(
  argv: string[],
  io: MicroBenchIo = processIo(),
): Promise<number> {
  const { values: args, help } = readFlags(KAFKA_API_BENCH_FLAGS, argv);
  if (help) {
    io.stdout.write(
      `${commandHelp('fraudstream bench kafka-api [options]', KAFKA_API_ABOUT, KAFKA_API_BENCH_FLAGS)}\n`,
    );
    return 0;
  }
  const options: KafkaApiBenchOptions = {
    ...KAFKA_API_DEFAULTS,
    ...(args.smoke ? SMOKE_KAFKA_API_BENCH_OPTIONS : {}),
    ...(args.rounds === undefined ? {} : { rounds: args.rounds }),
    ...(args.records === undefined ? {} : { records: args.records }),
    ...(args.batch === undefined ? {} : { batchSize: args.batch }),
    // The environment is read (and checked) only when the flag is absent.
    brokers: args.brokers ?? loadServiceEndpoints(io.env).kafkaBrokers,
  };
  const machine = describeMachine();
  const startedAt = new Date();
  const r = await runKafkaApiBench(options, (line) => io.stderr.write(`${line}\n`));
  const finishedAt = new Date();
  const fastest = [...r.rows].sort((a, b) => b.recordsPerS - a.recordsPerS)[0];
  const result = microBenchResult({
    scenario: 'kafka-api',
    smoke: args.smoke,
    startedAt,
    finishedAt,
    machine,
    parameters: { ...r.options },
    rateTps: Math.round(fastest?.recordsPerS ?? 0),
    figures: kafkaApiFigures(r),
    limits: [
      `rate_tps is the fastest path (${fastest?.path ?? '?'}), records copied per second by one process`,
      'Kafka runs on the same cores as this process; CPU µs/record counts this process only (librdkafka threads included), not the broker',
      `machine load average ${machine.loadAverage1m} on ${machine.cores} cores when the run started`,
    ],
  });
  const dir = await writeMicroReport(result, args.out);
  if (args.json) {
    io.stdout.write(microJson(result, r.rows));
    io.stderr.write(`report: ${dir}\n`);
  } else {
    io.stdout.write(
      `\nkafka-api${args.smoke ? ' (smoke)' : ''}: ${r.options.records} records of ${r.options.recordBytes} B, ${r.options.partitions} partitions, batches of ${r.options.batchSize}\n` +
        `${kafkaApiTable(r)}\n  medians over ${r.options.rounds} rounds; "time vs kafkajs" = that path's time / kafkajs' in the same round\n  report: ${dir}\n`,
    );
  }
  return 0;
}
