import { QualityTally } from './quality-tally';

describe('QualityTally', () => {
  it('computes precision and recall at the REVIEW threshold, and recall per scenario', () => {
    const q = new QualityTally();
    q.record('DECLINE', 1); // TP
    q.record('REVIEW', 2); // TP
    q.record('APPROVE', 2); // FN
    q.record('APPROVE', 3); // FN
    q.record('REVIEW', 0); // FP
    q.record('APPROVE', 0); // TN
    q.record('APPROVE', 0); // TN
    const s = q.summary();
    expect([s.truePositives, s.falsePositives, s.falseNegatives, s.trueNegatives]).toEqual([
      2, 1, 2, 2,
    ]);
    expect(s.precision).toBeCloseTo(2 / 3);
    expect(s.recall).toBeCloseTo(2 / 4);
    expect(s.bands).toEqual({ APPROVE: 4, REVIEW: 2, DECLINE: 1, COPY: 0 });
    // The one DECLINE is a fraud: precision 1, and one of the four frauds declined.
    expect(s.declinePrecision).toBe(1);
    expect(s.declineRecall).toBeCloseTo(1 / 4);
    expect(s.perScenario).toEqual([
      { scenario: 1, frauds: 1, flagged: 1, recall: 1 },
      { scenario: 2, frauds: 2, flagged: 1, recall: 0.5 },
      { scenario: 3, frauds: 1, flagged: 0, recall: 0 },
    ]);
  });

  it('has no precision before anything is flagged and leaves copies unscored', () => {
    const q = new QualityTally();
    q.record('COPY', 1);
    q.record('APPROVE', -1);
    expect(q.precision).toBeNull();
    expect(q.recall).toBeNull();
    expect(q.summary().unscored).toBe(2);
    expect(q.summary().declinePrecision).toBeNull();
    expect(q.summary().declineRecall).toBeNull();
    expect(q.summary().bands.COPY).toBe(1);
  });
});
