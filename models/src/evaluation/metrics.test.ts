import {
  aucRoc,
  averagePrecision,
  bestPrecisionAtRecall,
  bestRecallAtPrecision,
  cardPrecisionAtK,
  precisionRecallAt,
  precisionRecallCurve,
} from './metrics';

// Reference values from scikit-learn 1.x on the same arrays (ties at 0.35 included).
const y = [0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0];
const s = [0.1, 0.9, 0.35, 0.8, 0.35, 0.2, 0.7, 0.6, 0.05, 0.35, 0.3, 0.0];

describe('ranking metrics', () => {
  it('match roc_auc_score and average_precision_score, ties included', () => {
    expect(aucRoc(s, y)).toBeCloseTo(0.8285714285714285, 12);
    expect(averagePrecision(s, y)).toBeCloseTo(0.7892857142857141, 12);
  });

  it('groups tied scores into one curve point', () => {
    const curve = precisionRecallCurve(s, y);
    expect(curve.map((p) => p.threshold)).toEqual([
      0.9, 0.8, 0.7, 0.6, 0.35, 0.3, 0.2, 0.1, 0.05, 0,
    ]);
    expect(curve[4]).toMatchObject({ truePositives: 4, falsePositives: 3, threshold: 0.35 });
  });

  it('reads the best precision at a recall floor and the best recall at a precision floor', () => {
    const curve = precisionRecallCurve(s, y);
    expect(bestPrecisionAtRecall(curve, 0.8)).toBeCloseTo(5 / 8, 12);
    expect(bestRecallAtPrecision(curve, 0.5)).toBe(1);
    expect(bestRecallAtPrecision(curve, 0.9)).toBeCloseTo(0.4, 12);
    expect(precisionRecallAt(s, y, 0.6)).toEqual({ precision: 0.75, recall: 0.6, flagged: 4 });
  });

  it('returns NaN AUC with one class only', () => {
    expect(aucRoc([0.1, 0.2], [0, 0])).toBeNaN();
  });

  it('computes card precision@k per day, removing cards detected on earlier days', () => {
    // Day 1: cards 1 (fraud) and 2 (genuine); card 1 ranks first. Day 2: card 1 again (already
    // detected: removed) and card 3 (fraud).
    const scores = [0.9, 0.1, 0.8, 0.95, 0.7];
    const labels = [1, 0, 0, 1, 1];
    const cards = [1, 2, 2, 1, 3];
    const days = [1, 1, 1, 2, 2];
    const r = cardPrecisionAtK(scores, labels, cards, days, 1);
    expect(r.perDay).toEqual([1, 1]);
    expect(cardPrecisionAtK(scores, labels, cards, days, 2).perDay).toEqual([0.5, 0.5]);
  });
});
