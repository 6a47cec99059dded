import { backoffCapMs, fullJitterDelayMs } from './backoff';

const options = { baseDelayMs: 500, maxDelayMs: 30_000 };

describe('backoffCapMs', () => {
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [5, 8_000],
    [7, 30_000],
    [200, 30_000],
  ])('retry %i is capped at %i ms', (retry, cap) => {
    expect(backoffCapMs(retry, options)).toBe(cap);
  });

  it.each([0, -1, 1.5])('refuses retry %p', (retry) => {
    expect(() => backoffCapMs(retry, options)).toThrow(RangeError);
  });
});

describe('fullJitterDelayMs', () => {
  it('draws from the whole interval [0, cap)', () => {
    expect(fullJitterDelayMs(3, { ...options, random: () => 0 })).toBe(0);
    expect(fullJitterDelayMs(3, { ...options, random: () => 0.5 })).toBe(1_000);
    expect(fullJitterDelayMs(3, { ...options, random: () => 0.999_999 })).toBe(1_999);
  });
});
