/** Decision thresholds on the model score: DECLINE ≥ decline > REVIEW ≥ review > APPROVE. */
export interface Thresholds {
  review: number;
  decline: number;
}

/** The operating targets the thresholds are chosen for. */
export interface ThresholdTargets {
  /** DECLINE's precision floor (see chooseThresholds). @defaultValue 0.5 */
  declinePrecision: number;
  /**
   * REVIEW: the highest threshold reaching this recall; DECLINE's recall target, kept with as
   * much room as its precision floor (see chooseThresholds). @defaultValue 0.8
   */
  reviewRecall: number;
  /**
   * The margin for unseen days: precision and recall must reach their targets with this many
   * standard errors to spare (the one-sided Wilson bound of the validation counts; 1.645 is 95 %
   * confidence), so a validation set of a hundred frauds cannot set a threshold that only its
   * own noise reaches. 0 takes the validation figures as they are. @defaultValue 1.645
   */
  confidenceZ: number;
}

/** The practitioner's operating point, precision 50 % and recall 80 %, with 95 % confidence. */
export const DEFAULT_THRESHOLD_TARGETS: Readonly<ThresholdTargets> = Object.freeze({
  declinePrecision: 0.5,
  reviewRecall: 0.8,
  confidenceZ: 1.645,
});

/** A decision band. */
export type Decision = 'APPROVE' | 'REVIEW' | 'DECLINE';

/** Maps a score to its band. */
export function decide(score: number, thresholds: Thresholds): Decision {
  if (score >= thresholds.decline) return 'DECLINE';
  if (score >= thresholds.review) return 'REVIEW';
  return 'APPROVE';
}
