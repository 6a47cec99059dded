// GENERATED from schemas/avro/*.avsc by `npm run codegen -w @fraudstream/schemas`. Do not edit:
// change the .avsc files and run it again (a test fails while this file is stale).
//
// Shapes of the newest version of each record as AvroSerde decodes them: long and
// timestamp-millis are numbers (epoch milliseconds), bytes are Buffers, nullable unions are
// `T | null`, enums are string unions.

/**
 * How the card was used. Readers map a symbol they do not know to UNKNOWN. (from Transaction v2)
 */
export const CHANNEL_SYMBOLS = ['UNKNOWN', 'POS', 'ECOMMERCE', 'ATM', 'MOTO', 'RECURRING'] as const;
/** One of CHANNEL_SYMBOLS. */
export type Channel = (typeof CHANNEL_SYMBOLS)[number];

/**
 * A card transaction as sent by a payment gateway to the transactions topic (key = customer_id).
 * Version 2 adds optional gateway fields, each with a default, so v1 producers and v1 readers keep
 * working. (from Transaction v2)
 */
export interface Transaction {
  /**
   * Globally unique id assigned by the producer; verdicts and labels refer to it, and redeliveries
   * are de-duplicated by it.
   */
  transaction_id: string;
  /**
   * When the card was used, in milliseconds since the Unix epoch (UTC); all feature windows are
   * computed on this time. (Avro timestamp-millis: epoch milliseconds as a number)
   */
  event_time: number;
  /**
   * Id of the card holder (the card or account token, never the PAN); also the Kafka record key.
   */
  customer_id: string;
  /** Id of the payment terminal or merchant endpoint that took the payment. */
  terminal_id: string;
  /**
   * Amount in minor units of currency (cents for EUR, yen for JPY), a non-negative integer, so that
   * no amount is ever rounded by a binary float.
   */
  amount_minor: number;
  /**
   * ISO 4217 alphabetic code of the amount's currency (EUR, USD, JPY...); its exponent says how
   * many minor units make one major unit.
   */
  currency: string;
  /**
   * Channel of the payment: card present at a point of sale, e-commerce, ATM, mail/telephone order,
   * recurring; UNKNOWN when the gateway does not say.
   */
  channel: Channel;
  /**
   * ISO 18245 merchant category code (four digits, e.g. 5411 for grocery stores), or null when the
   * gateway does not send it.
   */
  merchant_category: string | null;
  /** ISO 3166-1 alpha-2 country code of the merchant (e.g. BE), or null when unknown. */
  merchant_country: string | null;
}

/** Action for the transaction, from comparing the score with the thresholds. (from Verdict v1) */
export const DECISION_SYMBOLS = ['APPROVE', 'REVIEW', 'DECLINE'] as const;
/** One of DECISION_SYMBOLS. */
export type Decision = (typeof DECISION_SYMBOLS)[number];

/**
 * The decision thresholds in force when the transaction was scored (they come with the model
 * version). (from Verdict v1)
 */
export interface Thresholds {
  /** Scores at or above this (and below decline) are sent to analyst review. */
  review: number;
  /** Scores at or above this are declined. */
  decline: number;
}

/** One feature that drove the score. (from Verdict v1) */
export interface ReasonCode {
  /** Feature name as listed in the model artifact (e.g. terminal_risk_7d). */
  feature: string;
  /** Value of the feature for this transaction, before normalisation. */
  value: number;
  /** Signed share of the score attributed to the feature; larger means it pushed towards fraud. */
  contribution: number;
}

/**
 * The scoring fleet's decision on one transaction, written to the decisions topic (key =
 * customer_id). Exactly one per transaction as consumers observe it: duplicates carry the same
 * transaction_id and are idempotent. (from Verdict v1)
 */
