import type { RateProfile } from './rate-profile';
import { ratePhases } from './rate-profile';
import type { CpuSample } from '../measure/cpu-sampler';
import { RunMonitor, meanCpu, offeredRateDelivered } from './run-monitor';

const cpu: CpuSample = { machineBusy: 0.5, selfCores: 0.2, processCores: { 'worker 1': 0.4 } };
const ramp: RateProfile = {
  kind: 'ramp',
  steps: [
    { tps: 100, durationMs: 4000 },
    { tps: 200, durationMs: 4000 },
  ],
};

/** Drives a monitor through a two-step ramp: step 1 fast, step 2 slow and falling behind. */
function drive(): RunMonitor {
  const m = new RunMonitor({
    profile: ramp,
    phases: ratePhases(ramp, 8000),
    totalCount: 1200,
    latencyBudgetMs: 100,
    listLimit: 10,
  });
  m.start(0);
  // Step 1: 400 transactions, acked every 10 ms, verdicts 5 ms later.
  for (let seq = 0; seq < 400; seq += 1) {
    const at = seq * 10;
    m.acked(seq, seq + 1, at, 0, 1);
    m.verdict(seq, seq % 50 === 0 ? 'DECLINE' : 'APPROVE', at + 5);
  }
  // Step 2: 800 transactions, verdicts come 300 ms late and the last 200 never come.
  for (let seq = 400; seq < 1200; seq += 1) {
    const at = 4000 + (seq - 400) * 5;
    m.acked(seq, seq + 1, at, 0, 1);
    if (seq < 1000) m.verdict(seq, 'APPROVE', at + 300);
  }
  for (let t = 1000; t <= 8000; t += 1000) {
    // The backlog grows through step 2.
    m.sample(t, t <= 4000 ? 100 : 200, null, cpu);
  }
  return m;
}

describe('offeredRateDelivered', () => {
  it('allows 1 % of the offered rate or 1 tx/s, whichever is larger', () => {
    // 1 % of 5,000 is 50 tx/s.
    expect(offeredRateDelivered(4999, 5000)).toBe(true);
    expect(offeredRateDelivered(4950, 5000)).toBe(true);
    expect(offeredRateDelivered(4949, 5000)).toBe(false);
    // 1 % of 50 is 0.5: the 1 tx/s floor applies.
    expect(offeredRateDelivered(49, 50)).toBe(true);
    expect(offeredRateDelivered(48.9, 50)).toBe(false);
    expect(offeredRateDelivered(5000.4, 5000)).toBe(true);
    expect(offeredRateDelivered(0, 100)).toBe(false);
  });
});

describe('RunMonitor', () => {
  it('checks a phase: over-budget share and backlog growth', () => {
    const m = drive();
    const first = m.checkPhase(0);
    expect(first.acked).toBe(400);
    expect(first.overBudget).toBe(0);
    expect(first.p99WithinBudget).toBe(true);
    expect(first.backlogFlat).toBe(true);
    const second = m.checkPhase(1);
    expect(second.acked).toBe(800);
    expect(second.overBudget).toBe(800); // 600 late + 200 still waiting
    expect(second.p99WithinBudget).toBe(false);
  });

  it('reports phases as held or not, with the reasons', () => {
    const [first, second] = drive().phaseReports(8000);
    expect(first?.held).toBe(true);
    expect(first?.notHeldBecause).toEqual([]);
    expect(first?.latency.p99Ms).toBeCloseTo(5, 1);
    expect(first?.achievedTps).toBeCloseTo(100, 0);
    expect(first?.cpu?.processCores['worker 1']).toBeCloseTo(0.4);
    expect(second?.held).toBe(false);
    expect(second?.notHeldBecause.join(' ')).toContain('p99 over 100 ms');
  });

  it('holds a step whose rate came a hair short of the offered one, not one that fell behind', () => {
    const profile: RateProfile = { kind: 'ramp', steps: [{ tps: 100, durationMs: 4000 }] };
    const monitor = (lastAckAtMs: number): RunMonitor => {
      const m = new RunMonitor({
        profile,
        phases: ratePhases(profile, 4000),
        totalCount: 400,
        latencyBudgetMs: 100,
        listLimit: 10,
      });
      m.start(0);
      for (let seq = 0; seq < 400; seq += 1) {
        const at = seq === 399 ? lastAckAtMs : seq * 10;
        m.acked(seq, seq + 1, at, 0, 1);
        m.verdict(seq, 'APPROVE', at + 5);
      }
      for (let t = 1000; t <= 4000; t += 1000) m.sample(t, 100, null, cpu);
      return m;
    };
    // Every ack on time: exactly the offered rate.
    const [steady] = monitor(3990).phaseReports(4000);
    expect(steady?.achievedTps).toBeCloseTo(100, 6);
    // Last ack 30 ms after the step's end: 99.0 tx/s achieved of 100, within 1 tx/s.
    const [onTime] = monitor(4030).phaseReports(4030);
    expect(onTime?.achievedTps).toBeLessThan(100);
    expect(onTime?.held).toBe(true);
    // Last ack 200 ms late: 95.0 tx/s, the sender fell behind (the old 95 % rule held it).
    const [late] = monitor(4200).phaseReports(4200);
    expect(late?.held).toBe(false);
    expect(late?.notHeldBecause.join(' ')).toContain('the sender reached 95.0 of 100 tx/s');
  });

  it('marks a phase cut short by the end of sending as not held', () => {
    const [, second] = drive().phaseReports(6000);
    expect(second?.notHeldBecause).toContain('the run stopped before the phase ended');
  });

  it('counts foreign verdicts and duplicates apart from the run', () => {
    const m = drive();
    expect(m.verdict(-1, 'APPROVE', 1)).toBe('foreign');
    expect(m.verdict(0, 'APPROVE', 1)).toBe('duplicate');
    expect(m.foreign).toBe(1);
    expect(m.ledger.duplicates).toBe(1);
    expect(m.verdictRecords).toBe(1001);
    expect(m.quality.summary().bands.DECLINE).toBe(8);
  });
});

