import {
  UsageError,
  flag,
  isoDate,
  num,
  int,
  optionalFlag,
  readFlags,
  switchFlag,
  text,
  type FlagGroup,
  type SettingValues,
} from '@fraudstream/settings';
import type { SimulationParams } from '@fraudstream/simulator';
import { SIMULATION_SIZE_FLAGS, givenSimulationSize } from '@fraudstream/simulator';
import type { DataSource } from '../evaluation/dataset';
import type { ProtocolOptions } from '../evaluation/protocol';
import { DEFAULT_PROTOCOL_OPTIONS } from '../evaluation/protocol';
import { DEFAULT_TRAINING_OPTIONS, type TrainingOptions } from '../model/training-options';

/** Where history comes from: a file (--data), or the simulator (its seed and size flags). */
export const DATA_FLAGS = {
  data: optionalFlag(
    'data',
    text(/\S/, 'a file path'),
    'labelled history (CSV: transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario; see models/README.md) instead of simulated data',
  ),
  ...SIMULATION_SIZE_FLAGS,
};

/** Flags shared by `train` and `evaluate`, declared once: parsing and `--help` come from here. */
export const COMMON_FLAGS = {
  ...DATA_FLAGS,
  feedbackDelayDays: flag(
    'feedback-delay-days',
    num({ min: 0, max: 60 }),
    DEFAULT_PROTOCOL_OPTIONS.feedbackDelayDays,
    "label delay in days, fractions allowed (7 = the book's protocol)",
  ),
  trainStart: optionalFlag(
    'train-start',
    isoDate(),
    'start of the most recent training period (default 2018-08-15 when the data covers it, else the latest that fits)',
  ),
  folds: flag('folds', int({ min: 1 }), DEFAULT_PROTOCOL_OPTIONS.folds, 'prequential folds'),
  trainSeed: flag('train-seed', int({ min: 0 }), DEFAULT_TRAINING_OPTIONS.seed, 'network seed'),
  epochs: flag('epochs', int({ min: 1 }), DEFAULT_TRAINING_OPTIONS.epochs, 'training epochs'),
  ensemble: flag(
    'ensemble',
    int({ min: 1 }),
    DEFAULT_TRAINING_OPTIONS.ensembleSize,
    'networks averaged into one model',
  ),
  splitDepth: flag(
    'split-depth',
    int({ min: 0, max: 4 }),
    DEFAULT_TRAINING_OPTIONS.splitDepth,
    'learned splits: depth of the one-feature trees whose cuts become step inputs inside the model (0: none)',
  ),
  json: switchFlag('json', 'print the results as JSON'),
  quiet: switchFlag('quiet', 'no progress on stderr'),
};

/**
 * The simulator flags that were given; UsageError when they come beside --data (they only apply
 * to simulated data).
 */
export function simulationFlags(
  values: SettingValues<typeof DATA_FLAGS>,
  given: ReadonlySet<PropertyKey>,
): Partial<SimulationParams> {
  const sim: Partial<SimulationParams> = givenSimulationSize(values, given);
  if (values.data !== undefined && Object.keys(sim).length > 0) {
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
  /** The training flags that were given (the recipe's defaults apply to the others). */
  training: Partial<TrainingOptions>;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

/**
 * Parses argv against the shared flags and a command's own `extra` ones; throws UsageError
 * naming the bad flag. `given` tells which flags the command line set.
 */
export function parseCommonArgs<E extends FlagGroup>(
  argv: string[],
  extra: E,
): {
  common: CommonArgs;
  values: SettingValues<typeof COMMON_FLAGS & E>;
  given: ReadonlySet<PropertyKey>;
} {
  const { values, given, help } = readFlags({ ...COMMON_FLAGS, ...extra }, argv);
  // The shared flags' values, typed without the command's generic extras.
  const shared = values as SettingValues<typeof COMMON_FLAGS>;
  const sim = simulationFlags(shared, given);
  const training: Partial<TrainingOptions> = {};
  if (given.has('trainSeed')) training.seed = shared.trainSeed;
  if (given.has('epochs')) training.epochs = shared.epochs;
  if (given.has('ensemble')) training.ensembleSize = shared.ensemble;
  if (given.has('splitDepth')) training.splitDepth = shared.splitDepth;
  const trainStart = shared.trainStart;
  return {
    common: {
      source:
        shared.data === undefined
          ? { kind: 'simulated', params: sim }
          : { kind: 'csv', file: shared.data },
      protocol: {
        ...DEFAULT_PROTOCOL_OPTIONS,
        feedbackDelayDays: shared.feedbackDelayDays,
        folds: shared.folds,
        lastTrainStartMs:
          trainStart === undefined
            ? DEFAULT_PROTOCOL_OPTIONS.lastTrainStartMs
            : Date.parse(`${trainStart}T00:00:00Z`),
      },
      trainStartDefaulted: trainStart === undefined,
      training,
      json: shared.json,
      quiet: shared.quiet,
      help,
    },
    values,
    given,
  };
}
