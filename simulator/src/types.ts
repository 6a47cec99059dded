/** A card transaction as the live system sees it: no label, no fraud scenario. */
export interface SimTransaction {
  /** Unique id; the simulator numbers transactions from 0 in time order. */
  transaction_id: string;
  /** Event time, epoch milliseconds (UTC). */
  event_time: number;
  /** The card holder. */
  customer_id: string;
  /** The terminal (merchant) where the card was used. */
  terminal_id: string;
  /** Amount in major units (e.g. euros), rounded to cents. */
  amount: number;
}

/** Fraud scenario of simulator.md: 0 genuine, 1 amount > 220, 2 compromised terminal, 3 leaked card. */
export type FraudScenario = 0 | 1 | 2 | 3;

/** Ground truth that travels beside a transaction, never inside it. */
export interface GroundTruth {
  is_fraud: boolean;
  /** The last scenario that marked it; `null` when a user's file does not say. */
  scenario: FraudScenario | null;
}

/** A transaction and its ground truth, as the simulator emits them. */
export interface SimulatedTransaction {
  tx: SimTransaction;
  truth: GroundTruth & { scenario: FraudScenario };
}

/** A transaction with its label, as read back from a labelled-history file. */
export interface LabelledTransaction {
  tx: SimTransaction;
  truth: GroundTruth;
}
