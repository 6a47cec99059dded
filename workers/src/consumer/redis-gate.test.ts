import type Redis from 'ioredis';
import { healthKey, HEALTH_KEY_TTL_MS, probeWrite } from '../redis/redis-clients';
import { RedisGate } from './redis-gate';

describe('RedisGate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pauses once, probes until Redis answers, then resumes once', async () => {
    const events: string[] = [];
    let up = false;
    const gate = new RedisGate({
      intervalMs: 100,
      probe: () => (up ? Promise.resolve() : Promise.reject(new Error('ECONNREFUSED'))),
      onClose: () => events.push('pause'),
      onOpen: () => events.push('resume'),
    });
    gate.trip(new Error('down'));
    gate.trip(new Error('still down'));
    expect(gate.open).toBe(false);
    await jest.advanceTimersByTimeAsync(350);
    expect(events).toEqual(['pause']);
    up = true;
    await jest.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['pause', 'resume']);
    expect(gate.open).toBe(true);
    gate.stop();
  });

  it('stops probing when stopped', async () => {
    const probe = jest.fn(() => Promise.reject(new Error('down')));
    const gate = new RedisGate({
      intervalMs: 10,
      probe,
      onClose: () => undefined,
      onOpen: () => undefined,
    });
    gate.trip(new Error('down'));
    await jest.advanceTimersByTimeAsync(35);
    gate.stop();
    const calls = probe.mock.calls.length;
    await jest.advanceTimersByTimeAsync(100);
    expect(probe.mock.calls.length).toBe(calls);
  });

  it('stays closed while Redis answers but refuses writes, and says why', async () => {
    const events: string[] = [];
    const oom = Object.assign(
      new Error("OOM command not allowed when used memory > 'maxmemory'."),
      {
        name: 'ReplyError',
      },
    );
    let refusing = true;
    let now = 1_000;
    const gate = new RedisGate({
      intervalMs: 100,
      now: () => now,
      // A write probe: refused while Redis is out of memory (a PING would pass).
      probe: () => (refusing ? Promise.reject(oom) : Promise.resolve()),
      onClose: () => events.push('pause'),
      onOpen: () => events.push('resume'),
    });
    expect(gate.state).toEqual({ open: true, closedSince: null, reason: null });
    gate.trip(new Error('Command timed out'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual(['pause']);
    expect(gate.state).toMatchObject({ open: false, closedSince: 1_000 });
    // The last failed probe's, not the trip's: what holds the gate closed now.
    expect(gate.state.reason).toMatch(/^ReplyError: OOM command not allowed/);
    refusing = false;
    now = 2_000;
    await jest.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['pause', 'resume']);
    expect(gate.state).toEqual({ open: true, closedSince: null, reason: null });
    gate.stop();
  });
});

describe('probeWrite', () => {
  it('writes the health key with a short TTL', async () => {
    const calls: unknown[][] = [];
    const redis = {
      set: (...args: unknown[]) => {
        calls.push(args);
        return Promise.resolve('OK');
      },
    } as unknown as Redis;
    const key = healthKey({ featureKeyPrefix: 'fs:feat:', instanceId: 'w-1' });
    await probeWrite(redis, key);
    expect(calls).toEqual([['fs:feat:health:w-1', expect.any(String), 'PX', HEALTH_KEY_TTL_MS]]);
  });

  it('fails when Redis refuses the write', async () => {
    const redis = {
      set: () => Promise.reject(new Error("READONLY You can't write against a read only replica.")),
    } as unknown as Redis;
    await expect(probeWrite(redis, 'k')).rejects.toThrow(/READONLY/);
  });
});