export interface Verdict {
  /** Id of the scored transaction (Transaction.transaction_id). */
  transaction_id: string;
  /** Card holder of the scored transaction; also the Kafka record key. */
  customer_id: string;
  /** Fraud probability estimated by the model, between 0 (legitimate) and 1 (fraud). */
  score: number;
  /**
   * APPROVE when score < thresholds.review, REVIEW when thresholds.review <= score <
   * thresholds.decline, DECLINE when score >= thresholds.decline.
   */
  decision: Decision;
  /**
   * Thresholds used for the decision, so that a verdict can be explained without knowing which
   * model configuration was live.
   */
  thresholds: Thresholds;
  /**
   * Version of the model artifact that produced the score (its directory name in the model store).
   */
  model_version: string;
  /**
   * The features that contributed most to the score, strongest first; empty when the model gives no
   * attribution.
   */
  reason_codes: ReasonCode[];
  /**
   * True when the transaction was scored in degraded mode (e.g. features store unreachable, so
   * features were defaulted); consumers may treat such verdicts with more caution.
   */
  degraded: boolean;
  /**
   * Machine-readable reason for degraded mode (an FS_* error code), or null when degraded is false.
   */
  degraded_reason: string | null;
  /**
   * Event time of the scored transaction (Transaction.event_time), in epoch milliseconds, so
   * end-to-end latency can be measured from the verdict alone. (Avro timestamp-millis: epoch
   * milliseconds as a number)
   */
  event_time: number;
  /**
   * When the scoring worker consumed the transaction from Kafka, in epoch milliseconds. (Avro
   * timestamp-millis: epoch milliseconds as a number)
   */
  received_at: number;
  /**
   * When the decision was made (just before the verdict was produced), in epoch milliseconds. (Avro
   * timestamp-millis: epoch milliseconds as a number)
   */
  scored_at: number;
}

/**
 * Who confirmed the outcome. Readers map a symbol they do not know to UNKNOWN. (from FraudLabel v1)
 */
export const LABEL_SOURCE_SYMBOLS = [
  'UNKNOWN',
  'CHARGEBACK',
  'ANALYST_REVIEW',
  'CUSTOMER_REPORT',
  'SIMULATOR',
] as const;
/** One of LABEL_SOURCE_SYMBOLS. */
export type LabelSource = (typeof LABEL_SOURCE_SYMBOLS)[number];

/**
 * A confirmed outcome for one transaction, sent back by case management to the fraud-labels topic
 * (key = customer_id). Feeds the per-terminal and per-customer fraud counts. (from FraudLabel v1)
 */
export interface FraudLabel {
  /**
   * Id of the labelled transaction (Transaction.transaction_id); a later label for the same id
   * replaces the earlier one.
   */
  transaction_id: string;
  /** Card holder of the labelled transaction; also the Kafka record key. */
  customer_id: string;
  /** Terminal of the labelled transaction; terminal risk features count frauds per terminal. */
  terminal_id: string;
  /** True when the transaction is confirmed fraud, false when it is confirmed legitimate. */
  is_fraud: boolean;
  /**
   * Event time of the labelled transaction, in epoch milliseconds, so fraud counts are bucketed by
   * when the fraud happened rather than when it was confirmed. (Avro timestamp-millis: epoch
   * milliseconds as a number)
   */
  event_time: number;
  /**
   * When the outcome became known (chargeback received, review closed), in epoch milliseconds;
   * features only use labels known at scoring time. (Avro timestamp-millis: epoch milliseconds as a
   * number)
   */
  labelled_at: number;
  /**
   * Source of the label: a chargeback from the issuer, an analyst's review, the customer's report,
   * or the simulator's ground truth.
   */
  source: LabelSource;
  /**
   * Simulator fraud scenario (1, 2 or 3, see docs/simulator.md) for ground-truth labels, so recall
   * can be broken down by scenario; null for real labels.
   */
  fraud_scenario: number | null;
}

/**
 * One Kafka record header; a key may repeat, so headers are a list, not a map. (from DeadLetter v2)
 */
