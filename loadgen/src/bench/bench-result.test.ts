import type { LatencySummary } from '../measure/latency-histogram';
import { syntheticReport } from '../report/testing/synthetic-load-report';
import { atLeast, atMost, bestHeldPhase, heldRateTps, median } from './bench-result';
import { explainAgainstTransport, explainCpu, explainRun } from './limits';
import { judgedLatency, recoveryMs } from './scenarios';

describe('target checks', () => {
  it('say by how much a target was missed', () => {
    expect(atMost('p99', 25, 20, ' ms')).toEqual({
      name: 'p99',
      target: '≤ 20 ms',
      measured: '25.0 ms',
      met: false,
      missedBy: '5.0 ms over (25 % above target)',
    });
    expect(atLeast('rate', 4000, 5000, ' tx/s', 0).missedBy).toBe(
      '1000 tx/s short (20 % below target)',
    );
    expect(atLeast('rate', 5000, 5000, ' tx/s', 0)).toMatchObject({ met: true, missedBy: null });
    expect(atMost('p99', null, 20, ' ms')).toMatchObject({
      met: false,
      measured: 'not measured',
      missedBy: null,
    });
  });

  it('take medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('reading reports', () => {
  it('finds the highest held phase', () => {
    const r = syntheticReport();
    const held = { ...r.phases[0]!, held: true, targetTps: 100, achievedTps: 100 };
    const faster = { ...held, index: 1, targetTps: 300, achievedTps: 300, held: false };
    const best = bestHeldPhase({
      ...r,
      phases: [held, faster, { ...held, index: 2, targetTps: 200, achievedTps: 199.6 }],
    });
    expect(best?.index).toBe(2);
    expect(bestHeldPhase({ ...r, phases: [faster] })).toBeUndefined();
  });

  it('ranks held steps by their offered rate, and a held step holds its offered rate', () => {
    const r = syntheticReport();
    const step = (index: number, targetTps: number, achievedTps: number) => ({
      ...r.phases[0]!,
      index,
      held: true,
      targetTps,
      achievedTps,
    });
    // 4,999 tx/s measured at the 5,000 step: that step was held at 5,000, not "1 tx/s short".
    const best = bestHeldPhase({ ...r, phases: [step(0, 4000, 4000.2), step(1, 5000, 4999)] });
    expect(best?.index).toBe(1);
    expect(heldRateTps(best)).toBe(5000);
    expect(atLeast('rate', heldRateTps(best), 5000, ' tx/s', 0)).toMatchObject({
      met: true,
      missedBy: null,
    });
    expect(heldRateTps(undefined)).toBe(0);
  });

  it('judges the stretch after a warm-up, or the whole run without one', () => {
    const r = syntheticReport();
    const phase = r.phases[0]!;
    const warm = { ...phase, warmUp: true, latency: { ...phase.latency, p99Ms: 180 } };
    const measured = {
      ...phase,
      index: 1,
      warmUp: false,
      latency: { ...phase.latency, p99Ms: 12 },
    };
    expect(judgedLatency({ ...r, phases: [warm, measured] }).p99Ms).toBe(12);
    expect(judgedLatency({ ...r, phases: [measured] })).toBe(r.latency);
  });

  it('measures the recovery after a burst from the per-second p99', () => {
    const r = syntheticReport();
    const at = (tMs: number, p99Ms: number | null): (typeof r.series)[number] => ({
      ...r.series[0]!,
      tMs,
      p99Ms,
    });
    const series = [
      at(1000, 5),
      at(2000, 400),
      at(3000, 250),
      at(4000, 80),
      at(5000, 120),
      at(6000, 30),
      at(7000, 20),
    ];
    expect(recoveryMs({ ...r, series }, 2000)).toBe(3000);
    expect(recoveryMs({ ...r, series: series.slice(0, 2).concat([at(3000, 10)]) }, 2500)).toBe(0);
    expect(recoveryMs({ ...r, series: [at(3000, 10), at(4000, 500)] }, 2000)).toBeNull();
  });
});

describe('limits', () => {
  it('calls a busy machine CPU-bound and names a saturated worker', () => {
    const lines = explainCpu(
      { machineBusy: 0.97, selfCores: 0.5, processCores: { 'worker 1': 0.95 } },
      2,
      'step 5',
    );
    expect(lines[0]).toContain('CPU-bound');
    expect(lines[0]).toContain(
      'load generator 0.50 cores, workers 0.95 cores, the rest (Kafka, Redis, other processes) 0.49 cores',
    );
    expect(lines.some((l) => l.includes('worker 1 used 0.95 cores'))).toBe(true);
    expect(
      explainCpu({ machineBusy: 0.4, selfCores: 0.1, processCores: {} }, 2, 'x')[0],
    ).not.toContain('CPU-bound');
  });

  it('lists delivery problems of a run', () => {
    const lines = explainRun(syntheticReport(), 'seed');
    expect(lines).toContain(
      'seed: 1 transactions got no verdict within the 10000 ms grace period.',
    );
    expect(lines).toContain(
      'seed: 1 duplicate verdicts (redeliveries after a rebalance or a retried send).',
    );
    expect(lines).toContain('seed: 1 transactions were dead-lettered.');
  });
});

describe('limits against the transport alone', () => {
  const withP99 = (p50Ms: number, p99Ms: number): LatencySummary => ({
    ...syntheticReport().latency,
    p50Ms,
    p99Ms,
  });

  it('says when the transport alone already misses the target', () => {
    const [line] = explainAgainstTransport(withP99(6, 27.3), withP99(3.7, 31), 20);
    expect(line).toContain(
      'p50 3.7 ms and p99 31.0 ms: over the 20 ms target before anything is scored',
    );
    expect(line).toContain("the scoring run's p99 was 3.7 ms lower still");
  });

  it('says what scoring adds when the transport is within the target', () => {
    const [line] = explainAgainstTransport(withP99(6, 27.3), withP99(3, 12.3), 20);
    expect(line).toContain('within the 20 ms target; scoring added 15.0 ms at p99');
  });

  it('says nothing without latencies', () => {
    const none = { ...syntheticReport().latency, p99Ms: null };
    expect(explainAgainstTransport(none, withP99(3, 12), 20)).toEqual([]);
  });
});

describe('limits with the stack watched', () => {
  it('names Kafka and Redis apart from the workers and the rest', () => {
    const [line] = explainCpu(
      { machineBusy: 1, selfCores: 0.3, processCores: { 'worker 1': 0.5, kafka: 0.6, redis: 0.1 } },
      2,
      'seed',
    );
    expect(line).toContain(
      'load generator 0.30 cores, workers 0.50 cores, kafka 0.60 cores, redis 0.10 cores, everything else 0.50 cores',
    );
  });
});
