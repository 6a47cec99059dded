import type { PhaseReport } from '../load/load-report';
import { syntheticReport } from '../report/testing/synthetic-load-report';
import { compareRatios, percentLabel, ratioKey, type RatioRun } from './tracing-scenario';

describe('tracing scenario names', () => {
  it.each([
    [0, '0 %', '0pct'],
    [0.01, '1 %', '1pct'],
    [1, '100 %', '100pct'],
    [0.005, '0.5 %', '0_5pct'],
  ])('ratio %p is "%s" in the table and %s in figure names', (ratio, label, key) => {
    expect(percentLabel(ratio)).toBe(label);
    expect(ratioKey(ratio)).toBe(key);
  });
});

/** A ramp step of a synthetic run: held or not, its p50/p99 and the workers' cores. */
function phase(
  base: PhaseReport,
  index: number,
  tps: number,
  held: boolean,
  p99Ms: number,
  cores: number,
): PhaseReport {
  return {
    ...base,
    index,
    name: `step ${index + 1} @ ${tps} tx/s`,
    targetTps: tps,
    achievedTps: tps,
    held,
    latency: { ...base.latency, p50Ms: p99Ms / 2, p99Ms },
    cpu: { machineBusy: 0.5, selfCores: 0.1, processCores: { 'worker 1': cores, jaeger: 0.25 } },
  };
}

/** A ramp at `ratio` whose steps of 500, 1000 and 2000 tx/s were held as `held` says. */
function rampRun(ratio: number, held: readonly boolean[], cores: number, dropped = 0): RatioRun {
  const report = syntheticReport();
  const base = report.phases[0] as PhaseReport;
  const phases = [500, 1000, 2000].map((tps, i) =>
    phase(base, i, tps, held[i] ?? false, 10 + i * 10 + ratio * 5, cores + i),
  );
  return {
    ratio,
    run: {
      label: `tracing ${percentLabel(ratio)} ramp`,
      slug: 'x',
      worker: 'scoring',
      workers: 1,
      report: { ...report, phases },
    },
    exports: { exported: ratio * 1000, dropped, failedExports: 0 },
  };
}

describe('compareRatios', () => {
  const context = {
    ratios: [0, 0.01, 1],
    repeats: 1,
    otlpEndpoint: 'http://127.0.0.1:14318',
    unreachable: null,
  };

  it('compares capacity, and latency and CPU at the highest step every ratio held', () => {
    const { table, figures, summaries } = compareRatios(
      [
        rampRun(0, [true, true, true], 1),
        rampRun(0.01, [true, true, false], 1.1),
        rampRun(1, [true, true, false], 1.4, 12),
      ],
      context,
    );
    expect(figures.common_rate_tps).toBe(1000);
    expect(summaries.map((s) => s.capacityTps)).toEqual([2000, 1000, 1000]);
    expect(figures.capacity_change_100pct).toBeCloseTo(-0.5);
    // At 1000 tx/s (step 2): p99 = 20 + ratio × 5, cores = base + 1.
    expect(summaries.map((s) => s.p99Ms)).toEqual([20, 20.05, 25]);
    expect(summaries.map((s) => s.workerCores)).toEqual([2, 2.1, 2.4]);
    // The headline is the workers' default ratio, 1 %.
    expect(figures.headline_sampling_ratio).toBe(0.01);
    expect(figures.rate_tps).toBe(1000);
    expect(figures.p99_ms).toBe(20.05);
    expect(table.columns[3]).toBe('p50 @ 1000 tx/s (ms)');
    expect(table.rows).toEqual([
      ['0 %', '2000', '0.0 %', '10.00', '20.00', '2.00', '0.25', '0', '0', '0'],
      ['1 %', '1000', '-50.0 %', '10.03', '20.05', '2.10', '0.25', '10', '0', '0'],
      ['100 %', '1000', '-50.0 %', '12.50', '25.00', '2.40', '0.25', '1000', '12', '0'],
    ]);
  });

  it('says so when no step was held by every ratio, and names an unreachable receiver', () => {
    const { table, figures } = compareRatios(
      [rampRun(0, [true, false, false], 1), rampRun(1, [false, false, false], 1)],
      { ...context, ratios: [0, 1], unreachable: 'ECONNREFUSED' },
    );
    expect(figures.common_rate_tps).toBeNull();
    expect(figures.otlp_endpoint_reachable).toBe(false);
    expect(table.rows.map((r) => r.slice(0, 5))).toEqual([
      ['0 %', '500', '0.0 %', '–', '–'],
      ['100 %', '0', '-100.0 %', '–', '–'],
    ]);
    expect(table.notes.join(' ')).toContain('did NOT answer (ECONNREFUSED)');
    expect(table.notes.join(' ')).toContain('No ramp step was held by every row');
  });
});
