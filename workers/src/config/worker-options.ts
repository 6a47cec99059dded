// Every setting of `fraudstream worker`, declared once: variable, type and range, default, one
// line of meaning. Parsing, defaults, errors, `--help` and docs/settings.md all come from here.
// The feature store's and model store's settings are the models package's declarations (its
// `fraudstream backfill` reads them too), placed where they always stood in this list.
import { MODEL_SETTINGS } from '@fraudstream/models';
import {
  bool,
  int,
  oneOf,
  declaredDefaults,
  optionalSetting,
  setting,
  text,
  url,
  type SettingValues,
} from '@fraudstream/settings';
import { GROUP_PROTOCOLS } from '../kafka/kafka-client';
import { LOG_LEVELS } from '../logging/logger';
import { SERVICE_SETTINGS } from './env';

/** Kafka's legal topic and group characters; names that need escaping are refused early. */
const kafkaName = text(
  /^[A-Za-z0-9._-]{1,249}$/,
  'a Kafka name of [A-Za-z0-9._-], at most 249 characters',
);
// BullMQ builds keys `<prefix>:<queue>:...`; a colon in either would split them wrongly.
const queueName = text(/^[A-Za-z0-9._-]{1,200}$/, 'a name of [A-Za-z0-9._-] (no colon)');
const positive = int({ min: 1 });
const nonEmpty = text(/\S/, 'a non-empty string');

