import type { FraudScenario, GroundTruth, SimTransaction } from './types';

/** Counts that describe a labelled dataset. */
export interface DatasetSummary {
  transactions: number;
  frauds: number;
  /** frauds / transactions (0 when empty). */
  fraudRate: number;
  /** Frauds per scenario; `unknown` counts frauds whose scenario is not given. */
  fraudsByScenario: Record<'1' | '2' | '3' | 'unknown', number>;
  customers: number;
  terminals: number;
  firstEventTime: number | null;
  lastEventTime: number | null;
  /** Calendar days (UTC) covered from the first to the last transaction. */
  days: number;
}

/** Accumulates a summary while a stream goes by (ids are counted in sets: O(customers+terminals)). */
export class SummaryAccumulator {
  private transactions = 0;
  private frauds = 0;
  private readonly byScenario = { '1': 0, '2': 0, '3': 0, unknown: 0 };
  private readonly customers = new Set<string>();
  private readonly terminals = new Set<string>();
  private first: number | null = null;
  private last: number | null = null;

  /** Adds one row. */
  add(tx: SimTransaction, truth: GroundTruth): void {
    this.transactions += 1;
    this.customers.add(tx.customer_id);
    this.terminals.add(tx.terminal_id);
    if (this.first === null || tx.event_time < this.first) this.first = tx.event_time;
    if (this.last === null || tx.event_time > this.last) this.last = tx.event_time;
    if (!truth.is_fraud) return;
    this.frauds += 1;
    const s: FraudScenario | null = truth.scenario;
    if (s === 1 || s === 2 || s === 3) this.byScenario[`${s}`] += 1;
    else this.byScenario.unknown += 1;
  }

  /** The summary so far. */
  result(): DatasetSummary {
    const dayMs = 86_400_000;
    return {
      transactions: this.transactions,
      frauds: this.frauds,
      fraudRate: this.transactions === 0 ? 0 : this.frauds / this.transactions,
      fraudsByScenario: { ...this.byScenario },
      customers: this.customers.size,
      terminals: this.terminals.size,
      firstEventTime: this.first,
      lastEventTime: this.last,
      days:
        this.first === null || this.last === null
          ? 0
          : Math.floor(this.last / dayMs) - Math.floor(this.first / dayMs) + 1,
    };
  }
}
