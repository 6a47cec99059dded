import { LoadOptionsError } from '../errors';
import type { StartWorker } from '../bench/bench-types';
import type { ClosedLoopOptions } from './closed-loop-options';
import {
  DEFAULT_CLOSED_LOOP_OPTIONS,
  SMOKE_CLOSED_LOOP_OPTIONS,
  compileClosedLoopOptions,
} from './closed-loop-options';

const startWorker: StartWorker = () => Promise.reject(new Error('not started in unit tests'));
const base: ClosedLoopOptions = { brokers: ['k:9092'], redisUrl: 'redis://r', startWorker };

describe('compileClosedLoopOptions', () => {
  it('applies the defaults, and the smoke sizes under them', () => {
    const full = compileClosedLoopOptions(base);
    expect(full).toMatchObject({
      workers: 2,
      days: 21,
      speed: DEFAULT_CLOSED_LOOP_OPTIONS.speed,
      backfillDays: 28,
      flaggedLabelDelayMs: 4 * 3_600_000,
      chargebackDelayMs: 20 * 86_400_000,
      simulation: {},
      smoke: false,
    });
    const smoke = compileClosedLoopOptions({ ...base, smoke: true, simulation: { seed: 3 } });
    expect(smoke).toMatchObject({
      workers: SMOKE_CLOSED_LOOP_OPTIONS.workers,
      days: 2,
      backfillDays: 7,
      chargebackDelayMs: 86_400_000,
      simulation: { customers: 200, terminals: 400, seed: 3 },
      smoke: true,
    });
    // What is given wins over the smoke size.
    expect(compileClosedLoopOptions({ ...base, smoke: true, days: 3 }).days).toBe(3);
  });

  it.each([
    ['workers', { workers: 0 }],
    ['days', { days: 1.5 }],
    ['speed', { speed: 0 }],
    ['backfillDays', { backfillDays: -1 }],
    ['flaggedLabelDelayMs', { flaggedLabelDelayMs: 1000 }],
    ['chargebackDelayMs', { chargebackDelayMs: Number.NaN }],
    ['partitions', { partitions: 0 }],
    ['graceMs', { graceMs: -5 }],
  ] as const)('refuses a bad %s, naming it', (name, bad) => {
    const attempt = (): unknown => compileClosedLoopOptions({ ...base, ...bad });
    expect(attempt).toThrow(LoadOptionsError);
    expect(attempt).toThrow(name);
  });
});
