import type { ThresholdTargets, Thresholds } from '../model/thresholds';
import { DEFAULT_THRESHOLD_TARGETS } from '../model/thresholds';
import { precisionRecallCurve } from './metrics';

/**
 * Chooses thresholds on VALIDATION scores only (never the test period). DECLINE: the lowest
 * threshold whose precision is ≥ declinePrecision (most recall at that precision); when no
 * threshold reaches it, the one with the best F1. REVIEW: the highest threshold whose recall is
 * ≥ reviewRecall, capped at DECLINE.
 */
export function chooseThresholds(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  targets: ThresholdTargets = DEFAULT_THRESHOLD_TARGETS,
): Thresholds {
  const curve = precisionRecallCurve(scores, labels);
  let decline: number | undefined;
  let bestRecall = -1;
  for (const p of curve) {
    if (p.precision >= targets.declinePrecision && p.recall > bestRecall) {
      bestRecall = p.recall;
      decline = p.threshold;
    }
  }
  if (decline === undefined) {
    let bestF1 = -1;
    for (const p of curve) {
      const f1 =
        p.precision + p.recall === 0 ? 0 : (2 * p.precision * p.recall) / (p.precision + p.recall);
      if (f1 > bestF1) {
        bestF1 = f1;
        decline = p.threshold;
      }
    }
  }
  let review: number | undefined;
  for (const p of curve) {
    if (p.recall >= targets.reviewRecall) {
      review = p.threshold;
      break;
    }
  }
  const d = decline ?? 1;
  return { decline: d, review: Math.min(review ?? d, d) };
}
