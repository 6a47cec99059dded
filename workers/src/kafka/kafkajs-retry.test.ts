import { retryWithin } from './kafkajs-client';

describe('retryWithin', () => {
  it('counts the retries whose back-offs add up to the delivery timeout', () => {
    // 0.1 + 0.2 + 0.4 + 0.8 + 24 × 1 s = 25.5 s ≥ 25 s; one fewer would wait 24.5 s.
    expect(retryWithin(25_000)).toEqual({
      retries: 28,
      initialRetryTime: 100,
      maxRetryTime: 1000,
    });
    expect(retryWithin(100).retries).toBe(1);
    expect(retryWithin(1).retries).toBe(1);
  });
});
