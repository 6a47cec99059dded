// Options of a backtest: the load run's (brokers, topics, batching, grace...) minus its rate
// profile and simulator, plus the source, the replayed clock, the window, case management's
// delays in simulated time, and where the backfill writes.
import type { LoadOptions } from '../load/load-options';
import { LoadOptionsError } from '../errors';
import type { ReplayPace } from './replay-clock';
import type { TransactionSource } from './transaction-source';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The workers' feature state, where `--backfill-days` writes. */
export interface FeatureStateTarget {
  /** The workers' FS_REDIS_URL. */
  readonly redisUrl: string;
  /** The workers' FS_FEATURE_KEY_PREFIX. */
  readonly keyPrefix: string;
  /** Life of each backfilled transaction's idempotency record, ms. @defaultValue 86_400_000 */
  readonly recordTtlMs?: number;
}

/** What a backtest takes. */
export interface BacktestOptions extends Omit<
  LoadOptions,
  | 'profile'
  | 'durationMs'
  | 'count'
  | 'simulation'
  | 'skipDays'
  | 'eventTime'
  | 'labels'
  | 'flaggedLabelDelayMs'
  | 'chargebackDelayMs'
  | 'stopWhen'
  | 'phaseSettleMs'
> {
  /** The labelled transactions replayed, in event-time order. */
  readonly source: TransactionSource;
  /** A compression of the source's clock, or a fixed rate. */
  readonly pace: ReplayPace;
  /** First replayed instant (epoch ms). @defaultValue the source's first day + backfillDays */
  readonly fromMs?: number;
  /** End of the window, exclusive (epoch ms). @defaultValue the end of the source */
  readonly toMs?: number;
  /** Days before the window backfilled into the feature state first. @defaultValue 0 */
  readonly backfillDays?: number;
  /** From a flagged fraud's event time to its label, simulated ms. @defaultValue 86_400_000 (1 day) */
  readonly flaggedLabelDelayMs?: number;
  /** From a missed fraud's event time to its chargeback, simulated ms. @defaultValue 604_800_000 (7 days) */
  readonly chargebackDelayMs?: number;
  /**
   * How late (wall clock) a label may reach the workers' state after it is sent, for the noise
   * bound: times the replayed speed, the span of event time in which a label may race the
   * transactions it concerns. @defaultValue 2000
   */
  readonly labelLatencyAllowanceMs?: number;
  /** The model the fleet runs (FS_MODEL_DIR: a store with CURRENT, or a version). @defaultValue the default model */
  readonly modelDir?: string;
  /** Where the backfill writes; required when backfillDays > 0. */
  readonly featureState?: FeatureStateTarget;
}

/** Defaults of the backtest's own settings. */
export const DEFAULT_BACKTEST_OPTIONS = Object.freeze({
  backfillDays: 0,
  flaggedLabelDelayMs: DAY_MS,
  chargebackDelayMs: 7 * DAY_MS,
  labelLatencyAllowanceMs: 2000,
  recordTtlMs: DAY_MS,
  clientId: 'fraudstream-backtest',
});

/** The backtest's own settings, validated. */
export interface CompiledBacktestSettings {
  readonly pace: ReplayPace;
  readonly backfillDays: number;
  readonly flaggedLabelDelayMs: number;
  readonly chargebackDelayMs: number;
  readonly labelLatencyAllowanceMs: number;
  readonly featureState: Required<FeatureStateTarget> | undefined;
}

function nonNegative(setting: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new LoadOptionsError(setting, 'a finite number ≥ 0', value);
  return value;
}

/** Validates the backtest's own settings; errors name the setting. */
export function compileBacktestSettings(raw: BacktestOptions): CompiledBacktestSettings {
  const d = DEFAULT_BACKTEST_OPTIONS;
  const pace = raw.pace;
  if (pace.kind === 'speed' && !(Number.isFinite(pace.speed) && pace.speed > 0)) {
    throw new LoadOptionsError('pace.speed', 'a finite number > 0', pace.speed);
  }
  if (pace.kind === 'rate' && !(Number.isFinite(pace.tps) && pace.tps > 0)) {
    throw new LoadOptionsError('pace.tps', 'a finite number > 0', pace.tps);
  }
  const backfillDays = raw.backfillDays ?? d.backfillDays;
  if (!Number.isInteger(backfillDays) || backfillDays < 0) {
    throw new LoadOptionsError('backfillDays', 'an integer ≥ 0', backfillDays);
  }
  if (backfillDays > 0 && raw.featureState === undefined) {
    throw new LoadOptionsError('featureState', 'the Redis and key prefix to backfill', undefined);
  }
  for (const [name, v] of [
    ['fromMs', raw.fromMs],
    ['toMs', raw.toMs],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v)) {
      throw new LoadOptionsError(name, 'epoch milliseconds', v);
    }
  }
  if (raw.fromMs !== undefined && raw.toMs !== undefined && raw.toMs <= raw.fromMs) {
    throw new LoadOptionsError('toMs', `a time after fromMs (${raw.fromMs})`, raw.toMs);
  }
  const flagged = nonNegative(
    'flaggedLabelDelayMs',
    raw.flaggedLabelDelayMs ?? d.flaggedLabelDelayMs,
  );
  const chargeback = nonNegative('chargebackDelayMs', raw.chargebackDelayMs ?? d.chargebackDelayMs);
  // The offline replay scores in batches shorter than the smaller delay: a zero delay would
  // score row by row, and labels that fast have no meaning on a replayed clock anyway.
  if (Math.min(flagged, chargeback) < HOUR_MS / 60) {
    throw new LoadOptionsError(
      Math.min(flagged, chargeback) === flagged ? 'flaggedLabelDelayMs' : 'chargebackDelayMs',
      'at least one simulated minute (60000)',
      Math.min(flagged, chargeback),
    );
  }
  const fs = raw.featureState;
  return {
    pace,
    backfillDays,
    flaggedLabelDelayMs: flagged,
    chargebackDelayMs: chargeback,
    labelLatencyAllowanceMs: nonNegative(
      'labelLatencyAllowanceMs',
      raw.labelLatencyAllowanceMs ?? d.labelLatencyAllowanceMs,
    ),
    featureState:
      fs === undefined ? undefined : { ...fs, recordTtlMs: fs.recordTtlMs ?? d.recordTtlMs },
  };
}
