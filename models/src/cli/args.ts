import { parseArgs } from 'node:util';
import type { SimulationParams } from '@fraudstream/loadgen';
import { simulationSizeFlags } from '@fraudstream/loadgen';
import { UsageError } from '../errors';
import type { DataSource } from '../evaluation/dataset';
import type { ProtocolOptions } from '../evaluation/protocol';
import { DEFAULT_PROTOCOL_OPTIONS } from '../evaluation/protocol';
import type { TrainingOptions } from '../model/training-options';

/** Where history comes from: a file (--data), or the simulator (read by {@link simulationFlags}). */
export const DATA_FLAGS = {
  data: { type: 'string' },
  seed: { type: 'string' },
  days: { type: 'string' },
  customers: { type: 'string' },
  terminals: { type: 'string' },
} as const;

/** Flags shared by `train` and `evaluate`. */
export const COMMON_FLAGS = {
  ...DATA_FLAGS,
  'feedback-delay-days': { type: 'string' },
  'train-start': { type: 'string' },
  folds: { type: 'string' },
  'train-seed': { type: 'string' },
  epochs: { type: 'string' },
  ensemble: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help text of the shared flags. */
export const COMMON_HELP = `Data (one of):
  --data FILE.csv            labelled history: transaction_id,timestamp,customer_id,terminal_id,
                             amount,is_fraud,scenario (see models/README.md)
  (default)                  simulated data: --seed N (0) --days N (183) --customers N (5000)
                             --terminals N (10000)
Protocol:
  --feedback-delay-days D    label delay, fractions allowed (7 = the book's protocol)
  --train-start YYYY-MM-DD   start of the most recent training period (default 2018-08-15 when
                             the data covers it, else the latest that fits)
  --folds N                  prequential folds (4)
Training:
  --train-seed N             network seed (42)    --epochs N   (recipe default)
  --ensemble N               networks averaged into one model (recipe default)
Output:
  --out DIR   --json   --quiet`;

/** The integer value of flag `--name` (≥ `min`), undefined when absent; UsageError otherwise. */
export function int(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Strictly parsed flags and a reader of the string ones. */
export interface ParsedFlags {
  values: Record<string, string | boolean | undefined>;
  readonly str: (name: string) => string | undefined;
}

/** Parses argv against `options` (no positionals); throws UsageError naming the bad flag. */
export function parseFlags(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>,
): ParsedFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    values,
    str: (name) => {
      const v = values[name];
      return typeof v === 'string' ? v : undefined;
    },
  };
}

/**
 * The simulator flags (--seed, --days, --customers, --terminals) that were given; UsageError
 * when they come beside --data.
 */
export function simulationFlags(
  str: ParsedFlags['str'],
  dataGiven: boolean,
): Partial<SimulationParams> {
  const sim: Partial<SimulationParams> = simulationSizeFlags(str);
  if (dataGiven && Object.keys(sim).length > 0) {
    throw new UsageError(
      '--data reads a file: --seed/--days/--customers/--terminals only apply to simulated data',
    );
  }
  return sim;
}

/** Parsed shared flags. */
export interface CommonArgs {
  source: DataSource;
  protocol: ProtocolOptions;
  /** True when --train-start was not given and may be re-anchored to the data. */
  trainStartDefaulted: boolean;
  training: Partial<TrainingOptions>;
  out?: string;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

/** Parses argv with extra command-specific flags; throws UsageError naming the bad flag. */
export function parseCommonArgs(
  argv: string[],
  extra: Record<string, { type: 'string' | 'boolean'; short?: string }>,
): { common: CommonArgs; values: Record<string, string | boolean | undefined> } {
  const { values, str } = parseFlags(argv, { ...COMMON_FLAGS, ...extra });
  const delayText = str('feedback-delay-days');
  let delay = DEFAULT_PROTOCOL_OPTIONS.feedbackDelayDays;
  if (delayText !== undefined) {
    delay = Number(delayText);
    if (!Number.isFinite(delay) || delay < 0 || delay > 60) {
      throw new UsageError(
        `--feedback-delay-days: expected a number of days in [0, 60], got ${JSON.stringify(delayText)}`,
      );
    }
  }
  const trainStart = str('train-start');
  let lastTrainStartMs = DEFAULT_PROTOCOL_OPTIONS.lastTrainStartMs;
  if (trainStart !== undefined) {
    lastTrainStartMs = Date.parse(`${trainStart}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(trainStart) || Number.isNaN(lastTrainStartMs)) {
      throw new UsageError(
        `--train-start: expected a date YYYY-MM-DD, got ${JSON.stringify(trainStart)}`,
      );
    }
  }
  const data = str('data');
  const sim = simulationFlags(str, data !== undefined);
  const training: Partial<TrainingOptions> = {};
  const trainSeed = int('train-seed', str('train-seed'), 0);
  const epochs = int('epochs', str('epochs'), 1);
  if (trainSeed !== undefined) training.seed = trainSeed;
  if (epochs !== undefined) training.epochs = epochs;
  const ensemble = int('ensemble', str('ensemble'), 1);
  if (ensemble !== undefined) training.ensembleSize = ensemble;
  return {
    common: {
      source: data === undefined ? { kind: 'simulated', params: sim } : { kind: 'csv', file: data },
      protocol: {
        ...DEFAULT_PROTOCOL_OPTIONS,
        feedbackDelayDays: delay,
        folds: int('folds', str('folds'), 1) ?? DEFAULT_PROTOCOL_OPTIONS.folds,
        lastTrainStartMs,
      },
      trainStartDefaulted: trainStart === undefined,
      training,
      out: str('out'),
      json: values.json === true,
      quiet: values.quiet === true,
      help: values.help === true,
    },
    values,
  };
}
