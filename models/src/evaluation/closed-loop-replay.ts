// The offline side of a backtest: the models package's replay, scoring as it goes, with case
// management in the loop. A fraud's label reaches the feature state at its event time plus the
// flagged-label delay when this replay's own verdict flagged it, plus the chargeback delay
// otherwise: the label timing a live fleet gets from a case desk on the same clock, and not the
// book's "every label at t + D" of FeatureReplay. Labels go through MemoryFeatureStore's
// applyLabels, which counts a label the way the workers' Redis store does (in the bucket of the
// transaction's event time, read by a window only once that bucket is older than the delay).
import type { LabelledTransaction } from '@fraudstream/simulator';
import { EvaluationError } from '../errors';
import { FEATURE_NAMES } from '../features/definitions';
import type { MemoryFeatureStore } from '../features/memory-store';
import type { FeatureLabel } from '../features/types';
import type { Scorer } from '../model/scorer';
import type { Decision } from '../model/thresholds';
import { decide } from '../model/thresholds';
import { DueHeap } from '../scheduling/due-heap';

/** Settings of a {@link ClosedLoopReplay}; times are event-time milliseconds. */
export interface ClosedLoopOptions {
  /** From a flagged (REVIEW/DECLINE) fraud's event time to its label. */
  readonly flaggedLabelDelayMs: number;
  /** From a missed (APPROVE) fraud's event time to its chargeback label. */
  readonly chargebackDelayMs: number;
  /**
   * How far (event time) a live fleet's label may land from its due time: a transaction whose
   * terminal has a label due that close, in a bucket its windows already read, is marked
   * `exposed` (live and offline may legitimately differ on it). @defaultValue 0
   */
  readonly exposureMs: number;
  /** Longest stretch of event time scored as one batch (shortened to the smaller delay). @defaultValue 3_600_000 */
  readonly maxSliceMs: number;
  /**
   * A score this close to a threshold is marked `nearThreshold`: the two feature stores agree to
   * 1e-6 on every feature, which moves a score by well under this. @defaultValue 1e-5
   */
  readonly nearThreshold: number;
}

/** Defaults of the optional {@link ClosedLoopOptions}. */
export const DEFAULT_CLOSED_LOOP_OPTIONS: Readonly<
  Pick<ClosedLoopOptions, 'exposureMs' | 'maxSliceMs' | 'nearThreshold'>
> = Object.freeze({ exposureMs: 0, maxSliceMs: 3_600_000, nearThreshold: 1e-5 });

/** What the replay needs of a model: batch scores and the manifest's thresholds. */
export type ClosedLoopScorer = Pick<Scorer, 'scoreBatch' | 'thresholds'>;

/** The replay's verdict on one transaction. */
export interface ReplayedVerdict {
  readonly transactionId: string;
  readonly eventTimeMs: number;
  readonly score: number;
  readonly decision: Decision;
  readonly isFraud: boolean;
  /** The data's fraud scenario, null when it does not say. */
  readonly scenario: number | null;
  /** A label at its terminal was due within `exposureMs` and already readable by its windows. */
  readonly exposed: boolean;
  /** Its score is within `nearThreshold` of the REVIEW or DECLINE threshold. */
  readonly nearThreshold: boolean;
}

interface Pending<K> {
  readonly row: LabelledTransaction;
  readonly key: K;
  readonly vector: Float64Array;
  readonly exposed: boolean;
}

/** A label scheduled at a terminal, remembered for the exposure check. */
interface ScheduledLabel {
  readonly dueAtMs: number;
  readonly bucket: number;
}

const SWEEP_EVERY_MS = 86_400_000;

/**
 * Scores a labelled stream in event-time order, feeding its own labels back. Rows are scored in
 * batches that span less event time than the smaller label delay, so every label is scheduled
 * before the first transaction that could read it is computed. `onVerdict` gets each row's
 * verdict with the caller's key, in push order.
 */
export class ClosedLoopReplay<K> {
  private readonly o: ClosedLoopOptions;
  private readonly sliceMs: number;
  private readonly labels = new DueHeap<FeatureLabel>();
  private readonly scheduled = new Map<string, ScheduledLabel[]>();
  private batch: Pending<K>[] = [];
  private batchStartMs = -Infinity;
  private clockMs = -Infinity;
  private lastSweepMs = -Infinity;
  private labelsApplied = 0;

