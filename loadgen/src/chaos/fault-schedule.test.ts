import type { WorkerHandle } from '../bench/bench-types';
import type { FaultKind } from './chaos-options';
import {
  BROKER_FAULT_GRACE_MS,
  compileChaosOptions,
  settingsFor,
  SMOKE_CHAOS_DURATIONS,
} from './chaos-options';
import { planFaults } from './fault-schedule';

const startWorker = (): Promise<WorkerHandle> => Promise.resolve({ stop: () => Promise.resolve() });

describe('planFaults', () => {
  it('plans the default sequence: worker faults on rotating slots, the others on what they hit', () => {
    const o = compileChaosOptions({ brokers: ['k:1'], startWorker });
    const plan = planFaults(o);
    expect(plan.steps.map((s) => [s.name, s.target, s.slot, s.replaceAtEnd])).toEqual([
      ['1-kill-restart', 'worker', 0, false],
      ['2-stop', 'worker', 1, false],
      ['3-rolling', 'worker', 2, false],
      ['4-broker-kill', 'kafka', undefined, false],
      ['5-redis-stop', 'redis', undefined, false],
      ['6-redis-kill', 'redis', undefined, false],
      ['7-redis-oom', 'redis', undefined, false],
      ['8-poison', 'input', undefined, false],
      ['9-bad-model', 'model', undefined, false],
      ['10-kill', 'worker', 0, true],
    ]);
    expect(plan.steps.map((s) => [s.holdMs, s.afterMs])).toEqual([
      [20_000, 0],
      [10_000, 20_000],
      [10_000, 0],
      [20_000, 0],
      [10_000, 20_000],
      [20_000, 0],
      [20_000, 20_000],
      [10_000, 0],
      [20_000, 0],
      [30_000, 0],
    ]);
    expect(plan.steps.every((s) => s.quietAfterMs === 20_000)).toBe(true);
    expect(plan.leadInMs).toBe(20_000);
    expect(plan.minimumMs).toBe(
      20_000 +
        (20_000 + 30_000 + 10_000 + 20_000 + 30_000 + 20_000 + 40_000 + 10_000 + 20_000 + 30_000) +
        10 * 20_000,
    );
  });

  it('rotates the slot hit over the fleet', () => {
    const o = compileChaosOptions({
      brokers: ['k:1'],
      startWorker,
      workers: 2,
      faults: ['kill', 'kill', 'kill'],
    });
    expect(planFaults(o).steps.map((s) => s.slot)).toEqual([0, 1, 0]);
  });

  it('holds a stopped worker past the session timeout, then watches the zombie', () => {
    const o = compileChaosOptions({
      brokers: ['k:1'],
      startWorker,
      faults: ['stop'],
      sessionTimeoutMs: 9000,
    });
    const [stop] = planFaults(o).steps;
    expect(stop?.holdMs).toBe(13_000);
    expect(stop?.afterMs).toBe(20_000);
  });

  it('shrinks every duration to seconds in smoke mode', () => {
    const o = compileChaosOptions({ brokers: ['k:1'], startWorker, smoke: true });
    const plan = planFaults(o);
    expect(plan.leadInMs).toBe(SMOKE_CHAOS_DURATIONS.leadInMs);
    for (const s of plan.steps) expect(s.holdMs + s.afterMs).toBeLessThanOrEqual(12_000);
    expect(plan.minimumMs).toBeLessThan(90_000);
    // kill still outlasts the session timeout, or the recovery would fall outside its window.
    expect(plan.steps.find((s) => s.kind === 'kill')?.holdMs).toBeGreaterThan(6000);
  });
});

describe('compileChaosOptions', () => {
  it('refuses static membership and the consumer protocol with kafkajs alone', () => {
    expect(() =>
      compileChaosOptions({ brokers: ['k:1'], startWorker, staticMembership: true }),
    ).toThrow(/staticMembership: expected a librdkafka client/);
    expect(() =>
      compileChaosOptions({ brokers: ['k:1'], startWorker, groupProtocol: 'consumer' }),
    ).toThrow(/groupProtocol/);
  });

  it('applies them to the librdkafka runs only when kafkajs runs beside librdkafka', () => {
    const o = compileChaosOptions({
      brokers: ['k:1'],
      startWorker,
      clients: ['kafkajs', 'librdkafka'],
      staticMembership: true,
      groupProtocol: 'consumer',
    });
    expect(settingsFor(o, 'kafkajs')).toEqual({
      staticMembership: false,
      groupProtocol: 'classic',
    });
    expect(settingsFor(o, 'librdkafka')).toEqual({
      staticMembership: true,
      groupProtocol: 'consumer',
    });
  });

  it('keeps the heartbeat within a third of the session timeout', () => {
    expect(compileChaosOptions({ brokers: ['k:1'], startWorker }).heartbeatIntervalMs).toBe(1000);
    expect(
      compileChaosOptions({ brokers: ['k:1'], startWorker, sessionTimeoutMs: 1500 })
        .heartbeatIntervalMs,
    ).toBe(500);
    expect(() =>
      compileChaosOptions({
        brokers: ['k:1'],
        startWorker,
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 2500,
      }),
    ).toThrow(/heartbeatIntervalMs/);
  });

  it('waits longer for the last verdicts after a broker fault, unless told otherwise', () => {
    const grace = (faults: FaultKind[], graceMs?: number): number =>
      compileChaosOptions({
        brokers: ['k:1'],
        startWorker,
        smoke: true,
        faults,
        ...(graceMs === undefined ? {} : { durations: { graceMs } }),
      }).durations.graceMs;
    expect(grace(['redis-stop'])).toBe(SMOKE_CHAOS_DURATIONS.graceMs);
    expect(grace(['redis-stop', 'broker-kill'])).toBe(BROKER_FAULT_GRACE_MS);
    expect(grace(['broker-kill'], 5000)).toBe(5000);
  });

  it('refuses an empty or repeated client list', () => {
    expect(() => compileChaosOptions({ brokers: ['k:1'], startWorker, clients: [] })).toThrow(
      /clients/,
    );
    expect(() =>
      compileChaosOptions({ brokers: ['k:1'], startWorker, clients: ['kafkajs', 'kafkajs'] }),
    ).toThrow(/each client once/);
  });
});
