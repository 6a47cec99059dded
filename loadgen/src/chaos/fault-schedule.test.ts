import type { WorkerHandle } from '../bench/bench-types';
import { compileChaosOptions, settingsFor, SMOKE_CHAOS_DURATIONS } from './chaos-options';
import { planFaults } from './fault-schedule';

const startWorker = (): Promise<WorkerHandle> => Promise.resolve({ stop: () => Promise.resolve() });

describe('planFaults', () => {
  it('plans the default sequence: kill-restart, rolling, kill with a replacement at its end', () => {
    const o = compileChaosOptions({ brokers: ['k:1'], startWorker });
    const plan = planFaults(o);
    expect(plan.steps.map((s) => [s.name, s.slot, s.replaceAtEnd])).toEqual([
      ['1-kill-restart', 0, false],
      ['2-rolling', 1, false],
      ['3-kill', 2, true],
    ]);
    expect(plan.steps.map((s) => s.holdMs)).toEqual([20_000, 10_000, 30_000]);
    expect(plan.steps.every((s) => s.quietAfterMs === 20_000)).toBe(true);
    expect(plan.leadInMs).toBe(20_000);
    expect(plan.minimumMs).toBe(20_000 + 20_000 + 10_000 + 30_000 + 3 * 20_000);
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
    expect(plan.minimumMs).toBeLessThan(40_000);
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

  it('refuses an empty or repeated client list', () => {
    expect(() => compileChaosOptions({ brokers: ['k:1'], startWorker, clients: [] })).toThrow(
      /clients/,
    );
    expect(() =>
      compileChaosOptions({ brokers: ['k:1'], startWorker, clients: ['kafkajs', 'kafkajs'] }),
    ).toThrow(/each client once/);
  });
});
