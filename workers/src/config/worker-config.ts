// Every setting of `fraudstream worker`, in one table: environment variable, option, default,
// meaning. The environment is read once at start (raw env → options → compiled config); a bad
// value stops the process with the variable's name and what was expected. workers/README.md
// lists the same table, and a test fails when the two drift apart.
import { hostname } from 'node:os';
import { ConfigError } from '../errors';
import type { Env } from './env';
import { parseBrokerList, parsePositiveInt, parseRedisUrl } from './env';
import {
  httpUrl,
  kafkaName,
  keyPrefix,
  logLevel,
  nonEmpty,
  parseBooleanSetting,
  port,
  queueName,
  type Parser,
} from './setting-parsers';
import { DEFAULT_WORKER_OPTIONS, type WorkerConfig, type WorkerOptions } from './worker-options';

export { DEFAULT_WORKER_OPTIONS, parseBooleanSetting };
export type { WorkerConfig, WorkerOptions };

/** One row of the settings table. */
export interface WorkerSetting {
  /** Environment variable. */
  readonly env: string;
  /** Option it sets. */
  readonly option: keyof WorkerOptions;
  /** Default, as the README shows it. */
  readonly defaultText: string;
  /** What it means, one line. */
  readonly meaning: string;
  /** Parses and checks the raw value; throws ConfigError naming `env`. */
  readonly parse: Parser<unknown>;
}

const brokers: Parser<readonly string[]> = parseBrokerList;
const int: Parser<number> = parsePositiveInt;

function row(
  option: keyof WorkerOptions,
  env: string,
  parse: Parser<unknown>,
  meaning: string,
  defaultText?: string,
): WorkerSetting {
  const value = (DEFAULT_WORKER_OPTIONS as Partial<Record<keyof WorkerOptions, unknown>>)[option];
  const shown = defaultText ?? (Array.isArray(value) ? value.join(',') : String(value));
  return { env, option, parse, meaning, defaultText: shown };
}

