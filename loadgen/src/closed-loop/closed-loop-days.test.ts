import type { NoiseBound } from '../backtest/backtest-report';
import { noiseBound } from '../backtest/backtest-report';
import type { DayFigures } from '../backtest/backtest-tally';
import type { DecisionBand } from '../measure/run-ledger';
import { QualityTally } from '../measure/quality-tally';
import { addQuality, closedLoopDays, judgeTarget } from './closed-loop-days';

type Verdict = readonly [DecisionBand, number];

function tally(verdicts: readonly Verdict[]): QualityTally {
  const t = new QualityTally();
  for (const [band, scenario] of verdicts) t.record(band, scenario);
  return t;
}

/** `n` copies of a verdict. */
function times(n: number, v: Verdict): Verdict[] {
  return Array.from({ length: n }, () => v);
}

function day(i: number, live: readonly Verdict[], offline = live): DayFigures {
  const differing = live.filter((v, k) => offline[k]?.[0] !== v[0]).length;
  return {
    day: `2018-05-${String(i).padStart(2, '0')}`,
    transactions: live.length,
    frauds: live.filter(([, s]) => s > 0).length,
    live: tally(live).summary(),
    offline: tally(offline).summary(),
    agreeing: live.length - differing,
  };
}

const empty = new QualityTally().summary();

function noise(allowed: number): NoiseBound {
  return noiseBound(
    { labelLatencyAllowanceMs: 2000, replayedMsPerWallMs: 2880 },
    { exposed: allowed, nearThreshold: 0, frauds: allowed },
    empty,
    empty,
  );
}

/** A day on which DECLINE is right `tp` times, wrong `fp` times, and misses `fn` frauds. */
function verdicts(tp: number, fp: number, fn: number, reviewed = 0): Verdict[] {
  return [
    ...times(tp, ['DECLINE', 2]),
    ...times(fp, ['DECLINE', 0]),
    ...times(fn, ['APPROVE', 3]),
    ...times(reviewed, ['REVIEW', 0]),
    ...times(50, ['APPROVE', 0]),
  ];
}

describe('addQuality', () => {
  it('gives what one tally over both sets of verdicts gives', () => {
    const a = verdicts(3, 1, 2, 4);
    const b: Verdict[] = [...verdicts(5, 4, 0), ['REVIEW', 1], ['COPY', 0]];
    expect(addQuality(tally(a).summary(), tally(b).summary())).toEqual(
      tally([...a, ...b]).summary(),
    );
  });
});

describe('closedLoopDays', () => {
  it('keeps running totals from the first day, and says when live and offline part beyond the noise', () => {
    const days = closedLoopDays(
      [
        day(1, verdicts(4, 0, 0)),
        // Offline declines 4 genuine transactions that live approved: precision 8/8 against 8/12.
        day(2, verdicts(4, 0, 0), verdicts(4, 4, 0)),
      ],
      noise(1),
    );
    expect(days.map((d) => d.index)).toEqual([1, 2]);
    expect(days[0]?.liveTotal.declinePrecision).toBe(1);
    expect(days[1]?.live.declineRecall).toBe(1);
    expect(days[1]?.offlineTotal.declinePrecision).toBeCloseTo(8 / 12);
    expect(days[1]?.differing).toBe(4);
    expect(days.map((d) => d.withinNoise)).toEqual([true, false]);
    // Four transactions allowed to differ: within noise.
    const wide = closedLoopDays(
      [day(1, verdicts(4, 0, 0)), day(2, verdicts(4, 0, 0), verdicts(4, 4, 0))],
      noise(4),
    );
    expect(wide[1]?.withinNoise).toBe(true);
  });
});

describe('judgeTarget', () => {
  const good = verdicts(9, 1, 1);
  it('judges the running totals from day 8 on and names the worst day', () => {
    // Day 1 alone is bad (precision 1/5), but day 8's running total is not judged until then.
    const figures = [
      day(1, verdicts(1, 4, 0)),
      ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => day(i, good)),
    ];
    const t = judgeTarget(closedLoopDays(figures, noise(0)));
    expect(t.judgedDays).toBe(2);
    expect(t.met).toBe(true);
    expect(t.worstDeclinePrecision?.day).toBe('2018-05-08');
    expect(t.worstDeclinePrecision?.value).toBeCloseTo(64 / 75);
    expect(t.missedBy).toBeNull();
  });

  it('says by how much a floor was missed', () => {
    const figures = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => day(i, verdicts(6, 1, 4)));
    const t = judgeTarget(closedLoopDays(figures, noise(0)));
    expect(t.met).toBe(false);
    expect(t.missedBy).toBe('DECLINE recall 60.0 % on 2018-05-08, 20.0 % under 80 %');
  });

  it('does not judge a run shorter than the first week', () => {
    const t = judgeTarget(closedLoopDays([day(1, good)], noise(0)));
    expect(t).toMatchObject({ judgedDays: 0, met: null, missedBy: null });
  });
});
