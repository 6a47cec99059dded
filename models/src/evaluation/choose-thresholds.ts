import type { ThresholdTargets, Thresholds } from '../model/thresholds';
import { DEFAULT_THRESHOLD_TARGETS } from '../model/thresholds';
import { precisionRecallCurve } from './metrics';

/**
 * Lower Wilson score bound of a proportion `hits / n` at `z` standard errors (one-sided): the
 * proportion is at least this with the matching confidence. 0 when n is 0.
 */
export function wilsonLowerBound(hits: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = hits / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - spread) / (1 + z2 / n));
}

/**
 * Chooses thresholds on VALIDATION scores only (never the test period), each figure taken at its
 * lower Wilson bound at `confidenceZ` (see ThresholdTargets), so that noise in a hundred
 * validation frauds does not set them. DECLINE: among the thresholds whose precision bound
 * reaches declinePrecision, the one whose worse target holds with the most to spare,
 * max min(precision bound − declinePrecision, recall bound − reviewRecall): the middle of the
 * region where the floor holds rather than its edge, and where recall cannot reach its target,
 * the most recall at that precision. When no threshold reaches the precision, the best F1.
 * REVIEW: the highest threshold whose recall bound is ≥ reviewRecall, capped at DECLINE.
 */
export function chooseThresholds(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  targets: ThresholdTargets = DEFAULT_THRESHOLD_TARGETS,
): Thresholds {
  const curve = precisionRecallCurve(scores, labels);
  const z = targets.confidenceZ;
  const positives = curve[curve.length - 1]?.truePositives ?? 0;
  const recallBound = (tp: number): number => wilsonLowerBound(tp, positives, z);
  let decline: number | undefined;
  let bestSlack = -Infinity;
  for (const p of curve) {
    const precision = wilsonLowerBound(p.truePositives, p.truePositives + p.falsePositives, z);
    if (precision < targets.declinePrecision) continue;
    const slack = Math.min(
      precision - targets.declinePrecision,
      recallBound(p.truePositives) - targets.reviewRecall,
    );
    if (slack > bestSlack) {
      bestSlack = slack;
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
    if (recallBound(p.truePositives) >= targets.reviewRecall) {
      review = p.threshold;
      break;
    }
  }
  const d = decline ?? 1;
  return { decline: d, review: Math.min(review ?? d, d) };
}