/** The settings table: every FS_* variable `fraudstream worker` reads (telemetry's are in telemetry/config.ts). */
export const WORKER_SETTINGS: readonly WorkerSetting[] = [
  row(
    'kafkaBrokers',
    'FS_KAFKA_BROKERS',
    brokers,
    'Kafka bootstrap servers, host:port[,host:port]',
  ),
  row('redisUrl', 'FS_REDIS_URL', parseRedisUrl, 'Redis of the feature state and the retry queue'),
  row('clientId', 'FS_KAFKA_CLIENT_ID', nonEmpty, 'Kafka client id (the instance id is appended)'),
  row(
    'instanceId',
    'FS_INSTANCE_ID',
    nonEmpty,
    'name of this process in logs and client ids',
    '<hostname>-<pid>',
  ),
  row('consumerGroup', 'FS_CONSUMER_GROUP', kafkaName, 'consumer group of the scoring workers'),
  row(
    'transactionsTopic',
    'FS_TOPIC_TRANSACTIONS',
    kafkaName,
    'input topic of Transaction records',
  ),
  row('decisionsTopic', 'FS_TOPIC_DECISIONS', kafkaName, 'output topic of Verdict records'),
  row('labelsTopic', 'FS_TOPIC_LABELS', kafkaName, 'topic of FraudLabel records'),
  row('deadLetterTopic', 'FS_TOPIC_DLQ', kafkaName, 'dead-letter topic of DeadLetter records'),
  row(
    'labelsEnabled',
    'FS_LABELS_ENABLED',
    parseBooleanSetting,
    'run the fraud-label consumer in this process',
  ),
  row(
    'labelsConsumerGroup',
    'FS_LABELS_CONSUMER_GROUP',
    kafkaName,
    'consumer group of the label consumers',
  ),
  row(
    'maxBatchSize',
    'FS_MAX_BATCH_SIZE',
    int,
    'most records scored in one pipeline run (one Redis round trip, one TF call)',
  ),
  row(
    'partitionsConsumedConcurrently',
    'FS_PARTITIONS_CONSUMED_CONCURRENTLY',
    int,
    'partitions processed at the same time (their chunks are scored together)',
  ),
  row('fetchMaxWaitMs', 'FS_FETCH_MAX_WAIT_MS', int, 'longest wait of a fetch for new records'),
  row(
    'maxBytesPerPartition',
    'FS_MAX_BYTES_PER_PARTITION',
    int,
    'most bytes fetched per partition per request',
  ),
  row(
    'commitIntervalMs',
    'FS_COMMIT_INTERVAL_MS',
    int,
    'how often processed offsets are committed (at-least-once; most work redelivered after a crash)',
  ),
  row('sessionTimeoutMs', 'FS_SESSION_TIMEOUT_MS', int, 'consumer group session timeout'),
  row(
    'heartbeatIntervalMs',
    'FS_HEARTBEAT_INTERVAL_MS',
    int,
    'consumer group heartbeat interval (below a third of the session timeout)',
  ),
  row(
    'exactlyOnce',
    'FS_EXACTLY_ONCE',
    parseBooleanSetting,
    'Kafka transactions: verdicts, dead letters and offsets commit atomically',
  ),
  row(
    'transactionalIdPrefix',
    'FS_TRANSACTIONAL_ID_PREFIX',
    kafkaName,
    'prefix of the per-partition transactional ids',
    'FS_CONSUMER_GROUP',
  ),
  row(
    'redisCommandTimeoutMs',
    'FS_REDIS_COMMAND_TIMEOUT_MS',
    int,
    'timeout of one Redis round trip; a timeout is retried',
  ),
  row(
    'redisProbeIntervalMs',
    'FS_REDIS_PROBE_INTERVAL_MS',
    int,
    'how often a paused worker probes Redis',
  ),
  row(
    'featureKeyPrefix',
    'FS_FEATURE_KEY_PREFIX',
    keyPrefix,
    'prefix of every feature-state key in Redis',
  ),
  row(
    'featureRecordTtlMs',
    'FS_FEATURE_RECORD_TTL_MS',
    int,
    "how long a transaction's feature record is kept (replays, labels without event_time)",
  ),
  row(
    'degradedMode',
    'FS_DEGRADED_MODE',
    parseBooleanSetting,
    'when Redis is down, score from the transaction alone (verdict degraded) instead of pausing',
  ),
  row('retryQueue', 'FS_RETRY_QUEUE', queueName, 'BullMQ queue of transient failures'),
  row('retryKeyPrefix', 'FS_RETRY_KEY_PREFIX', queueName, 'BullMQ key prefix in Redis'),
  row(
    'retryAttempts',
    'FS_RETRY_ATTEMPTS',
    int,
    'attempts from the retry queue before the dead-letter topic',
  ),
  row(
    'retryBaseDelayMs',
    'FS_RETRY_BASE_DELAY_MS',
    int,
    'backoff cap of the first retry (full jitter doubles it per attempt)',
  ),
  row('retryMaxDelayMs', 'FS_RETRY_MAX_DELAY_MS', int, 'cap of any retry backoff'),
  row('retryConcurrency', 'FS_RETRY_CONCURRENCY', int, 'retry jobs processed at the same time'),
  row(
    'modelDir',
    'FS_MODEL_DIR',
    nonEmpty,
    'model store: version directories and the CURRENT pointer',
    'models/artifacts',
  ),
  row(
    'modelPollMs',
    'FS_MODEL_POLL_MS',
    int,
    'how often the CURRENT pointer is checked for a new version',
  ),
  row(
    'challengerModel',
    'FS_CHALLENGER_MODEL',
    nonEmpty,
    'version or path of a challenger scored in shadow',
    'none',
  ),
  row(
    'healthPort',
    'FS_HEALTH_PORT',
    port,
    'port of /healthz, /readyz and /metrics (0: any free port)',
  ),
  row('healthHost', 'FS_HEALTH_HOST', nonEmpty, 'address the health server binds'),
  row('shutdownTimeoutMs', 'FS_SHUTDOWN_TIMEOUT_MS', int, 'longest time from SIGTERM to exit'),
  row('logLevel', 'FS_LOG_LEVEL', logLevel, 'lowest log level written: debug, info, warn, error'),
  row(
    'schemaRegistryUrl',
    'FS_SCHEMA_REGISTRY_URL',
    httpUrl,
    'Confluent-compatible schema registry (unset: embedded registry)',
    'none',
  ),
];

