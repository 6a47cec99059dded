import { LoadOptionsError } from '../errors';
import type { RateProfile } from './rate-profile';
import {
  phaseIndexAt,
  profileDurationMs,
  ratePhases,
  scheduledCount,
  targetTpsAt,
  validateRateProfile,
} from './rate-profile';

const ramp: RateProfile = {
  kind: 'ramp',
  steps: [
    { tps: 100, durationMs: 2000 },
    { tps: 300, durationMs: 1000 },
  ],
};
const burst: RateProfile = {
  kind: 'burst',
  baseTps: 10,
  burstFactor: 10,
  burstAtMs: 1000,
  burstMs: 500,
};

describe('scheduledCount', () => {
  it('integrates a constant rate', () => {
    const p: RateProfile = { kind: 'constant', tps: 50_000 / 3600 };
    expect(scheduledCount(p, 3_600_000)).toBeCloseTo(50_000, 6);
    expect(scheduledCount(p, 0)).toBe(0);
    expect(scheduledCount(p, -5)).toBe(0);
  });

  it('integrates a stepped ramp step by step and stops at its end', () => {
    expect(scheduledCount(ramp, 1000)).toBeCloseTo(100);
    expect(scheduledCount(ramp, 2000)).toBeCloseTo(200);
    expect(scheduledCount(ramp, 2500)).toBeCloseTo(350);
    expect(scheduledCount(ramp, 3000)).toBeCloseTo(500);
    expect(scheduledCount(ramp, 10_000)).toBeCloseTo(500);
  });

  it('adds the burst on top of the base rate for the burst only', () => {
    expect(scheduledCount(burst, 1000)).toBeCloseTo(10);
    expect(scheduledCount(burst, 1500)).toBeCloseTo(15 + 45);
    expect(scheduledCount(burst, 3000)).toBeCloseTo(30 + 45);
  });

  it('is monotonic', () => {
    for (const p of [ramp, burst]) {
      let last = -1;
      for (let t = 0; t < 4000; t += 7) {
        const n = scheduledCount(p, t);
        expect(n).toBeGreaterThanOrEqual(last);
        last = n;
      }
    }
  });
});

describe('phases and rates', () => {
  it('gives a ramp one phase per step', () => {
    const phases = ratePhases(ramp, profileDurationMs(ramp, undefined));
    expect(phases.map((p) => [p.startMs, p.endMs, p.targetTps])).toEqual([
      [0, 2000, 100],
      [2000, 3000, 300],
    ]);
    expect(phaseIndexAt(phases, 1999)).toBe(0);
    expect(phaseIndexAt(phases, 2000)).toBe(1);
    expect(phaseIndexAt(phases, 99_999)).toBe(1);
  });

  it('splits a burst into before, burst and after', () => {
    const phases = ratePhases(burst, 3000);
    expect(phases.map((p) => [p.name, p.startMs, p.endMs, p.targetTps])).toEqual([
      ['before burst', 0, 1000, 10],
      ['burst', 1000, 1500, 100],
      ['after burst', 1500, 3000, 10],
    ]);
    expect(targetTpsAt(burst, 1200)).toBe(100);
    expect(targetTpsAt(burst, 1500)).toBe(10);
    expect(targetTpsAt(ramp, 5000)).toBe(0);
  });
});

describe('validateRateProfile', () => {
  const invalid: [string, RateProfile, number | undefined][] = [
    ['profile.tps', { kind: 'constant', tps: 0 }, 1000],
    ['profile.tps', { kind: 'constant', tps: Number.NaN }, 1000],
    ['profile.steps', { kind: 'ramp', steps: [] }, undefined],
    [
      'profile.steps[1].durationMs',
      {
        kind: 'ramp',
        steps: [
          { tps: 1, durationMs: 1 },
          { tps: 1, durationMs: 0 },
        ],
      },
      undefined,
    ],
    ['profile.burstFactor', { ...burst, burstFactor: -1 }, 3000],
    ['durationMs', burst, 1200],
  ];
  it.each(invalid)('names %s', (setting, profile, durationMs) => {
    expect(() => validateRateProfile(profile, durationMs)).toThrow(LoadOptionsError);
    try {
      validateRateProfile(profile, durationMs);
    } catch (error) {
      expect((error as LoadOptionsError).setting).toBe(setting);
      expect((error as LoadOptionsError).code).toBe('FS_LOAD_INVALID_OPTIONS');
    }
  });
});

describe('a ramp with a warm-up step', () => {
  it('names the warm-up apart and numbers the judged steps from 1', () => {
    const phases = ratePhases(
      {
        kind: 'ramp',
        steps: [
          { tps: 250, durationMs: 30_000, warmUp: true },
          { tps: 250, durationMs: 60_000 },
          { tps: 500, durationMs: 60_000 },
        ],
      },
      150_000,
    );
    expect(phases.map((p) => [p.name, p.warmUp === true, p.startMs])).toEqual([
      ['warm-up @ 250 tx/s', true, 0],
      ['step 1 @ 250 tx/s', false, 30_000],
      ['step 2 @ 500 tx/s', false, 90_000],
    ]);
  });
});
