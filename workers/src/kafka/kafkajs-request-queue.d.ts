// kafkajs ships types for its public API only. The idle-loop fix (kafkajs-idle-fix.ts) replaces
// one method of an internal class: these are the members it and its test touch, checked at run
// time by applyKafkajsIdleFix before it patches anything.
declare module 'kafkajs/src/network/requestQueue' {
  /** A broker connection's queue of requests (kafkajs 2.2.x internals). */
  class RequestQueue {
    constructor(options: {
      maxInFlightRequests: number;
      requestTimeout: number;
      enforceRequestTimeout: boolean;
      clientId: string;
      broker: string;
      logger: unknown;
    });
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
  }
  export = RequestQueue;
}
