/** What the feature computation needs of a transaction (a subset of the Avro `Transaction`). */
export interface FeatureInput {
  transaction_id: string;
  /** Event time, epoch milliseconds. */
  event_time: number;
  customer_id: string;
  terminal_id: string;
  /** Amount in major units. */
  amount: number;
}

/** A confirmed outcome for one transaction, as case management reports it. */
export interface FeatureLabel {
  transaction_id: string;
  terminal_id: string;
  customer_id: string;
  /** Event time of the labelled transaction; looked up from the store's record when absent. */
  event_time?: number;
  is_fraud: boolean;
}

/** What `applyLabels` did with a batch of labels. */
export interface LabelResult {
  /** Fraud labels added to a terminal bucket. */
  applied: number;
  /** Labels already seen for that transaction id (ignored: idempotent). */
  duplicates: number;
  /** Genuine labels: counted already as transactions, nothing to add. */
  genuine: number;
  /** Fraud labels without event_time whose transaction the store no longer remembers. */
  unknown: number;
}

/**
 * Window sums read from the state before the transaction itself is added: the stores' whole
 * contract. Integers only (amounts in cents), so both stores agree exactly.
 */
export interface WindowAggregates {
  /** Per customer window (1, 7, 30 d): earlier transactions' count, cents sum, cents² sum. */
  customerCount: Float64Array;
  customerCents: Float64Array;
  customerCents2: Float64Array;
  /** Earlier "high" transactions (HIGH_AMOUNT_RATIO) per customer window. */
  customerHigh: Float64Array;
  /** Per terminal window, delayed: transactions and known frauds. */
  terminalCount: Float64Array;
  terminalFrauds: Float64Array;
  /** Index of the latest terminal bucket with a known fraud inside the longest window, or -1. */
  terminalLastFraudBucket: number;
  /** Index of the earliest terminal bucket with a known fraud inside the longest window, or -1. */
  terminalFirstFraudBucket: number;
  /** Visible terminal transactions from the earliest known fraud's bucket on (0 if none). */
  terminalCountSinceFirstFraud: number;
}
