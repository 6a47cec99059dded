// What the load generator needs from the wire format, in one small interface: encode the
// transactions and labels it sends, and read the verdicts and dead letters it receives. The
// default implementation is @fraudstream/schemas' Avro serde (see avro-load-codec.ts); tests
// and experiments can pass another.
import type { FraudLabel, Transaction } from '@fraudstream/schemas';
import type { OutboundMessage } from '@fraudstream/workers/kafka';
import type { DecisionBand } from '../measure/run-ledger';

/** A Transaction record as the load generator writes it: the fields of Transaction v1. */
export type TransactionRecord = Pick<
  Transaction,
  'transaction_id' | 'event_time' | 'customer_id' | 'terminal_id' | 'amount_minor' | 'currency'
>;

/** Trace context of one transaction's send: headers for the record, and what to do on its ack. */
export interface SendTracing {
  /** Headers to put on the record (W3C `traceparent`, `tracestate`). */
  readonly headers: OutboundMessage['headers'];
  /** Called once Kafka acknowledged the record (`error` undefined) or the send failed. */
  readonly end?: (error?: unknown) => void;
}

/** Starts the trace of one transaction's send (e.g. a producer span) and returns its headers. */
export type TraceSend = (tx: TransactionRecord, topic: string) => SendTracing;

/** A FraudLabel record, as case management writes it. */
export type FraudLabelRecord = FraudLabel;

/** When the worker consumed a transaction and decided on it (a Verdict's own timestamps), epoch ms. */
export interface WorkerTimes {
  readonly receivedAtMs: number;
  readonly scoredAtMs: number;
}

/** What a record on the decisions topic says about a transaction. */
export interface DecisionRead {
  readonly transactionId: string;
  /** The verdict's decision; COPY when a passthrough worker copied the transaction itself. */
  readonly band: DecisionBand;
  /** Verdicts only. */
  readonly worker?: WorkerTimes;
  /** The model version that scored it (the Verdict's `model_version`); verdicts only. */
  readonly modelVersion?: string;
}

/** What a dead letter says about the transaction it holds. */
export interface DeadLetterRead {
  /** Id of the original transaction, when its bytes still decode; undefined otherwise. */
  readonly transactionId: string | undefined;
  readonly reasonCode: string;
  readonly reasonMessage: string;
  /** Input partition of the original record. */
  readonly sourcePartition?: number;
  /**
   * sha256 (hex) of the original record's key, kept even when the dead letter is by reference:
   * what identifies a record whose value does not decode (or was not copied).
   */
  readonly keySha256?: string;
}

/** Encoding and decoding of the records a load run sends and receives. */
export interface LoadCodec {
  /** Encodes a transaction (synchronously: it is on the sending hot path). */
  encodeTransaction(tx: TransactionRecord): Buffer;
  /** Encodes a fraud label. */
  encodeFraudLabel(label: FraudLabelRecord): Buffer;
  /** Reads a record of the decisions topic; rejects when it is neither a Verdict nor a Transaction. */
  readDecision(value: Buffer): Promise<DecisionRead>;
  /** Reads a record of the dead-letter topic. */
  readDeadLetter(value: Buffer): Promise<DeadLetterRead>;
}
