// Model quality on what a run scored, against the simulator's ground truth: counts by decision
// band, and precision and recall at the decision threshold, where "flagged" means REVIEW or
// DECLINE (both stop the payment going through unchecked).
import type { DecisionBand } from './run-ledger';

/** Fraud scenarios of docs/simulator.md that recall is broken down by. */
export const FRAUD_SCENARIOS = [1, 2, 3] as const;

/**
 * The ground truth of a fraud whose data does not name its scenario (a user's CSV without the
 * column): counted as a fraud, in no scenario's recall.
 */
export const UNKNOWN_FRAUD_SCENARIO = 127;

/** Recall on the frauds of one scenario. */
export interface ScenarioRecall {
  readonly scenario: number;
  readonly frauds: number;
  readonly flagged: number;
  readonly recall: number | null;
}

/** Quality figures of a run (or of the run so far). */
export interface QualitySummary {
  readonly bands: Readonly<Record<DecisionBand, number>>;
  /** Flagged frauds. */
  readonly truePositives: number;
  /** Flagged genuine transactions. */
  readonly falsePositives: number;
  /** Approved frauds. */
  readonly falseNegatives: number;
  readonly trueNegatives: number;
  /** TP / (TP + FP); null until something was flagged. */
  readonly precision: number | null;
  /** TP / (TP + FN); null until a fraud was scored. */
  readonly recall: number | null;
  /** Precision of DECLINE alone (REVIEW is the analysts' band, DECLINE the automatic one). */
  readonly declinePrecision: number | null;
  /** Recall of DECLINE alone. */
  readonly declineRecall: number | null;
  readonly perScenario: readonly ScenarioRecall[];
  /** Verdicts without a decision (passthrough copies) or for transactions of unknown truth. */
  readonly unscored: number;
}

/** Whether a decision stops the transaction: REVIEW or DECLINE. */
export function isFlagged(band: DecisionBand): boolean {
  return band === 'REVIEW' || band === 'DECLINE';
}

/** Accumulates first verdicts against the ground truth. */
export class QualityTally {
  private readonly bands: Record<DecisionBand, number> = {
    APPROVE: 0,
    REVIEW: 0,
    DECLINE: 0,
    COPY: 0,
  };
  private tp = 0;
  private fp = 0;
  private fn = 0;
  private tn = 0;
  /** Declined frauds and declined genuine transactions. */
  private declinedFrauds = 0;
  private declinedGenuine = 0;
  private unscored = 0;
  private readonly fraudsBy = new Map<number, number>();
  private readonly flaggedBy = new Map<number, number>();

  /** One first verdict; `scenario` is the ground truth (0 genuine, 1–3 fraud, -1 unknown). */
  record(band: DecisionBand, scenario: number): void {
    this.bands[band] += 1;
    if (band === 'COPY' || scenario < 0) {
      this.unscored += 1;
      return;
    }
    const flagged = isFlagged(band);
    if (band === 'DECLINE') {
      if (scenario > 0) this.declinedFrauds += 1;
      else this.declinedGenuine += 1;
    }
    if (scenario > 0) {
      this.fraudsBy.set(scenario, (this.fraudsBy.get(scenario) ?? 0) + 1);
      if (flagged) {
        this.tp += 1;
        this.flaggedBy.set(scenario, (this.flaggedBy.get(scenario) ?? 0) + 1);
      } else {
        this.fn += 1;
      }
    } else if (flagged) {
      this.fp += 1;
    } else {
      this.tn += 1;
    }
  }

  /** Precision so far, or null. */
  get precision(): number | null {
    return ratio(this.tp, this.tp + this.fp);
  }

  /** Recall so far, or null. */
  get recall(): number | null {
    return ratio(this.tp, this.tp + this.fn);
  }

  /** Everything tallied so far. */
  summary(): QualitySummary {
    return {
      bands: { ...this.bands },
      truePositives: this.tp,
      falsePositives: this.fp,
      falseNegatives: this.fn,
      trueNegatives: this.tn,
      precision: this.precision,
      recall: this.recall,
      declinePrecision: ratio(this.declinedFrauds, this.declinedFrauds + this.declinedGenuine),
      declineRecall: ratio(this.declinedFrauds, this.tp + this.fn),
      perScenario: FRAUD_SCENARIOS.map((scenario) => {
        const frauds = this.fraudsBy.get(scenario) ?? 0;
        const flagged = this.flaggedBy.get(scenario) ?? 0;
        return { scenario, frauds, flagged, recall: ratio(flagged, frauds) };
      }),
      unscored: this.unscored,
    };
  }
}

/** a / b, or null when b is 0 (nothing to measure yet). */
function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}
