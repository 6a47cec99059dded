import { LatencyHistogram } from './latency-histogram';

describe('LatencyHistogram', () => {
  it('gives percentiles within 0.1 % and an exact within-budget share', () => {
    const h = new LatencyHistogram(100);
    for (let i = 1; i <= 10_000; i += 1) h.record(i / 100); // 0.01 .. 100 ms
    h.record(250);
    const s = h.summary();
    expect(s.count).toBe(10_001);
    expect(s.p50Ms).toBeCloseTo(50, 0);
    expect(Math.abs((s.p99Ms as number) - 99) / 99).toBeLessThan(0.001);
    expect(s.maxMs).toBeCloseTo(250, 0);
    expect(s.withinBudget).toBe(10_000);
    expect(s.withinBudgetShare).toBeCloseTo(10_000 / 10_001, 10);
    expect(h.overBudget).toBe(1);
  });

  it('has null figures when empty and counts negative latencies as 0', () => {
    const h = new LatencyHistogram(100);
    expect(h.summary().p99Ms).toBeNull();
    expect(h.summary().withinBudgetShare).toBeNull();
    h.record(-3);
    expect(h.summary().maxMs).toBeLessThan(0.01);
    h.reset();
    expect(h.count).toBe(0);
  });

  it('bins samples on a log scale for the plot', () => {
    const h = new LatencyHistogram(100);
    h.record(1);
    h.record(1.01);
    h.record(50);
    const bins = h.plotBins();
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(3);
    for (const b of bins) expect(b.toMs).toBeGreaterThan(b.fromMs);
    expect(bins.find((b) => b.fromMs <= 50 && 50 < b.toMs)?.count).toBe(1);
  });
});
