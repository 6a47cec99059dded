import type { FraudstreamTracer } from './spans';

/** What a producer knows about a transaction it sends (loadgen's TransactionRecord fits). */
export interface ProducedTransaction {
  readonly transaction_id: string;
  readonly customer_id: string;
}

/** Trace context of one send: headers for the record, `end` once Kafka acknowledged or refused it. */
export interface ProducerSendTracing {
  readonly headers: Record<string, string>;
  end(error?: unknown): void;
}

/**
 * The producer-side hook in the shape loadgen's `traceSend` option takes (loadgen's commands pass
 * it in, so a load run without telemetry needs none). Each call starts a `send <topic>` span
 * keyed by the customer id and tagged with the transaction id: the root of the transaction's
 * trace.
 */
export function traceSendFor(
  tracer: FraudstreamTracer,
): (tx: ProducedTransaction, topic: string) => ProducerSendTracing {
  return (tx, topic) => {
    const send = tracer.startSendSpan({
      topic,
      key: tx.customer_id,
      transactionId: tx.transaction_id,
    });
    return {
      headers: send.headers,
      end: (error?: unknown) => send.end(error === undefined ? {} : { error }),
    };
  };
}