  /** `store` holds the state to start from (e.g. backfilled); it is the replay's from now on. */
  constructor(
    private readonly store: MemoryFeatureStore,
    private readonly scorer: ClosedLoopScorer,
    options: Pick<ClosedLoopOptions, 'flaggedLabelDelayMs' | 'chargebackDelayMs'> &
      Partial<ClosedLoopOptions>,
    private readonly onVerdict: (verdict: ReplayedVerdict, key: K) => void,
  ) {
    this.o = { ...DEFAULT_CLOSED_LOOP_OPTIONS, ...options };
    for (const name of ['flaggedLabelDelayMs', 'chargebackDelayMs', 'exposureMs'] as const) {
      const v = this.o[name];
      if (!Number.isFinite(v) || v < 0) {
        throw new EvaluationError(`${name}: expected a number of ms ≥ 0, got ${String(v)}`);
      }
    }
    if (!(this.o.maxSliceMs > 0)) {
      throw new EvaluationError(`maxSliceMs: expected ms > 0, got ${String(this.o.maxSliceMs)}`);
    }
    this.sliceMs = Math.min(
      this.o.maxSliceMs,
      this.o.flaggedLabelDelayMs,
      this.o.chargebackDelayMs,
    );
  }

  /** Feeds the next row (event-time order); verdicts come out as batches close. */
  push(row: LabelledTransaction, key: K): void {
    const t = row.tx.event_time;
    if (t < this.clockMs) {
      throw new EvaluationError(
        `transaction ${row.tx.transaction_id} goes back in event time: rows must be in order`,
      );
    }
    this.clockMs = t;
    if (this.batch.length > 0 && t >= this.batchStartMs + this.sliceMs) this.flush();
    if (this.batch.length === 0) this.batchStartMs = t;
    for (let e = this.labels.takeDue(t); e !== undefined; e = this.labels.takeDue(t)) {
      this.labelsApplied += this.store.applyLabelsSync([e.item]).applied;
    }
    const exposed = this.isExposed(row, t);
    this.batch.push({ row, key, vector: this.store.computeOne(row.tx), exposed });
    if (t - this.lastSweepMs >= SWEEP_EVERY_MS) this.sweep(t);
  }

  /** Scores what is left; call once after the last row. */
  finish(): void {
    this.flush();
  }

  /** Labels fed to the feature state so far. */
  get applied(): number {
    return this.labelsApplied;
  }

  /** Labels scheduled and not yet due. */
  get pending(): number {
    return this.labels.size;
  }

  private flush(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    const cols = FEATURE_NAMES.length;
    const x = new Float32Array(batch.length * cols);
    batch.forEach((p, i) => x.set(p.vector, i * cols));
    const scores = this.scorer.scoreBatch(x);
    const th = this.scorer.thresholds;
    batch.forEach((p, i) => {
      const score = scores[i] ?? Number.NaN;
      const decision = decide(score, th);
      const { tx, truth } = p.row;
      if (truth.is_fraud) {
        const delay =
          decision === 'APPROVE' ? this.o.chargebackDelayMs : this.o.flaggedLabelDelayMs;
        this.schedule(tx, tx.event_time + delay);
      }
      const near =
        Math.min(Math.abs(score - th.review), Math.abs(score - th.decline)) < this.o.nearThreshold;
      this.onVerdict(
        {
          transactionId: tx.transaction_id,
          eventTimeMs: tx.event_time,
          score,
          decision,
          isFraud: truth.is_fraud,
          scenario: truth.scenario,
          exposed: p.exposed,
          nearThreshold: near,
        },
        p.key,
      );
    });
  }

  private schedule(tx: LabelledTransaction['tx'], dueAtMs: number): void {
    this.labels.push(dueAtMs, {
      transaction_id: tx.transaction_id,
      terminal_id: tx.terminal_id,
      customer_id: tx.customer_id,
      event_time: tx.event_time,
      is_fraud: true,
    });
    if (this.o.exposureMs <= 0) return;
    const bucket = Math.floor(tx.event_time / this.store.options.terminalBucketMs);
    const list = this.scheduled.get(tx.terminal_id);
    if (list === undefined) this.scheduled.set(tx.terminal_id, [{ dueAtMs, bucket }]);
    else list.push({ dueAtMs, bucket });
  }

  // A label due within exposureMs of t, in a bucket t's terminal windows already read: live, it
  // may land before or after this transaction is scored, so either verdict is legitimate.
  private isExposed(row: LabelledTransaction, t: number): boolean {
    const list = this.scheduled.get(row.tx.terminal_id);
    if (list === undefined) return false;
    const o = this.store.options;
    const visibleEnd = Math.floor((t - o.feedbackDelayMs) / o.terminalBucketMs);
    return list.some((l) => Math.abs(l.dueAtMs - t) < this.o.exposureMs && l.bucket < visibleEnd);
  }

  // Forgets labels whose exposure window has passed (bounded memory over a long stream).
  private sweep(t: number): void {
    this.lastSweepMs = t;
    for (const [terminal, list] of this.scheduled) {
      const kept = list.filter((l) => l.dueAtMs >= t - this.o.exposureMs);
      if (kept.length === 0) this.scheduled.delete(terminal);
      else this.scheduled.set(terminal, kept);
    }
  }
}
