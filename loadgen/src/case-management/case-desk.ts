// Case management as the load generator plays it: it knows the ground truth, and confirms a
// fraud either quickly, when the fleet flagged it (an analyst reviews the case), or late, when
// the fleet let it through (the card holder disputes it and a chargeback arrives). Genuine
// transactions get no label. Times are one clock's milliseconds: the wall clock of a load run,
// or the replayed (event-time) clock of a backtest.
import { DueHeap } from '@fraudstream/models';
import type { DecisionBand } from '../measure/run-ledger';
import { isFlagged } from '../measure/quality-tally';

/** How a fraud became known; the symbol is the FraudLabel `source`. */
export type LabelSource = 'ANALYST_REVIEW' | 'CHARGEBACK';

/** A fraudulent transaction of the run, as case management needs it to write a label. */
export interface FraudCase {
  readonly seq: number;
  readonly transactionId: string;
  readonly customerId: string;
  readonly terminalId: string;
  /** Event time written in the transaction, epoch ms. */
  readonly eventTimeMs: number;
  /** Fraud scenario (1–3), or UNKNOWN_FRAUD_SCENARIO when the data does not say. */
  readonly scenario: number;
}

/** A label that is due. */
export interface DueLabel {
  readonly fraud: FraudCase;
  readonly source: LabelSource;
  /** When the outcome became known (the due time), epoch ms. */
  readonly labelledAtMs: number;
}

/** Delays of case management, from the verdict (review) or the transaction (chargeback). */
export interface CaseDelays {
  /** From a REVIEW/DECLINE verdict on a fraud to its label. */
  readonly flaggedLabelDelayMs: number;
  /** From sending a fraud that was not flagged in time to its chargeback label. */
  readonly chargebackDelayMs: number;
}

/**
 * Schedules one label per fraud: the earlier of the review label (if the fleet flagged it) and
 * the chargeback (always scheduled when the fraud is sent; dropped once a review label went out).
 */
export class CaseDesk {
  private readonly open = new Map<number, FraudCase>();
  // Heaps, not queues: review labels are scheduled as verdicts arrive, out of due order when
  // their due time comes from the transaction's event time (a backtest).
  private readonly review = new DueHeap<number>();
  private readonly chargeback = new DueHeap<number>();
  private readonly sent: Record<LabelSource, number> = { ANALYST_REVIEW: 0, CHARGEBACK: 0 };

  /** Delays are validated by the caller's options. */
  constructor(private readonly delays: CaseDelays) {}

  /** A fraud was sent at `sentAtMs`: its chargeback is due `chargebackDelayMs` later. */
  fraudSent(fraud: FraudCase, sentAtMs: number): void {
    this.open.set(fraud.seq, fraud);
    this.chargeback.push(sentAtMs + this.delays.chargebackDelayMs, fraud.seq);
  }

  /** The first verdict for `seq` arrived at `atMs`; flagged frauds get a review label. */
  verdict(seq: number, band: DecisionBand, atMs: number): void {
    if (isFlagged(band) && this.open.has(seq)) {
      this.review.push(atMs + this.delays.flaggedLabelDelayMs, seq);
    }
  }

  /** Labels due by `nowMs`, each fraud at most once; they count as sent once returned. */
  takeDue(nowMs: number): DueLabel[] {
    const due: DueLabel[] = [];
    const drain = (queue: DueHeap<number>, source: LabelSource): void => {
      for (let e = queue.takeDue(nowMs); e !== undefined; e = queue.takeDue(nowMs)) {
        const fraud = this.open.get(e.item);
        if (fraud === undefined) continue; // already labelled by the other route
        this.open.delete(e.item);
        this.sent[source] += 1;
        due.push({ fraud, source, labelledAtMs: e.dueAtMs });
      }
    };
    drain(this.review, 'ANALYST_REVIEW');
    drain(this.chargeback, 'CHARGEBACK');
    return due;
  }

  /** The fraud `seq` if it is sent and not labelled yet. */
  openCase(seq: number): FraudCase | undefined {
    return this.open.get(seq);
  }

  /** Frauds not labelled yet. */
  get pending(): number {
    return this.open.size;
  }

  /** Labels handed out so far, by source. */
  sentBySource(): Readonly<Record<LabelSource, number>> {
    return { ...this.sent };
  }
}