describe('RunMonitor latency hops', () => {
  const monitor = (epochOfClockMs?: number): RunMonitor =>
    new RunMonitor({
      profile: ramp,
      phases: ratePhases(ramp, 8000),
      totalCount: 10,
      latencyBudgetMs: 100,
      listLimit: 10,
      ...(epochOfClockMs === undefined ? {} : { epochOfClockMs }),
    });

  it("splits each first verdict's latency at the worker's timestamps", () => {
    const m = monitor(1_000_000);
    m.start(0);
    // Acked at epoch 1,000,010; consumed 3 ms later, decided after 2 ms, read 7 ms after that.
    m.acked(0, 2, 10, 0, 1);
    m.verdict(0, 'APPROVE', 22, { receivedAtMs: 1_000_013, scoredAtMs: 1_000_015 });
    // A duplicate does not count again; a clock a millisecond apart never goes below zero.
    m.verdict(0, 'APPROVE', 40, { receivedAtMs: 1_000_030, scoredAtMs: 1_000_031 });
    m.verdict(1, 'APPROVE', 20, { receivedAtMs: 1_000_009, scoredAtMs: 1_000_012 });
    const hops = m.latencyHops();
    expect(hops?.worker.count).toBe(2);
    expect(hops?.kafkaIn.maxMs).toBeCloseTo(3, 1);
    expect(hops?.kafkaIn.p50Ms).toBeCloseTo(0, 1);
    expect(hops?.worker.maxMs).toBeCloseTo(3, 1);
    expect(hops?.kafkaOut.maxMs).toBeCloseTo(8, 1);
  });

  it('has no hops without worker timestamps or without the clock offset', () => {
    const copies = monitor(0);
    copies.acked(0, 1, 10, 0, 1);
    copies.verdict(0, 'COPY', 20);
    expect(copies.latencyHops()).toBeNull();
    const noEpoch = monitor();
    noEpoch.acked(0, 1, 10, 0, 1);
    noEpoch.verdict(0, 'APPROVE', 20, { receivedAtMs: 13, scoredAtMs: 15 });
    expect(noEpoch.latencyHops()).toBeNull();
  });
});

describe('meanCpu', () => {
  it('averages machine, self and per-process cores, skipping unreadable samples', () => {
    const mean = meanCpu([
      cpu,
      { machineBusy: 1, selfCores: 0.4, processCores: { 'worker 1': null, 'worker 2': 1 } },
    ]);
    expect(mean?.machineBusy).toBeCloseTo(0.75);
    expect(mean?.selfCores).toBeCloseTo(0.3);
    expect(mean?.processCores).toEqual({ 'worker 1': 0.4, 'worker 2': 1 });
    expect(meanCpu([])).toBeNull();
  });
});
