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
});