/** The FS_* variables `fraudstream worker` reads (telemetry's are in telemetry/config.ts). */
export const WORKER_SETTINGS = {
  ...SERVICE_SETTINGS,
  clientId: setting(
    'FS_KAFKA_CLIENT_ID',
    nonEmpty,
    'fraudstream-worker',
    'Kafka client id (the instance id is appended)',
  ),
  instanceId: optionalSetting(
    'FS_INSTANCE_ID',
    nonEmpty,
    'name of this process in logs and client ids (unset: hostname-pid)',
  ),
  consumerGroup: setting(
    'FS_CONSUMER_GROUP',
    kafkaName,
    'fraudstream-scoring',
    'consumer group of the scoring workers',
  ),
  transactionsTopic: setting(
    'FS_TOPIC_TRANSACTIONS',
    kafkaName,
    'transactions',
    'input topic of Transaction records',
  ),
  decisionsTopic: setting(
    'FS_TOPIC_DECISIONS',
    kafkaName,
    'decisions',
    'output topic of Verdict records',
  ),
  labelsTopic: setting('FS_TOPIC_LABELS', kafkaName, 'fraud-labels', 'topic of FraudLabel records'),
  deadLetterTopic: setting(
    'FS_TOPIC_DLQ',
    kafkaName,
    'transactions-dlq',
    'dead-letter topic of DeadLetter records',
  ),
  labelsEnabled: setting(
    'FS_LABELS_ENABLED',
    bool(),
    true,
    'run the fraud-label consumer in this process',
  ),
  labelsConsumerGroup: setting(
    'FS_LABELS_CONSUMER_GROUP',
    kafkaName,
    'fraudstream-labels',
    'consumer group of the label consumers (not FS_CONSUMER_GROUP)',
  ),
  maxBatchSize: setting(
    'FS_MAX_BATCH_SIZE',
    positive,
    500,
    'most records scored in one pipeline run (one Redis round trip, one TF call)',
  ),
  partitionsConsumedConcurrently: setting(
    'FS_PARTITIONS_CONSUMED_CONCURRENTLY',
    positive,
    12,
    'partitions processed at the same time (their chunks are scored together)',
  ),
  fetchMaxWaitMs: setting(
    'FS_FETCH_MAX_WAIT_MS',
    positive,
    100,
    'longest wait of a fetch for new records, ms',
  ),
  maxBytesPerPartition: setting(
    'FS_MAX_BYTES_PER_PARTITION',
    positive,
    1_048_576,
    'most bytes fetched per partition per request',
  ),
  // A Transaction is ~150 bytes of Avro and its headers ~100, so 256 KiB is 1,000 times any
  // real record, and small enough that a dead letter (which copies a record up to this size and
  // carries its key twice, inside and as its own key) stays under 2 × limit + 8 KiB = 520 KiB:
  // half the broker's default message.max.bytes (1,048,588). The ceiling keeps that bound under
  // librdkafka's producer limit of 1,000,000 bytes (2 × 480 KiB + 8 KiB = 991,232).
  maxRecordBytes: setting(
    'FS_MAX_RECORD_BYTES',
    int({ min: 1_024, max: 491_520 }),
    262_144,
    'largest input record (key, value and headers), bytes; a larger one is dead-lettered by reference (FS_RECORD_TOO_LARGE: position, size and sha256, not its bytes), and no dead letter copies more',
  ),
  // 100 ms: what a crash or a fenced member redelivers is what it processed since its last
  // commit. Under bench chaos at 100 tx/s a 1 s interval gave 56 duplicate verdicts in three
  // worker faults and 100 ms gave 1; the commits run beside the fetch loop, off the records' path.
  commitIntervalMs: setting(
    'FS_COMMIT_INTERVAL_MS',
    positive,
    100,
    'how often processed offsets are committed, ms (at-least-once: at most this much work is redelivered after a crash)',
  ),
  // 6 s, the broker's lowest allowed session: a killed worker's partitions move on after it (the
  // failover target is 10 s), where the classic 30 s left them idle for half a minute.
  sessionTimeoutMs: setting(
    'FS_SESSION_TIMEOUT_MS',
    positive,
    6_000,
    'consumer group session timeout, ms: how long a dead worker keeps its partitions (classic protocol)',
  ),
  heartbeatIntervalMs: setting(
    'FS_HEARTBEAT_INTERVAL_MS',
    positive,
    1_000,
    'consumer group heartbeat interval, ms (at most a third of FS_SESSION_TIMEOUT_MS)',
  ),
  groupInstanceId: optionalSetting(
    'FS_GROUP_INSTANCE_ID',
    kafkaName,
    'static group membership: a stable id per worker (e.g. the pod name); a restart within the session timeout keeps its partitions without a rebalance (librdkafka only; unset: dynamic membership)',
  ),
  groupProtocol: setting(
    'FS_KAFKA_GROUP_PROTOCOL',
    oneOf(GROUP_PROTOCOLS),
    'classic',
    'consumer group protocol: classic (cooperative-sticky with librdkafka), or consumer (KIP-848, librdkafka only; the broker then owns session and heartbeat settings)',
  ),
  exactlyOnce: setting(
    'FS_EXACTLY_ONCE',
    bool(),
    false,
    'Kafka transactions: verdicts, dead letters and offsets commit atomically',
  ),
  transactionalIdPrefix: optionalSetting(
    'FS_TRANSACTIONAL_ID_PREFIX',
    kafkaName,
    'prefix of the per-partition transactional ids (unset: FS_CONSUMER_GROUP)',
  ),
  redisCommandTimeoutMs: setting(
    'FS_REDIS_COMMAND_TIMEOUT_MS',
    positive,
    2_000,
    'timeout of one Redis round trip, ms; a timeout is retried',
  ),
  // 0 by default: a single Redis has no replica to wait for, and WAIT would then answer 0 at
  // once, which is fewer than any n > 0 (see docs/architecture.md, durability of the retry queue).
  redisWaitReplicas: setting(
    'FS_REDIS_WAIT_REPLICAS',
    int({ min: 0, max: 16 }),
    0,
    'replicas that must acknowledge a retry job (WAIT) before its offset is committed; fewer within FS_REDIS_WAIT_TIMEOUT_MS pauses the worker and redelivers the records (0: no WAIT)',
  ),
  redisWaitTimeoutMs: setting(
    'FS_REDIS_WAIT_TIMEOUT_MS',
    int({ min: 1, max: 60_000 }),
    500,
    'longest wait for FS_REDIS_WAIT_REPLICAS acknowledgements of a retry job, ms',
  ),
  redisProbeIntervalMs: setting(
    'FS_REDIS_PROBE_INTERVAL_MS',
    positive,
    // A probe is one SET: probing four times a second keeps the resumption after Redis answers
    // again well within the 1 s the fault targets allow (at 500 ms it took 1.0-1.1 s).
    250,
    'how often a paused worker probes Redis, ms',
  ),
  featureKeyPrefix: MODEL_SETTINGS.featureKeyPrefix,
  featureRecordTtlMs: setting(
    'FS_FEATURE_RECORD_TTL_MS',
    positive,
    8 * 86_400_000,
    "how long a transaction's feature record is kept, ms (replays, labels without event_time)",
  ),
  deliveryLedgerTtlMs: setting(
    'FS_DELIVERY_LEDGER_TTL_MS',
    // Redeliveries come within a rebalance or a retry job's backoff (FS_RETRY_MAX_DELAY_MS):
    // 5 minutes covers both; each id costs ~120 bytes of Redis for that long (180 MB at 5,000 tx/s).
    int({ min: 0, max: 86_400_000 }),
    300_000,
    'at-least-once: how long the ids of delivered verdicts and dead letters are remembered, so a redelivered record is not answered twice, ms (0: off)',
  ),
  degradedMode: setting(
    'FS_DEGRADED_MODE',
    bool(),
    false,
    'when Redis is down, score from the transaction alone (verdict degraded) instead of pausing',
  ),
  retryQueue: setting(
    'FS_RETRY_QUEUE',
    queueName,
    'fraudstream-retry',
    'BullMQ queue of transient failures',
  ),
  retryKeyPrefix: setting('FS_RETRY_KEY_PREFIX', queueName, 'bull', 'BullMQ key prefix in Redis'),
  retryAttempts: setting(
    'FS_RETRY_ATTEMPTS',
    positive,
    5,
    'attempts from the retry queue before the dead-letter topic',
  ),
  retryBaseDelayMs: setting(
    'FS_RETRY_BASE_DELAY_MS',
    positive,
    500,
    'backoff cap of the first retry, ms (full jitter doubles it per attempt)',
  ),
  retryMaxDelayMs: setting(
    'FS_RETRY_MAX_DELAY_MS',
    positive,
    30_000,
    'cap of any retry backoff, ms (at least FS_RETRY_BASE_DELAY_MS)',
  ),
  retryConcurrency: setting(
    'FS_RETRY_CONCURRENCY',
    positive,
    4,
    'retry jobs processed at the same time',
  ),
  // BullMQ's stall handling: a job whose lock is not renewed for FS_RETRY_LOCK_DURATION_MS (its
  // worker died or froze) is taken back by the next stall check; past the stall budget it fails
  // and is dead-lettered (FS_RETRY_STALLED). A record is worth more than a stall budget: 10.
  retryLockDurationMs: setting(
    'FS_RETRY_LOCK_DURATION_MS',
    int({ min: 100 }),
    30_000,
    'lock of a running retry job, ms, renewed at half of it; a worker frozen longer loses the job',
  ),
  retryStalledIntervalMs: setting(
    'FS_RETRY_STALLED_INTERVAL_MS',
    int({ min: 100 }),
    30_000,
    'how often each worker checks for retry jobs whose lock expired (stalled), ms',
  ),
  retryMaxStalledCount: setting(
    'FS_RETRY_MAX_STALLED_COUNT',
    int({ min: 0 }),
    10,
    'times a retry job may stall and be taken up again before it is dead-lettered (FS_RETRY_STALLED)',
  ),
  retrySweepIntervalMs: setting(
    'FS_RETRY_SWEEP_INTERVAL_MS',
    positive,
    60_000,
    'how often each worker dead-letters failed retry jobs that have no dead letter yet (Kafka was down when they failed), ms',
  ),
  modelDir: MODEL_SETTINGS.modelDir,
  modelPollMs: setting(
    'FS_MODEL_POLL_MS',
    positive,
    2_000,
    'how often the CURRENT pointer is checked for a new version, ms',
  ),
  challengerModel: optionalSetting(
    'FS_CHALLENGER_MODEL',
    nonEmpty,
    'version or path of a challenger scored in shadow (unset: none)',
  ),
  healthPort: setting(
    'FS_HEALTH_PORT',
    int({ min: 0, max: 65535 }),
    9464,
    'port of /healthz, /readyz and /metrics (0: any free port)',
  ),
  // Loopback by default: /metrics and /readyz say more about the fleet than a stranger on the
  // network should learn. The container and Kubernetes manifests set 0.0.0.0 themselves (the
  // kubelet and Prometheus reach the pod from outside it).
  healthHost: setting(
    'FS_HEALTH_HOST',
    nonEmpty,
    '127.0.0.1',
    'address the health server binds (0.0.0.0: every interface, as containers need)',
  ),
  shutdownTimeoutMs: setting(
    'FS_SHUTDOWN_TIMEOUT_MS',
    positive,
    25_000,
    'longest time from SIGTERM to exit, ms',
  ),
  logLevel: setting(
    'FS_LOG_LEVEL',
    oneOf(LOG_LEVELS, { ignoreCase: true }),
    'info',
    'lowest log level written',
  ),
  // Secret: a registry URL may carry basic-auth credentials (https://user:key@registry).
  schemaRegistryUrl: optionalSetting(
    'FS_SCHEMA_REGISTRY_URL',
    url(['http', 'https'], { stripTrailingSlash: true }),
    'Confluent-compatible schema registry (unset: the embedded registry)',
    { secret: true },
  ),
};

