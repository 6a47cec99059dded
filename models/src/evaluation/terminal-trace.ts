import type { LabelledTransaction } from '@fraudstream/simulator';

/**
 * Per kept row, what the whole labelled history says about its terminal as of `t − D`: the
 * input of the oracle bound (oracle-bound.ts). Ground truth, offline only — never a feature.
 */
export interface TerminalTrace {
  /** Terminal index per row (same order as the FeatureTable's rows). */
  terminal: Int32Array;
  /** Latest transaction on the terminal with event_time ≤ t − D (−Infinity when none). */
  lastTxAtDelay: Float64Array;
  /** Latest fraud on the terminal with event_time ≤ t − D, i.e. a label known by t. */
  lastFraudAtDelay: Float64Array;
}

/** Latest value ≤ limit in an ascending array (−Infinity when none). */
function latestAtOrBefore(times: readonly number[], limit: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? Infinity) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -Infinity : (times[lo - 1] ?? -Infinity);
}

/**
 * Builds a TerminalTrace from a stream in time order. Every row feeds the history (the warm-up
 * days too); `record` is called for the rows the FeatureReplay keeps, in the same order.
 */
export class TerminalTraceBuilder {
  private readonly txTimes = new Map<string, number[]>();
  private readonly fraudTimes = new Map<string, number[]>();
  private readonly terminalIndex = new Map<string, number>();
  private terminal: number[] = [];
  private lastTx: number[] = [];
  private lastFraud: number[] = [];

  /** `delayMs`: the feedback delay D. */
  constructor(private readonly delayMs: number) {}

  /** Adds a row to the history; records its row of the trace when `keep`. */
  push(row: LabelledTransaction, keep: boolean): void {
    const { tx, truth } = row;
    const id = tx.terminal_id;
    let times = this.txTimes.get(id);
    if (times === undefined) {
      times = [];
      this.txTimes.set(id, times);
    }
    let frauds = this.fraudTimes.get(id);
    if (frauds === undefined) {
      frauds = [];
      this.fraudTimes.set(id, frauds);
    }
    if (keep) {
      const limit = tx.event_time - this.delayMs;
      let k = this.terminalIndex.get(id);
      if (k === undefined) {
        k = this.terminalIndex.size;
        this.terminalIndex.set(id, k);
      }
      this.terminal.push(k);
      this.lastTx.push(latestAtOrBefore(times, limit));
      this.lastFraud.push(latestAtOrBefore(frauds, limit));
    }
    times.push(tx.event_time);
    if (truth.is_fraud) frauds.push(tx.event_time);
  }

  /** The recorded rows. */
  result(): TerminalTrace {
    return {
      terminal: Int32Array.from(this.terminal),
      lastTxAtDelay: Float64Array.from(this.lastTx),
      lastFraudAtDelay: Float64Array.from(this.lastFraud),
    };
  }
}
