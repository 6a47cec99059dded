import { retryWithin } from './kafkajs-client';

describe('retryWithin', () => {
  it('counts the retries whose back-offs add up to the delivery timeout', () => {
    // 100 × (2^8 − 1) = 25.5 s ≥ 25 s; 7 retries would wait only 12.7 s.
    expect(retryWithin(25_000)).toEqual({
      retries: 8,
      initialRetryTime: 100,
      maxRetryTime: 25_000,
    });
    expect(retryWithin(100).retries).toBe(1);
    expect(retryWithin(1).retries).toBe(1);
  });
});
