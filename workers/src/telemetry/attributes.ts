/**
 * Every span and metric attribute name fraudstream emits, in one place (style.md "Runtime").
 *
 * This file is also the allow-list for redaction: a value reaches a span only under one of these
 * names, and the fraudstream.* names carry ids, the decision, the score and the model version —
 * never amounts, card data or feature values.
 *
 * Span attributes follow the OpenTelemetry semantic conventions for messaging over Kafka as of
 * @opentelemetry/semantic-conventions 1.45 (the `incubating` entry point). The values are copied
 * here rather than imported, as that package recommends for incubating names: an incubating
 * rename must be a deliberate change here, not a surprise on an upgrade. `attributes.test.ts`
 * fails if a copy drifts from the installed package.
 *
 * Renamed since older messaging conventions (for anyone searching old dashboards):
 * `messaging.system` -> `messaging.system.name`, `messaging.kafka.destination.partition` ->
 * `messaging.destination.partition.id`, `messaging.kafka.offset` / `messaging.kafka.message.offset`
 * -> `kafka.offset`, `messaging.kafka.message.key` -> `kafka.message.key`,
 * `messaging.kafka.consumer.group` -> `messaging.consumer.group.name`.
 */

// --- OpenTelemetry messaging conventions (Kafka) ------------------------------------------------

/** The messaging system; always {@link MESSAGING_SYSTEM_KAFKA} here. */
export const ATTR_MESSAGING_SYSTEM_NAME = 'messaging.system.name';
/** Kafka topic a record is sent to or consumed from. */
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
/** Partition number, as a string (the conventions want a string id). */
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
/** Consumer group of the worker fleet. */
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
/** Kafka client id of the producer or consumer. */
export const ATTR_MESSAGING_CLIENT_ID = 'messaging.client.id';
/** `send`, `receive` or `process` (see {@link MESSAGING_OPERATION_TYPE}). */
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
/** The Kafka-specific operation name, also the first word of the span name (`send`, `process`). */
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
/** Number of records a batch span covers. Only on batch spans, never on single-record spans. */
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
/** Size of the record value in bytes. */
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size';
/** Offset of the record in its partition, as a number. */
export const ATTR_KAFKA_OFFSET = 'kafka.offset';
/** Record key: the customer id for transactions and verdicts (an id, so allowed on spans). */
export const ATTR_KAFKA_MESSAGE_KEY = 'kafka.message.key';
/** True for a record with a null value. */
export const ATTR_KAFKA_MESSAGE_TOMBSTONE = 'kafka.message.tombstone';
/** Class of error that ended a span or an operation (an error code, never a message). */
export const ATTR_ERROR_TYPE = 'error.type';

/** Value of {@link ATTR_MESSAGING_SYSTEM_NAME}. */
export const MESSAGING_SYSTEM_KAFKA = 'kafka';

/** Values of {@link ATTR_MESSAGING_OPERATION_TYPE}. */
export const MESSAGING_OPERATION_TYPE = {
  send: 'send',
  receive: 'receive',
  process: 'process',
} as const;

/** One of the operation types fraudstream uses. */
export type MessagingOperationType =
  (typeof MESSAGING_OPERATION_TYPE)[keyof typeof MESSAGING_OPERATION_TYPE];

// --- Resource ----------------------------------------------------------------------------------

/** Logical service: `fraudstream-worker`, `fraudstream-loadgen`... (stable convention). */
export const ATTR_SERVICE_NAME = 'service.name';
/** Build version of the service (stable convention). */
export const ATTR_SERVICE_VERSION = 'service.version';
/** Groups every fraudstream service (incubating convention). */
export const ATTR_SERVICE_NAMESPACE = 'service.namespace';
/** One process of a service, unique in the fleet (incubating convention). */
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

/** Value of {@link ATTR_SERVICE_NAMESPACE}. */
export const SERVICE_NAMESPACE = 'fraudstream';

// --- Redis (set by @opentelemetry/instrumentation-ioredis; listed so queries can name them) -----

/** `redis` on every Redis span. */
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
/** Redis command name (`hmget`, `PIPELINE evalsha`). */
export const ATTR_DB_OPERATION_NAME = 'db.operation.name';
/** The command as sent. Redacted to the command name unless FS_TRACE_REDIS_ARGS=true. */
export const ATTR_DB_QUERY_TEXT = 'db.query.text';
/** Commands in one pipelined round trip (on the round-trip span of `withRedisSpan`). */
export const ATTR_DB_OPERATION_BATCH_SIZE = 'db.operation.batch.size';

/** Value of {@link ATTR_DB_SYSTEM_NAME}. */
export const DB_SYSTEM_REDIS = 'redis';

// --- fraudstream span attributes -----------------------------------------------------------------

/** The transaction id: the tag `fraudstream trace <id>` searches by. */
export const ATTR_FS_TRANSACTION_ID = 'fraudstream.transaction_id';
/** Verdict decision: APPROVE, REVIEW or DECLINE. */
export const ATTR_FS_DECISION = 'fraudstream.decision';
/** Fraud score in [0, 1] the decision was made from. */
export const ATTR_FS_SCORE = 'fraudstream.score';
/** Model version that produced the score. */
export const ATTR_FS_MODEL_VERSION = 'fraudstream.model_version';
/** Pipeline stage of a stage span: decode, features, inference, produce. */
export const ATTR_FS_STAGE = 'fraudstream.stage';
/** Which delivery attempt this is: 1 for the first, 2 for the first retry... */
export const ATTR_FS_ATTEMPT = 'fraudstream.attempt';
/** Why a transaction was sent to the retry queue (an error code). */
export const ATTR_FS_RETRY_REASON = 'fraudstream.retry.reason';
/** True on a redelivered transaction acknowledged without a verdict: the ledger knew it answered. */
export const ATTR_FS_ALREADY_DELIVERED = 'fraudstream.already_delivered';
/** Why a record was dead-lettered (a machine-readable reason code). */
export const ATTR_FS_DEAD_LETTER_REASON = 'fraudstream.dead_letter.reason';
/** Transactions in the batch a stage ran for (stage spans of batched stages). */
export const ATTR_FS_BATCH_SIZE = 'fraudstream.batch.size';
/** Degraded-mode scoring (features unavailable): true when the verdict was marked degraded. */
export const ATTR_FS_DEGRADED = 'fraudstream.degraded';

// --- Metric attributes (Prometheus labels) ------------------------------------------------------
// Short snake_case names, because they become Prometheus label names that SREs type in queries.

/** Pipeline stage label on fraudstream_stage_duration_ms. */
export const LABEL_STAGE = 'stage';
/** Decision label on fraudstream_verdicts_total. */
export const LABEL_DECISION = 'decision';
/** Model version label on fraudstream_verdicts_total and fraudstream_model_info. */
export const LABEL_MODEL_VERSION = 'model_version';
/** Model role label on fraudstream_model_info: champion or challenger. */
export const LABEL_MODEL_ROLE = 'role';
/** Reason code label on retries and dead letters. */
export const LABEL_REASON = 'reason';
/** Dead-letter cause label: bad_input (the producer's fault) or retries_exhausted (ours). */
export const LABEL_CAUSE = 'cause';
/** Kafka topic label. */
export const LABEL_TOPIC = 'topic';
/** Kafka partition label. */
export const LABEL_PARTITION = 'partition';
/** Failing dependency label on fraudstream_errors_total: redis, kafka or telemetry. */
export const LABEL_COMPONENT = 'component';
/** Error code label on fraudstream_errors_total. */
export const LABEL_CODE = 'code';