/** The settings whose default is derived at start-up rather than declared. */
type DerivedKeys = 'instanceId' | 'transactionalIdPrefix';

/** The scoring worker's configuration, every value checked (see {@link WORKER_SETTINGS}). */
export type WorkerConfig = Omit<SettingValues<typeof WORKER_SETTINGS>, DerivedKeys> & {
  readonly instanceId: string;
  readonly transactionalIdPrefix: string;
};

/** Options of the scoring worker given in code; every field optional, defaults from the declarations. */
export type WorkerOptions = { [K in keyof WorkerConfig]?: WorkerConfig[K] };

type OptionalKeys =
  | DerivedKeys
  | 'modelDir'
  | 'challengerModel'
  | 'schemaRegistryUrl'
  | 'groupInstanceId'
  | 'redisSentinels'
  | SecurityFileKeys;

/**
 * The optional security settings: files and credentials (kafka-security-settings.ts,
 * redis-security-settings.ts).
 */
type SecurityFileKeys =
  | 'kafkaSslCa'
  | 'kafkaSslCert'
  | 'kafkaSslKey'
  | 'kafkaSaslUsername'
  | 'kafkaSaslPassword'
  | 'redisCa'
  | 'redisCert'
  | 'redisKey'
  | 'redisUsername'
  | 'redisPassword';

/** Declared defaults of {@link WorkerOptions} (instance id and transactional prefix are derived). */
export const DEFAULT_WORKER_OPTIONS = Object.freeze(declaredDefaults(WORKER_SETTINGS)) as Readonly<
  Omit<WorkerConfig, OptionalKeys>
>;