/** Reads the worker's variables from `env`; each bad value throws a ConfigError naming it. */
export function workerOptionsFromEnv(env: Env): WorkerOptions {
  const options: Record<string, unknown> = {};
  for (const s of WORKER_SETTINGS) {
    const raw = env[s.env];
    // An empty variable is "unset": shells and manifests often export NAME= to clear one.
    if (raw === undefined || raw.trim() === '') continue;
    options[s.option] = s.parse(s.env, raw);
  }
  return options;
}

/** Applies defaults and checks the rules between settings; errors name the variable. */
export function compileWorkerConfig(options: WorkerOptions = {}): WorkerConfig {
  const o = { ...DEFAULT_WORKER_OPTIONS, ...defined(options) };
  const envOf = (option: keyof WorkerOptions): string =>
    WORKER_SETTINGS.find((s) => s.option === option)?.env ?? option;
  const check = (option: keyof WorkerOptions, ok: boolean, expected: string): void => {
    if (!ok) throw new ConfigError(envOf(option), expected, String(o[option]));
  };
  for (const key of [
    'maxBatchSize',
    'partitionsConsumedConcurrently',
    'fetchMaxWaitMs',
    'maxBytesPerPartition',
    'commitIntervalMs',
    'sessionTimeoutMs',
    'heartbeatIntervalMs',
    'redisCommandTimeoutMs',
    'redisProbeIntervalMs',
    'featureRecordTtlMs',
    'retryAttempts',
    'retryBaseDelayMs',
    'retryMaxDelayMs',
    'retryConcurrency',
    'modelPollMs',
    'shutdownTimeoutMs',
  ] as const) {
    check(key, Number.isSafeInteger(o[key]) && o[key] > 0, 'a positive integer');
  }
  check(
    'healthPort',
    Number.isInteger(o.healthPort) && o.healthPort >= 0 && o.healthPort <= 65535,
    'a port number from 0 to 65535',
  );
  check(
    'heartbeatIntervalMs',
    o.heartbeatIntervalMs * 3 <= o.sessionTimeoutMs,
    `at most a third of FS_SESSION_TIMEOUT_MS (${o.sessionTimeoutMs})`,
  );
  check(
    'retryMaxDelayMs',
    o.retryMaxDelayMs >= o.retryBaseDelayMs,
    `at least FS_RETRY_BASE_DELAY_MS (${o.retryBaseDelayMs})`,
  );
  const topics = [o.transactionsTopic, o.decisionsTopic, o.labelsTopic, o.deadLetterTopic];
  check(
    'decisionsTopic',
    new Set(topics).size === topics.length,
    'four distinct topics (transactions, decisions, labels, dead letters)',
  );
  check(
    'labelsConsumerGroup',
    !o.labelsEnabled || o.labelsConsumerGroup !== o.consumerGroup,
    'a group other than FS_CONSUMER_GROUP',
  );
  return {
    ...o,
    instanceId: options.instanceId ?? `${hostname()}-${process.pid}`,
    transactionalIdPrefix: options.transactionalIdPrefix ?? o.consumerGroup,
    modelDir: options.modelDir,
    challengerModel: options.challengerModel,
    schemaRegistryUrl: options.schemaRegistryUrl,
  };
}

/** The whole start-up path: environment → options → compiled config. */
export function loadWorkerConfig(env: Env): WorkerConfig {
  return compileWorkerConfig(workerOptionsFromEnv(env));
}

function defined(options: WorkerOptions): WorkerOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
