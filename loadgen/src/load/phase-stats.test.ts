import { ratePhases } from './rate-profile';
import type { RateProfile } from './rate-profile';
import { PhaseBook, backlogSlopeTps } from './phase-stats';

describe('PhaseBook', () => {
  const ramp: RateProfile = {
    kind: 'ramp',
    steps: [
      { tps: 100, durationMs: 1000 },
      { tps: 200, durationMs: 1000 },
    ],
  };

  it('attributes sequence numbers to the phase that scheduled them', () => {
    const book = new PhaseBook(ramp, ratePhases(ramp, 2000), 300, 100);
    expect(book.stats.map((s) => [s.firstSeq, s.endSeq])).toEqual([
      [0, 100],
      [100, 300],
    ]);
    expect(book.of(99).phase.index).toBe(0);
    expect(book.of(100).phase.index).toBe(1);
    book.acked(90, 120, 5);
    expect(book.stats.map((s) => s.acked)).toEqual([10, 20]);
  });

  it('caps the phases at a count that cuts the run short', () => {
    const book = new PhaseBook(ramp, ratePhases(ramp, 2000), 50, 100);
    expect(book.stats.map((s) => [s.firstSeq, s.endSeq])).toEqual([
      [0, 50],
      [50, 50],
    ]);
  });
});

describe('backlogSlopeTps', () => {
  it('fits the growth per second', () => {
    const points = [0, 1000, 2000, 3000].map((tMs) => ({ tMs, backlog: 10 + tMs / 20 }));
    expect(backlogSlopeTps(points)).toBeCloseTo(50);
    expect(backlogSlopeTps([{ tMs: 0, backlog: 5 }])).toBe(0);
    expect(backlogSlopeTps([0, 1000, 2000].map((tMs) => ({ tMs, backlog: 7 })))).toBe(0);
  });
});
