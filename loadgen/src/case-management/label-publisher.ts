// Sends case management's FraudLabels (key = customer id) through their own producer, in
// batches with one request in flight, off the transactions' path so labels never delay or
// share an ack with the traffic being measured.
import type { KafkaProducer } from '@fraudstream/workers/kafka';
import { BatchingSender } from '../wire/batching-sender';
import type { FraudLabelRecord, LoadCodec } from '../wire/wire-codec';
import type { DueLabel } from './case-desk';
import { FRAUD_SCENARIOS } from '../measure/quality-tally';

/** The FraudLabel record of a due label: a confirmed fraud with its scenario when it has one. */
export function fraudLabelRecord(label: DueLabel): FraudLabelRecord {
  const { fraud } = label;
  return {
    transaction_id: fraud.transactionId,
    customer_id: fraud.customerId,
    terminal_id: fraud.terminalId,
    is_fraud: true,
    event_time: fraud.eventTimeMs,
    labelled_at: Math.round(label.labelledAtMs),
    source: label.source,
    fraud_scenario: (FRAUD_SCENARIOS as readonly number[]).includes(fraud.scenario)
      ? fraud.scenario
      : null,
  };
}

/** Publishes labels; counts what was acknowledged and what failed. */
export class LabelPublisher {
  private readonly sender: BatchingSender;
  private next = 0;
  private ackedCount = 0;
  private failedCount = 0;

  /** `now` is any monotonic clock in ms. */
  constructor(
    producer: KafkaProducer,
    topic: string,
    private readonly codec: LoadCodec,
    now: () => number,
  ) {
    this.sender = new BatchingSender(
      (messages) => producer.send([{ topic, messages }]),
      { maxBatchRecords: 1000, maxInFlight: 1 },
      {
        acked: (from, to) => {
          this.ackedCount += to - from;
        },
        failed: (from, to) => {
          this.failedCount += to - from;
        },
      },
      now,
    );
  }

  /** Queues labels and starts a send if none is in flight. */
  publish(labels: readonly DueLabel[]): void {
    for (const label of labels) {
      const record = fraudLabelRecord(label);
      this.sender.enqueue(this.next, {
        key: record.customer_id,
        value: this.codec.encodeFraudLabel(record),
        headers: {},
      });
      this.next += 1;
    }
    this.sender.pump();
  }

  /** Resolves when every queued label has been acknowledged or has failed. */
  drain(): Promise<void> {
    return this.sender.drain();
  }

  /** Labels acknowledged by Kafka. */
  get acked(): number {
    return this.ackedCount;
  }

  /** Labels whose send failed. */
  get failed(): number {
    return this.failedCount;
  }
}
