/** Decision thresholds on the model score: DECLINE ≥ decline > REVIEW ≥ review > APPROVE. */
export interface Thresholds {
  review: number;
  decline: number;
}

/** The operating targets the thresholds are chosen for. */
export interface ThresholdTargets {
  /** DECLINE: the threshold reaching the most recall at this precision. @defaultValue 0.5 */
  declinePrecision: number;
  /** REVIEW: the highest threshold reaching this recall. @defaultValue 0.8 */
  reviewRecall: number;
}

/** The practitioner's operating point: precision 50 %, recall 80 %. */
export const DEFAULT_THRESHOLD_TARGETS: Readonly<ThresholdTargets> = Object.freeze({
  declinePrecision: 0.5,
  reviewRecall: 0.8,
});

/** A decision band. */
export type Decision = 'APPROVE' | 'REVIEW' | 'DECLINE';

/** Maps a score to its band. */
export function decide(score: number, thresholds: Thresholds): Decision {
  if (score >= thresholds.decline) return 'DECLINE';
  if (score >= thresholds.review) return 'REVIEW';
  return 'APPROVE';
}