export interface KafkaHeader {
  /** Header name. */
  key: string;
  /** Header value bytes, or null when the header had no value. */
  value: Buffer | null;
}

/**
 * A record the fleet could not use, written to the transactions-dlq topic with everything needed to
 * inspect and replay it. Key = the original key (null when a by-reference dead letter left the key
 * out). A record larger than the size limit is dead-lettered by reference: its value is not copied,
 * the source position, size and SHA-256 identify it. (from DeadLetter v2)
 */
export interface DeadLetter {
  /**
   * Key bytes of the original Kafka record, exactly as received; null when the record had no key,
   * or when key_omitted.
   */
  original_key: Buffer | null;
  /**
   * Value bytes of the original Kafka record, exactly as received (Confluent framing included);
   * null for a tombstone, and null when value_omitted (a by-reference dead letter).
   */
  original_value: Buffer | null;
  /**
   * Headers of the original Kafka record, in order (trace context included); a by-reference dead
   * letter keeps those that fit its bound (headers_omitted counts the rest).
   */
  original_headers: KafkaHeader[];
  /** Topic the original record was consumed from. */
  source_topic: string;
  /** Partition the original record was consumed from. */
  source_partition: number;
  /** Offset of the original record in its partition. */
  source_offset: number;
  /**
   * Kafka timestamp of the original record in epoch milliseconds, or null when it had none. (Avro
   * timestamp-millis: epoch milliseconds as a number)
   */
  source_timestamp: number | null;
  /**
   * Machine-readable reason the record was dead-lettered: an FS_* error code (e.g.
   * FS_DECODE_UNKNOWN_SCHEMA_ID, FS_INVALID_AMOUNT). A string, not an enum, so a new reason never
   * needs a schema change.
   */
  reason_code: string;
  /** Human-readable explanation naming the offending field or setting. */
  reason_message: string;
  /**
   * How many times processing was attempted: 1 for bad input (never retried), the retry budget plus
   * one when transient failures ran out.
   */
  attempt_count: number;
  /**
   * When processing of the record first failed, in epoch milliseconds. (Avro timestamp-millis:
   * epoch milliseconds as a number)
   */
  first_failed_at: number;
  /**
   * When processing of the record last failed (the failure that sent it here), in epoch
   * milliseconds. (Avro timestamp-millis: epoch milliseconds as a number)
   */
  last_failed_at: number;
  /**
   * Size of the original record as the size limit counts it: key, value, header names and header
   * values, in bytes. Null in dead letters written before this field existed.
   */
  original_size_bytes: number | null;
  /**
   * SHA-256 of the original value bytes, 64 lowercase hex digits; null for a tombstone, and in dead
   * letters written before this field existed.
   */
  original_value_sha256: string | null;
  /**
   * SHA-256 of the original key bytes, 64 lowercase hex digits; null when the record had no key,
   * and in dead letters written before this field existed.
   */
  original_key_sha256: string | null;
  /**
   * True when the dead letter is by reference: the original record was larger than the size limit
   * (FS_MAX_RECORD_BYTES), so original_value is null and the record is identified by source_topic,
   * source_partition, source_offset, original_size_bytes and original_value_sha256.
   */
  value_omitted: boolean;
  /**
   * True when a by-reference dead letter left out the key (too large for its bound); original_key
   * is then null and original_key_sha256 identifies it.
   */
  key_omitted: boolean;
  /**
   * How many headers of the original record a by-reference dead letter left out (too large for its
   * bound); 0 when original_headers holds them all.
   */
  headers_omitted: number;
}

/** Record name -> decoded shape, for typed encode/decode. */
export interface RecordTypes {
  Transaction: Transaction;
  Verdict: Verdict;
  FraudLabel: FraudLabel;
  DeadLetter: DeadLetter;
}

/** Newest version of each record, the one these types describe. */
export const RECORD_TYPE_VERSIONS = {
  Transaction: 2,
  Verdict: 1,
  FraudLabel: 1,
  DeadLetter: 2,
} as const;
