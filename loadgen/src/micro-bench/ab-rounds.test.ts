import { callsPerBlock, roundOrder, runAlternating, summarisePairs } from './ab-rounds';

describe('A/B rounds', () => {
  it('flips which side goes first every round', () => {
    expect([0, 1, 2, 3].map(roundOrder)).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
      ['b', 'a'],
    ]);
  });

  it('runs the sides one at a time in that order and pairs each round', async () => {
    const calls: string[] = [];
    const samples = await runAlternating(3, (side, round) => {
      calls.push(`${round}${side}`);
      return Promise.resolve(side === 'a' ? 10 + round : 20 + round);
    });
    expect(calls).toEqual(['0a', '0b', '1b', '1a', '2a', '2b']);
    expect(samples).toEqual([
      { a: 10, b: 20 },
      { a: 11, b: 21 },
      { a: 12, b: 22 },
    ]);
  });

  it('takes medians per side and the median of the per-round ratios', () => {
    const s = summarisePairs([
      { a: 10, b: 30 }, // ratio 3
      { a: 20, b: 20 }, // ratio 1
      { a: 100, b: 200 }, // ratio 2 (a noisy round: both sides slow)
    ]);
    expect(s).toEqual({ rounds: 3, aMedian: 20, bMedian: 30, ratioMedian: 2 });
  });

  it('summarises no rounds as NaN rather than inventing figures', () => {
    const s = summarisePairs([]);
    expect(s.rounds).toBe(0);
    expect(Number.isNaN(s.ratioMedian)).toBe(true);
  });

  it('sizes timed blocks to the target, within bounds', () => {
    expect(callsPerBlock(100, 0.5)).toBe(200);
    expect(callsPerBlock(100, 250)).toBe(1);
    expect(callsPerBlock(100, 0.000001, 5000)).toBe(5000);
    expect(callsPerBlock(100, 0, 5000)).toBe(5000);
  });
});
