import { decide } from '../model/thresholds';
import { chooseThresholds } from './choose-thresholds';

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

  it('chooses DECLINE for the most recall at precision ≥ 0.5 and REVIEW for recall ≥ 0.8', () => {
    // Frauds at 0.9, 0.8, 0.4, 0.3, 0.1; genuine at 0.85, 0.5, 0.45, 0.35, 0.2, 0.15, 0.05.
    const scores = [0.9, 0.85, 0.8, 0.5, 0.45, 0.4, 0.35, 0.3, 0.2, 0.15, 0.1, 0.05];
    const labels = [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0];
    const t = chooseThresholds(scores, labels);
    // At 0.3: 4 frauds / 8 flagged = 0.5 precision, recall 0.8: both targets at once.
    expect(t).toEqual({ decline: 0.3, review: 0.3 });
  });

  it('falls back to the best F1 when no threshold reaches the precision target, and keeps review ≤ decline', () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5];
    const labels = [0, 0, 1, 0, 1];
    const t = chooseThresholds(scores, labels, { declinePrecision: 0.9, reviewRecall: 0.8 });
    expect(t.decline).toBe(0.5);
    expect(t.review).toBeLessThanOrEqual(t.decline);
  });
});
