import { BucketSeries } from './bucket-series';

function dump(s: BucketSeries): [number, number, number][] {
  const out: [number, number, number][] = [];
  const v = s.values();
  s.forEach((b, at) => out.push([b, v[at] ?? 0, v[at + 1] ?? 0]));
  return out;
}

describe('BucketSeries', () => {
  it('keeps buckets sorted through appends, late inserts, growth and pruning', () => {
    const s = new BucketSeries(2);
    for (let b = 10; b < 30; b += 2) s.add(b, [1, 0]);
    s.add(10, [0, 1]); // a late label on an existing bucket
    s.add(11, [0, 1]); // a late label on a new, older bucket
    s.add(5, [1, 1]); // before everything
    expect(dump(s).slice(0, 4)).toEqual([
      [5, 1, 1],
      [10, 1, 1],
      [11, 0, 1],
      [12, 1, 0],
    ]);
    expect(s.size).toBe(12);
    expect(s.newest()).toBe(28);
    // 3 of 12 below 12: fewer than half, so they stay (and are counted).
    expect(s.prune(12)).toBe(3);
    expect(s.size).toBe(12);
    // 7 of 12 below 20: dropped.
    expect(s.prune(20)).toBe(0);
    expect(dump(s)[0]).toEqual([20, 1, 0]);
    s.add(11, [1, 0]); // inserted at the front after a prune
    expect(dump(s)[0]).toEqual([11, 1, 0]);
    expect(s.prune(100)).toBe(0);
    expect(s.size).toBe(0);
    expect(s.newest()).toBe(-Infinity);
  });
});
