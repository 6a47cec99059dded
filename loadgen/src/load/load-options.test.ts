import { LoadOptionsError } from '../errors';
import { DEFAULT_LOAD_OPTIONS, compileLoadOptions, timeToReach } from './load-options';

const base = { brokers: ['127.0.0.1:19092'], profile: { kind: 'constant', tps: 100 } as const };

describe('compileLoadOptions', () => {
  it('fills defaults and works out the count and phases', () => {
    const o = compileLoadOptions({ ...base, durationMs: 10_000 }, () => 'abc');
    expect(o.totalCount).toBe(1000);
    expect(o.sendDurationMs).toBe(10_000);
    expect(o.runId).toBe('lg-abc-');
    expect(o.graceMs).toBe(DEFAULT_LOAD_OPTIONS.graceMs);
    expect(o.topics.transactions).toBe('transactions');
    expect(o.phases).toHaveLength(1);
    expect(o.simulation.days).toBe(DEFAULT_LOAD_OPTIONS.simulationDays);
  });

  it('lets a count cut a run short, and runs a constant profile to its count', () => {
    expect(
      compileLoadOptions({ ...base, durationMs: 10_000, count: 50 }, () => 'x').totalCount,
    ).toBe(50);
    const byCount = compileLoadOptions({ ...base, count: 250 }, () => 'x');
    expect(byCount.totalCount).toBe(250);
    expect(byCount.sendDurationMs).toBeGreaterThanOrEqual(2500);
    expect(byCount.sendDurationMs).toBeLessThan(2510);
  });

  it.each([
    ['brokers', { ...base, brokers: [], durationMs: 1000 }],
    ['durationMs', { ...base }],
    ['graceMs', { ...base, durationMs: 1000, graceMs: -1 }],
    ['runId', { ...base, durationMs: 1000, runId: 'has space' }],
    ['topics.decisions', { ...base, durationMs: 1000, topics: { decisions: '' } }],
    ['traceSampleRatio', { ...base, durationMs: 1000, traceSampleRatio: 2 }],
  ])('rejects a bad %s, naming it', (setting, raw) => {
    expect.assertions(1);
    try {
      compileLoadOptions(raw, () => 'x');
    } catch (error) {
      expect(error instanceof LoadOptionsError && error.setting).toBe(setting);
    }
  });

  it('finds when a ramp reaches a count', () => {
    const ramp = {
      kind: 'ramp',
      steps: [
        { tps: 10, durationMs: 1000 },
        { tps: 100, durationMs: 1000 },
      ],
    } as const;
    expect(timeToReach(ramp, 10)).toBe(1000);
    expect(timeToReach(ramp, 60)).toBe(1500);
  });
});
