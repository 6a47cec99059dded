import { decide } from '../model/thresholds';
import { chooseThresholds, wilsonLowerBound } from './choose-thresholds';

/** Scores and labels from blocks of [score, frauds, genuine rows]. */
function blocks(spec: readonly (readonly [number, number, number])[]): {
  scores: number[];
  labels: number[];
} {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const [score, frauds, genuine] of spec) {
    for (let i = 0; i < frauds + genuine; i += 1) {
      scores.push(score);
      labels.push(i < frauds ? 1 : 0);
    }
  }
  return { scores, labels };
}

describe('decision thresholds', () => {
  it('maps scores to bands', () => {
    const t = { review: 0.2, decline: 0.6 };
    expect([0.1, 0.2, 0.59, 0.6, 0.99].map((s) => decide(s, t))).toEqual([
      'APPROVE',
      'REVIEW',
      'REVIEW',
      'DECLINE',
      'DECLINE',
    ]);
  });

  it('chooses DECLINE where precision ≥ 0.5 and recall ≥ 0.8 both hold and REVIEW for recall ≥ 0.8', () => {
    // Frauds at 0.9, 0.8, 0.4, 0.3, 0.1; genuine at 0.85, 0.5, 0.45, 0.35, 0.2, 0.15, 0.05.
    const scores = [0.9, 0.85, 0.8, 0.5, 0.45, 0.4, 0.35, 0.3, 0.2, 0.15, 0.1, 0.05];
    const labels = [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0];
    const t = chooseThresholds(scores, labels, {
      declinePrecision: 0.5,
      reviewRecall: 0.8,
      confidenceZ: 0,
    });
    // At 0.3: 4 frauds / 8 flagged = 0.5 precision, recall 0.8: both targets at once.
    expect(t).toEqual({ decline: 0.3, review: 0.3 });
  });

  it('falls back to the best F1 when no threshold reaches the precision target, and keeps review ≤ decline', () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5];
    const labels = [0, 0, 1, 0, 1];
    const t = chooseThresholds(scores, labels, {
      declinePrecision: 0.9,
      reviewRecall: 0.8,
      confidenceZ: 0,
    });
    expect(t.decline).toBe(0.5);
    expect(t.review).toBeLessThanOrEqual(t.decline);
  });

  it('bounds a proportion as Wilson does', () => {
    // 50 of 100 at z 1.96: the textbook 95 % interval is [0.404, 0.596].
    expect(wilsonLowerBound(50, 100, 1.96)).toBeCloseTo(0.4038, 4);
    expect(wilsonLowerBound(7, 7, 0)).toBe(1);
    expect(wilsonLowerBound(0, 0, 1.645)).toBe(0);
    // More evidence, tighter bound.
    expect(wilsonLowerBound(60, 100, 1.645)).toBeLessThan(wilsonLowerBound(600, 1000, 1.645));
  });

  it('keeps a margin: thresholds where the targets hold with confidence, not where noise reaches them', () => {
    // 50 frauds. Descending blocks (frauds, genuine): 0.9 (30, 0), 0.7 (10, 10), 0.5 (5, 15),
    // 0.3 (5, 20), 0.1 (0, 100). Running precision 1, 0.80, 0.64, 0.53; recall 0.6 → 1.
    const spec = [
      [0.9, 30, 0],
      [0.7, 10, 10],
      [0.5, 5, 15],
      [0.3, 5, 20],
      [0.1, 0, 100],
    ] as const;
    const { scores, labels } = blocks(spec);
    const exact = { declinePrecision: 0.6, reviewRecall: 0.8, confidenceZ: 0 };
    // Precision 45/70 = 0.64 reaches 0.6 as a point; its bound (0.55) does not, 40/50's (0.69) does.
    expect(chooseThresholds(scores, labels, exact)).toEqual({ decline: 0.5, review: 0.5 });
    expect(chooseThresholds(scores, labels, { ...exact, confidenceZ: 1.645 })).toEqual({
      decline: 0.7,
      review: 0.5,
    });
    // Recall 40/50 reaches 0.8 as a point (REVIEW 0.7); only 45/50 has a bound ≥ 0.8 (0.81).
    const strict = { ...exact, declinePrecision: 0.9 };
    expect(chooseThresholds(scores, labels, strict)).toEqual({ decline: 0.9, review: 0.7 });
    expect(chooseThresholds(scores, labels, { ...strict, confidenceZ: 1.645 })).toEqual({
      decline: 0.9,
      review: 0.5,
    });
  });

  it('puts DECLINE in the middle of the region where precision 0.5 and recall 0.8 both hold, not at its edge', () => {
    // 100 frauds. Blocks (frauds, genuine): 0.9 (85, 5), 0.8 (5, 5), 0.5 (5, 60), 0.1 (5, 500).
    // At 0.5 precision 95/165 still has its bound ≥ 0.5 (0.51), the most recall at that floor,
    // but a day's noise off it; at 0.8 precision 0.90 and recall 0.90 both hold with room.
    const { scores, labels } = blocks([
      [0.9, 85, 5],
      [0.8, 5, 5],
      [0.5, 5, 60],
      [0.1, 5, 500],
    ]);
    expect(wilsonLowerBound(95, 165, 1.645)).toBeGreaterThan(0.5);
    expect(chooseThresholds(scores, labels)).toEqual({ decline: 0.8, review: 0.8 });
  });
});
