import { FeatureStoreError } from '../errors';
import { compileFeatureOptions } from './options';
import { planBuckets } from './buckets';

describe('feature options', () => {
  it.each([
    [{ feedbackDelayDays: -1 }, /feedbackDelayDays/],
    [{ feedbackDelayDays: Number.NaN }, /feedbackDelayDays/],
    [{ customerBucketMs: 7_000_000 }, /customerBucketMs/],
    [{ terminalBucketMs: 0 }, /terminalBucketMs/],
  ])('rejects %p naming the setting', (raw, message) => {
    expect(() => compileFeatureOptions(raw)).toThrow(FeatureStoreError);
    expect(() => compileFeatureOptions(raw)).toThrow(message);
  });

  it('never shows a terminal bucket that ends after t − D (fractional delays too)', () => {
    for (const delay of [0, 0.5, 1, 7]) {
      const o = compileFeatureOptions({ feedbackDelayDays: delay });
      for (const t of [1_522_540_800_000, 1_522_540_800_000 + 1_234_567]) {
        const plan = planBuckets(t, o);
        expect(plan.terminalVisibleEnd * o.terminalBucketMs).toBeLessThanOrEqual(
          t - o.feedbackDelayMs,
        );
        expect((plan.terminalVisibleEnd + 1) * o.terminalBucketMs).toBeGreaterThan(
          t - o.feedbackDelayMs,
        );
      }
    }
  });
});
