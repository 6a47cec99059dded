import RequestQueue from 'kafkajs/src/network/requestQueue';
import { applyKafkajsIdleFix } from './kafkajs-idle-fix';

const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const newQueue = (): RequestQueue =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 1000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { namespace: () => logger, ...logger },
  });

describe('applyKafkajsIdleFix', () => {
  afterEach(() => jest.useRealTimers());

  it('stops an idle request queue from re-arming its check every millisecond', () => {
    jest.useFakeTimers();
    applyKafkajsIdleFix();
    const queue = newQueue();
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still re-checks while requests wait, and when a throttle ends', () => {
    jest.useFakeTimers();
    applyKafkajsIdleFix();
    const waiting = newQueue();
    waiting.pending.push({});
    // checkPendingRequests would try to send; the scheduling is what is under test.
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();

    const throttled = newQueue();
    throttled.throttledUntil = Date.now() + 500;
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(waiting.throttleCheckTimeoutId ?? undefined);
    clearTimeout(throttled.throttleCheckTimeoutId ?? undefined);
  });

  it('is idempotent', () => {
    applyKafkajsIdleFix();
    const fixed = (RequestQueue as unknown as { prototype: object }).prototype;
    const method = (fixed as { scheduleCheckPendingRequests: unknown })
      .scheduleCheckPendingRequests;
    applyKafkajsIdleFix();
    expect((fixed as { scheduleCheckPendingRequests: unknown }).scheduleCheckPendingRequests).toBe(
      method,
    );
  });
});
