// At-least-once delivery answers a redelivered record again unless something remembers that its
// answer is already on Kafka. The ledger is that memory: after Kafka acknowledges a chunk's
// verdicts and dead letters, their transaction ids are written to it; before a chunk is scored,
// the ids it already holds are acknowledged without producing again. A record comes back after
// a worker died or was fenced between its produce and its commit, or from a retry job that
// produced and then stalled: without the ledger each of those is a duplicate verdict.
//
// What it cannot cover (docs/architecture.md, "Delivery guarantees"): two members scoring the
// same record at the same moment (a zombie and its successor, both before either wrote the
// ledger), and a worker dying after Kafka's acknowledgement but before the ledger write.

/** The transaction ids whose verdict or dead letter Kafka has acknowledged, for a while. */
export interface DeliveryLedger {
  /** Of `ids`, those already delivered. Rejects when the store cannot be read. */
  delivered(ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** Remembers `ids` as delivered. Rejects when the store cannot be written. */
  record(ids: readonly string[]): Promise<void>;
}
