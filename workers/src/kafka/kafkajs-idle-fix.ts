// kafkajs 2.2.4 re-arms a request-queue check after every check, even with nothing pending: the
// delay is `throttledUntil - now`, negative when unthrottled, so every broker connection of every
// client runs a 1 ms timer loop for its whole life (tulios/kafkajs#1556, #1704; the fix in #1667
// is unreleased). Measured here: an idle worker spent 10 % of a core in it, and at 50,000
// transactions an hour a quarter of the worker's CPU went to the loop's timers and socket wake-ups.
// The replacement keeps kafkajs' own logic and only stops re-arming when nothing waits: push()
// re-arms when it queues a request, and every response re-checks the queue.

import RequestQueue from 'kafkajs/src/network/requestQueue';
import { KafkajsVersionError } from '../errors';

/** kafkajs' delay between checks while requests wait (CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

const PATCHED = Symbol.for('fraudstream.kafkajsIdleFix');

/** The fixed scheduleCheckPendingRequests: arm a check only when a request waits or a throttle ends. */
function scheduleCheckPendingRequests(this: RequestQueue): void {
  if (this.throttleCheckTimeoutId) return;
  let delayMs = this.throttledUntil - Date.now();
  if (this.pending.length > 0) {
    delayMs = delayMs > 0 ? delayMs : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  } else if (delayMs <= 0) {
    return;
  }
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delayMs);
}

/**
 * Replaces kafkajs' busy request-queue re-check with one that idles (see above). Idempotent;
 * call before creating clients. Throws if the kafkajs internals are not the ones it fixes.
 */
export function applyKafkajsIdleFix(): void {
  // The declared types are what 2.2.x has; the checks below are for what is installed.
  const proto: Partial<RequestQueue> & { [PATCHED]?: true } = RequestQueue.prototype;
  if (proto[PATCHED]) return;
  if (
    typeof proto.scheduleCheckPendingRequests !== 'function' ||
    typeof proto.checkPendingRequests !== 'function'
  ) {
    throw new KafkajsVersionError(
      'RequestQueue has no scheduleCheckPendingRequests/checkPendingRequests',
    );
  }
  proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  proto[PATCHED] = true;
}
