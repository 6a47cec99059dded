// Sends queued records in batches with a bounded number of produce requests in flight. The
// kafkajs idempotent producer breaks (OUT_OF_ORDER_SEQUENCE_NUMBER) with concurrent sends, so
// the load generator keeps one in flight: whatever becomes due while a send is out goes in the
// next one. Batches grow with the rate on their own, which is what lets one Node process offer
// thousands of transactions a second. Every record of a send shares that send's ack time.
import type { OutboundMessage } from '@fraudstream/workers/kafka';

/** Callbacks of a {@link BatchingSender}; times are the sender clock's milliseconds. */
export interface SendHandlers {
  /** Records `[fromSeq, toSeq)` were acknowledged at `ackAtMs`; the oldest had waited `queuedMs` before the send started. */
  acked(fromSeq: number, toSeq: number, ackAtMs: number, queuedMs: number, sendMs: number): void;
  /** Records `[fromSeq, toSeq)` could not be sent (the producer gave up). */
  failed(fromSeq: number, toSeq: number, error: unknown): void;
}

/** Options of a {@link BatchingSender}. */
export interface BatchingSenderOptions {
  /** Most records per send. */
  readonly maxBatchRecords: number;
  /** Most sends in flight (1 for an idempotent kafkajs producer). */
  readonly maxInFlight: number;
}

/**
 * Queue of records numbered by consecutive sequence numbers, sent in order. `M` is the message
 * shape of whatever client sends them (the Kafka seam's by default).
 */
export class BatchingSender<M = OutboundMessage> {
  private queue: M[] = [];
  private enqueuedAt: number[] = [];
  private headSeq = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** `send` performs one produce request; `now` is a monotonic clock in ms. */
  constructor(
    /** Sends one batch: the records of sequence numbers [fromSeq, fromSeq + messages.length). */
    private readonly send: (messages: M[], fromSeq: number) => Promise<unknown>,
    private readonly options: BatchingSenderOptions,
    private readonly handlers: SendHandlers,
    private readonly now: () => number,
  ) {}

  /** Records waiting for a send. */
  get queued(): number {
    return this.queue.length;
  }

  /** Sends in flight. */
  get sending(): number {
    return this.inFlight;
  }

  /** Appends the record numbered `seq` (the next consecutive number) and sends if a slot is free. */
  enqueue(seq: number, message: M): void {
    if (seq !== this.headSeq + this.queue.length) {
      throw new RangeError(
        `records must be enqueued in sequence: expected ${this.headSeq + this.queue.length}, got ${seq}`,
      );
    }
    this.queue.push(message);
    this.enqueuedAt.push(this.now());
  }

  /** Starts sends while there are records and free slots. */
  pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const n = Math.min(this.options.maxBatchRecords, this.queue.length);
      const messages = this.queue.splice(0, n);
      const oldest = this.enqueuedAt[0] as number;
      this.enqueuedAt.splice(0, n);
      const fromSeq = this.headSeq;
      this.headSeq += n;
      this.inFlight += 1;
      const startedAt = this.now();
      this.send(messages, fromSeq).then(
        () => {
          const ackAt = this.now();
          this.settle(() =>
            this.handlers.acked(fromSeq, fromSeq + n, ackAt, startedAt - oldest, ackAt - startedAt),
          );
        },
        (error: unknown) => this.settle(() => this.handlers.failed(fromSeq, fromSeq + n, error)),
      );
    }
  }

  /** Resolves once every enqueued record has been sent and settled. */
  drain(): Promise<void> {
    this.pump();
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(report: () => void): void {
    this.inFlight -= 1;
    try {
      report();
    } finally {
      this.pump();
      if (this.queue.length === 0 && this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}
