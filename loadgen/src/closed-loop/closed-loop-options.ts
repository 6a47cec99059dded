// Options of `fraudstream bench closed-loop`: the fleet it starts, the simulated weeks it streams
// and how fast, case management's delays on the simulated clock, and the smoke sizes. Raw options
// → compiled options (defaults applied, ranges checked, errors naming the setting).
import type { SimulationParams } from '@fraudstream/simulator';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import { LoadOptionsError } from '../errors';
import type { LoadObserver } from '../load/load-report';
import type { WatchedProcess } from '../measure/cpu-sampler';
import type { StartWorker } from '../bench/bench-types';
import { DEFAULT_BENCH_PARTITIONS } from '../bench/bench-topics';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** What `runClosedLoop` takes. Sizes left out take the default, or the smoke size with `smoke`. */
export interface ClosedLoopOptions {
  readonly brokers: readonly string[];
  /** The Redis of the workers (FS_REDIS_URL), where the backfill writes too. */
  readonly redisUrl: string;
  /** Starts one scoring worker process. */
  readonly startWorker: StartWorker;
  /** The workers' Kafka client (FS_KAFKA_CLIENT). @defaultValue the workers' own default */
  readonly kafkaClient?: KafkaClientName;
  /** Worker processes. @defaultValue 2 (smoke: 1) */
  readonly workers?: number;
  /** Simulated days streamed through the fleet. @defaultValue 21 (3 weeks; smoke: 2) */
  readonly days?: number;
  /** Simulated ms per wall ms. @defaultValue 2880 (a day in 30 s; smoke: 8640) */
  readonly speed?: number;
  /** Simulated days before the run loaded into the feature state first. @defaultValue 28 (smoke: 7) */
  readonly backfillDays?: number;
  /** Event time → label of a flagged fraud, simulated ms. @defaultValue 14_400_000 (4 hours) */
  readonly flaggedLabelDelayMs?: number;
  /** Event time → chargeback of a missed fraud, simulated ms. @defaultValue 1_728_000_000 (20 days; smoke: 1 day) */
  readonly chargebackDelayMs?: number;
  /** See BacktestOptions.labelLatencyAllowanceMs. @defaultValue 2000 */
  readonly labelLatencyAllowanceMs?: number;
  /** The workers' model store (FS_MODEL_DIR). @defaultValue the models package's closed-loop store */
  readonly modelDir?: string;
  /** The simulator's parameters (days are the run's). @defaultValue the book's (smoke: 200 customers, 400 terminals) */
  readonly simulation?: Partial<Omit<SimulationParams, 'days'>>;
  /** Partitions of the run's transactions and decisions topics. @defaultValue 12 */
  readonly partitions?: number;
  /** How long the fleet may take to join its group. @defaultValue 120_000 */
  readonly fleetReadyTimeoutMs?: number;
  /** Wait for outstanding verdicts after the last send. @defaultValue 30_000 (smoke: 15_000) */
  readonly graceMs?: number;
  readonly smoke?: boolean;
  readonly keepTopics?: boolean;
  readonly signal?: AbortSignal;
  /** Step lines. @defaultValue none */
  readonly log?: (line: string) => void;
  /** Live progress of the stream. */
  readonly observer?: LoadObserver;
  /** Processes watched for CPU besides the workers (the stack's). */
  readonly watchProcesses?: () => readonly WatchedProcess[];
}

/** Defaults of a full run. */
export const DEFAULT_CLOSED_LOOP_OPTIONS = Object.freeze({
  workers: 2,
  days: 21,
  // A simulated day (about 9,750 transactions of the default population) in 30 s: 325 tx/s on
  // average and about twice that in the simulated afternoon, which two workers, the sender and
  // the offline replay hold together on two cores (docs/benchmarks.md, "bench closed-loop").
  speed: 2880,
  backfillDays: 28,
  flaggedLabelDelayMs: 4 * HOUR_MS,
  chargebackDelayMs: 20 * DAY_MS,
  labelLatencyAllowanceMs: 2000,
  partitions: DEFAULT_BENCH_PARTITIONS,
  fleetReadyTimeoutMs: 120_000,
  graceMs: 30_000,
});

/** Sizes of `--smoke`: a couple of simulated days of a small population, well under a minute. */
export const SMOKE_CLOSED_LOOP_OPTIONS = Object.freeze({
  workers: 1,
  days: 2,
  speed: 8640,
  backfillDays: 7,
  // Shorter than the window, so a missed fraud of the first day is charged back on the second.
  chargebackDelayMs: DAY_MS,
  graceMs: 15_000,
  simulation: { customers: 200, terminals: 400 },
});

/** The options with defaults applied and checked. */
export interface CompiledClosedLoopOptions {
  readonly workers: number;
  readonly days: number;
  readonly speed: number;
  readonly backfillDays: number;
  readonly flaggedLabelDelayMs: number;
  readonly chargebackDelayMs: number;
  readonly labelLatencyAllowanceMs: number;
  readonly modelDir: string | undefined;
  readonly simulation: Partial<Omit<SimulationParams, 'days'>>;
  readonly partitions: number;
  readonly fleetReadyTimeoutMs: number;
  readonly graceMs: number;
  readonly smoke: boolean;
}

function atLeast(setting: string, value: number, min: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new LoadOptionsError(setting, `${integer ? 'an integer' : 'a number'} ≥ ${min}`, value);
  }
  return value;
}

/** Applies the defaults (or smoke sizes) and checks every setting; errors name it. */
export function compileClosedLoopOptions(raw: ClosedLoopOptions): CompiledClosedLoopOptions {
  const smoke = raw.smoke === true;
  const d = DEFAULT_CLOSED_LOOP_OPTIONS;
  const s = smoke ? SMOKE_CLOSED_LOOP_OPTIONS : undefined;
  const flagged = atLeast(
    'flaggedLabelDelayMs',
    raw.flaggedLabelDelayMs ?? d.flaggedLabelDelayMs,
    60_000,
    false,
  );
  const chargeback = atLeast(
    'chargebackDelayMs',
    raw.chargebackDelayMs ?? s?.chargebackDelayMs ?? d.chargebackDelayMs,
    60_000,
    false,
  );
  return {
    workers: atLeast('workers', raw.workers ?? s?.workers ?? d.workers, 1, true),
    days: atLeast('days', raw.days ?? s?.days ?? d.days, 1, true),
    speed: atLeast('speed', raw.speed ?? s?.speed ?? d.speed, 1, false),
    backfillDays: atLeast(
      'backfillDays',
      raw.backfillDays ?? s?.backfillDays ?? d.backfillDays,
      0,
      true,
    ),
    flaggedLabelDelayMs: flagged,
    chargebackDelayMs: chargeback,
    labelLatencyAllowanceMs: atLeast(
      'labelLatencyAllowanceMs',
      raw.labelLatencyAllowanceMs ?? d.labelLatencyAllowanceMs,
      0,
      false,
    ),
    modelDir: raw.modelDir,
    simulation: { ...s?.simulation, ...raw.simulation },
    partitions: atLeast('partitions', raw.partitions ?? d.partitions, 1, true),
    fleetReadyTimeoutMs: atLeast(
      'fleetReadyTimeoutMs',
      raw.fleetReadyTimeoutMs ?? d.fleetReadyTimeoutMs,
      1,
      false,
    ),
    graceMs: atLeast('graceMs', raw.graceMs ?? s?.graceMs ?? d.graceMs, 0, false),
    smoke,
  };
}
