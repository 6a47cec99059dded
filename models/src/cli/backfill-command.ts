import type { LabelledTransaction } from '@fraudstream/simulator';
import {
  DEFAULT_HISTORY_DAYS,
  DEFAULT_SIMULATION_PARAMS,
  readLabelledCsv,
  simulateTransactions,
} from '@fraudstream/simulator';
import {
  commandHelp,
  flag,
  formatDefault,
  int,
  optionalFlag,
  readFlags,
  readSettings,
  redactUrl,
  switchFlag,
  text,
  type CliCommand,
  type ReadFlags,
  type SettingValues,
} from '@fraudstream/settings';
import { describeSimulation } from '../evaluation/dataset';
import { backfillRedis } from '../backfill/backfill-redis';
import { MODEL_SETTINGS } from '../settings';
import { DATA_FLAGS, simulationFlags } from './args';
import { runCli } from './run-cli';

const DAY_MS = 86_400_000;
/** Simulated days loaded by default: the days `fraudstream loadgen` skips by default. */
const DEFAULT_SIMULATED_DAYS = DEFAULT_HISTORY_DAYS;
/** Default life of a backfilled transaction's record (its idempotency entry). */
const DEFAULT_RECORD_TTL_MS = 86_400_000;

const { redisUrl: REDIS_URL, featureKeyPrefix: KEY_PREFIX, modelDir: MODEL_DIR } = MODEL_SETTINGS;

/**
 * The flags of `fraudstream backfill`, declared once: parsing and `--help` come from here. Where
 * the workers' settings (read from the same declarations) are given, a flag overrides them.
 */
export const BACKFILL_FLAGS = {
  ...DATA_FLAGS,
  days: flag(
    'days',
    int({ min: 1 }),
    DEFAULT_SIMULATED_DAYS,
    'simulated days loaded: what `fraudstream loadgen` skips by default, so `loadgen --event-time simulated` continues it',
  ),
  redisUrl: optionalFlag(
    'redis-url',
    REDIS_URL.type,
    `Redis of the workers (default ${REDIS_URL.name}, else ${formatDefault(REDIS_URL)})`,
    { secret: true },
  ),
  // The workers' type: a prefix they would refuse (one with a space) names keys none of them reads.
  keyPrefix: optionalFlag(
    'key-prefix',
    KEY_PREFIX.type,
    `the workers' ${KEY_PREFIX.name} (default ${KEY_PREFIX.name}, else ${formatDefault(KEY_PREFIX)})`,
  ),
  model: optionalFlag(
    'model',
    text(/\S/, 'a directory'),
    `model whose feature settings the workers use: a model store with a CURRENT file, as ${MODEL_DIR.name} (the default), or one version directory; else the default model`,
  ),
  recordTtlMs: flag(
    'record-ttl-ms',
    int({ min: 1 }),
    DEFAULT_RECORD_TTL_MS,
    "how long each backfilled transaction's idempotency record is kept: backfilling the same history again within it counts nothing twice",
  ),
  json: switchFlag('json', 'print the figures as JSON'),
  quiet: switchFlag('quiet', 'no progress on stderr'),
};

const ABOUT = `Loads labelled history into the workers' feature state in Redis. A fleet started on an empty
feature store scores blind until it has seen weeks of traffic: every card looks new and every
terminal clean. This writes the history through the same feature store calls the workers make
(transactions into the card and terminal windows, fraud labels into the terminal windows), so
the workers start where they would be had they scored it.`;

/** What `fraudstream backfill` does: its flags over the workers' settings. */
interface BackfillArgs {
  rows: AsyncIterable<LabelledTransaction> | Iterable<LabelledTransaction>;
  source: string;
  redisUrl: string;
  keyPrefix: string;
  modelDir: string | undefined;
  recordTtlMs: number;
  json: boolean;
  quiet: boolean;
}

/** The run's arguments: the command line's flags, else the settings from the environment. */
function backfillArgs(
  { values, given }: ReadFlags<typeof BACKFILL_FLAGS>,
  env: SettingValues<typeof MODEL_SETTINGS>,
): BackfillArgs {
  const data = values.data;
  const sim = simulationFlags(values, given);
  let rows: BackfillArgs['rows'];
  let source: string;
  if (data === undefined) {
    const params = { ...DEFAULT_SIMULATION_PARAMS, days: DEFAULT_SIMULATED_DAYS, ...sim };
    rows = simulateTransactions(params);
    source = describeSimulation(params);
  } else {
    rows = readLabelledCsv(data);
    source = data;
  }
  return {
    rows,
    source,
    redisUrl: values.redisUrl ?? env.redisUrl,
    keyPrefix: values.keyPrefix ?? env.featureKeyPrefix,
    modelDir: values.model ?? env.modelDir,
    recordTtlMs: values.recordTtlMs,
    json: values.json,
    quiet: values.quiet,
  };
}

/** `fraudstream backfill`: labelled history (simulated or a CSV file) into the Redis feature state. */
export const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: "Load labelled history into the workers' feature state in Redis",
  run: (argv: string[]): Promise<number> =>
    runCli(async (log) => {
      const flags = readFlags(BACKFILL_FLAGS, argv);
      if (flags.help) {
        console.log(commandHelp('fraudstream backfill [options]', ABOUT, BACKFILL_FLAGS));
        return 0;
      }
      // Read only past --help: a bad variable does not stop the help from being shown.
      const args = backfillArgs(flags, readSettings(MODEL_SETTINGS, process.env));
      let lastLog = Date.now();
      if (!args.quiet)
        log(`backfill: ${args.source} into ${redactUrl(args.redisUrl)} ${args.keyPrefix}*`);
      const summary = await backfillRedis(
        args.rows,
        {
          redisUrl: args.redisUrl,
          keyPrefix: args.keyPrefix,
          modelDir: args.modelDir,
          recordTtlMs: args.recordTtlMs,
        },
        {
          onProgress: (n) => {
            if (args.quiet || Date.now() - lastLog < 5000) return;
            lastLog = Date.now();
            log(`  ${n} transactions`);
          },
        },
      );
      const { seconds } = summary;
      // Nothing written: no event times (NaN), no span of days.
      const wrote = summary.transactions > 0;
      const iso = (ms: number): string | null => (wrote ? new Date(ms).toISOString() : null);
      const figures = {
        transactions: summary.transactions,
        labels_applied: summary.labelsApplied,
        first_event: iso(summary.firstEventMs),
        last_event: iso(summary.lastEventMs),
        days: wrote
          ? Math.round(((summary.lastEventMs - summary.firstEventMs) / DAY_MS) * 10) / 10
          : 0,
        seconds: Math.round(seconds * 10) / 10,
        transactions_per_second: Math.round(summary.transactions / Math.max(seconds, 1e-3)),
        model_version: summary.modelVersion,
        key_prefix: args.keyPrefix,
      };
      if (args.json) console.log(JSON.stringify(figures));
      else
        console.log(
          `backfilled ${figures.transactions} transactions (${figures.first_event} → ` +
            `${figures.last_event}) and ${figures.labels_applied} fraud labels in ` +
            `${figures.seconds} s (${figures.transactions_per_second} tx/s), feature settings of ${summary.modelVersion}`,
        );
      return 0;
    }),
};
