import { BacktestTally } from './backtest-tally';
import { findings, noiseBound } from './backtest-report';
import type { LoadReport } from '../load/load-report';

const DAY_MS = 86_400_000;
const day0 = Date.parse('2018-05-01T00:00:00Z');

describe('BacktestTally', () => {
  it('compares each row once both verdicts are in, by replayed day, and forgets it', () => {
    const t = new BacktestTally();
    t.sent(0, day0 + 1000, 0);
    t.sent(1, day0 + 2000, 2);
    t.sent(2, day0 + DAY_MS + 5, 1);
    t.sent(3, day0 + DAY_MS + 6, 0);
    t.offline(0, 'APPROVE', false);
    t.live(0, 'APPROVE');
    t.live(1, 'DECLINE'); // live first, offline later
    t.offline(1, 'REVIEW', false);
    t.offline(2, 'APPROVE', true);
    t.live(2, 'REVIEW');
    t.live(2, 'APPROVE'); // a duplicate verdict changes nothing
    t.offline(3, 'APPROVE', false);
    expect(t.outstanding).toBe(1); // row 3 has no live verdict
    const a = t.agreement();
    expect([a.compared, a.agreeing, a.flaggedDiffering, a.differingExplained]).toEqual([
      3, 1, 1, 1,
    ]);
    expect(a.matrix.DECLINE.REVIEW).toBe(1);
    expect(a.matrix.REVIEW.APPROVE).toBe(1);
    expect(a.withoutLiveVerdict).toBe(1);
    const days = t.dayFigures();
    expect(days.map((d) => [d.day, d.transactions, d.frauds, d.agreeing])).toEqual([
      ['2018-05-01', 2, 1, 1],
      ['2018-05-02', 1, 1, 0],
    ]);
    expect(days[1]?.live.recall).toBe(1);
    expect(days[1]?.offline.recall).toBe(0);
    expect(t.offlineTotal.summary().truePositives).toBe(1);
  });
});

describe('noise bound and findings', () => {
  const load = { verdicts: { lost: 0, duplicates: 0, deadLetters: 0 } } as unknown as LoadReport;

  it('allows as many changed decisions as rows exposed or near a threshold, and no more', () => {
    const live = new BacktestTally();
    for (let i = 0; i < 100; i += 1) {
      live.sent(i, day0 + i, i < 10 ? 1 : 0);
      // Offline flags the 10 frauds; live misses two of them.
      live.offline(i, i < 10 ? 'DECLINE' : 'APPROVE', false);
      live.live(i, i < 8 ? 'DECLINE' : 'APPROVE');
    }
    const agreement = live.agreement();
    const dayLive = live.dayFigures()[0]?.live;
    const off = live.offlineTotal.summary();
    if (dayLive === undefined) throw new Error('no day');
    const within = noiseBound(
      { labelLatencyAllowanceMs: 2000, replayedMsPerWallMs: 1440 },
      { exposed: 1, nearThreshold: 1, frauds: 2 },
      dayLive,
      off,
    );
    expect(within.exposureMs).toBe(2_880_000);
    expect(within.allowedDiffering).toBe(2);
    expect(within.tolerance.recall).toBeCloseTo(0.2);
    expect(findings(dayLive, off, agreement, within, load)).toEqual([]);
    const tight = noiseBound(
      { labelLatencyAllowanceMs: 2000, replayedMsPerWallMs: 1440 },
      { exposed: 1, nearThreshold: 0, frauds: 1 },
      dayLive,
      off,
    );
    const found = findings(dayLive, off, agreement, tight, load);
    expect(found[0]).toMatch(/^2 transactions decided differently .* more than the 1/);
    expect(found.some((f) => f.startsWith('recall: live 80.00 % vs offline 100.00 %'))).toBe(true);
  });
});
