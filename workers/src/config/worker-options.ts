// The options of the scoring worker and their defaults (the settings table in worker-config.ts
// maps each to its environment variable).
import { DEFAULT_SERVICE_ENDPOINTS } from './env';
import type { LogLevel } from '../logging/logger';

/** Options of the scoring worker; every field optional, defaults in {@link DEFAULT_WORKER_OPTIONS}. */
export interface WorkerOptions {
  /** Kafka bootstrap servers. @defaultValue `['127.0.0.1:19092']` */
  kafkaBrokers?: readonly string[];
  /** Redis of the feature state and the retry queue. @defaultValue `'redis://127.0.0.1:16379'` */
  redisUrl?: string;
  /** Kafka client id. @defaultValue `'fraudstream-worker'` */
  clientId?: string;
  /** Name of this process in logs and Kafka client ids. @defaultValue `'<hostname>-<pid>'` */
  instanceId?: string;
  /** Consumer group of the scoring workers. @defaultValue `'fraudstream-scoring'` */
  consumerGroup?: string;
  /** Input topic. @defaultValue `'transactions'` */
  transactionsTopic?: string;
  /** Verdict topic. @defaultValue `'decisions'` */
  decisionsTopic?: string;
  /** Fraud label topic. @defaultValue `'fraud-labels'` */
  labelsTopic?: string;
  /** Dead-letter topic. @defaultValue `'transactions-dlq'` */
  deadLetterTopic?: string;
  /** Run the fraud-label consumer in this process. @defaultValue `true` */
  labelsEnabled?: boolean;
  /** Consumer group of the label consumers. @defaultValue `'fraudstream-labels'` */
  labelsConsumerGroup?: string;
  /** Largest number of records scored together; a fetched batch is cut into chunks of this. @defaultValue `500` */
  maxBatchSize?: number;
  /**
   * Partitions processed at the same time by one process; in at-least-once mode their chunks
   * are scored together, so at least the partitions a worker owns. @defaultValue `12`
   */
  partitionsConsumedConcurrently?: number;
  /** Longest time the broker holds a fetch waiting for data. @defaultValue `100` */
  fetchMaxWaitMs?: number;
  /** Most bytes fetched per partition per request. @defaultValue `1048576` */
  maxBytesPerPartition?: number;
  /**
   * How often processed offsets are committed (at-least-once). Commits run beside the fetch
   * loop, never inside a record's latency; a crash redelivers at most this much work.
   * @defaultValue `1000`
   */
  commitIntervalMs?: number;
  /** Consumer group session timeout. @defaultValue `30000` */
  sessionTimeoutMs?: number;
  /** Consumer group heartbeat interval. @defaultValue `3000` */
  heartbeatIntervalMs?: number;
  /** Kafka transactions: verdicts and offsets committed atomically. @defaultValue `false` */
  exactlyOnce?: boolean;
  /** Prefix of the transactional ids (exactly-once); one id per input partition. @defaultValue the consumer group */
  transactionalIdPrefix?: string;
  /** Timeout of one Redis command (feature round trip). @defaultValue `2000` */
  redisCommandTimeoutMs?: number;
  /** How often a paused worker probes Redis. @defaultValue `500` */
  redisProbeIntervalMs?: number;
  /** Prefix of every feature-state key in Redis. @defaultValue `'fs:feat:'` */
  featureKeyPrefix?: string;
  /** How long a transaction's feature record is kept (idempotent replays; labels without event_time find it). @defaultValue `691200000` (8 days) */
  featureRecordTtlMs?: number;
  /** Score without features (verdict marked degraded) instead of pausing when Redis is down. @defaultValue `false` */
  degradedMode?: boolean;
  /** BullMQ queue of transient failures. @defaultValue `'fraudstream-retry'` */
  retryQueue?: string;
  /** BullMQ key prefix. @defaultValue `'bull'` */
  retryKeyPrefix?: string;
  /** Attempts from the retry queue before a record is dead-lettered (the first Kafka attempt not counted). @defaultValue `5` */
  retryAttempts?: number;
  /** Backoff of the first retry (cap of its full-jitter draw). @defaultValue `500` */
  retryBaseDelayMs?: number;
  /** Cap of any backoff draw. @defaultValue `30000` */
  retryMaxDelayMs?: number;
  /** Retry jobs processed at the same time by one process. @defaultValue `4` */
  retryConcurrency?: number;
  /** Model store: one directory per version and a `CURRENT` pointer file. @defaultValue the models package's artifacts */
  modelDir?: string;
  /** How often the `CURRENT` pointer is checked. @defaultValue `2000` */
  modelPollMs?: number;
  /** Version (directory in the model store) or path of a challenger model scored in shadow. @defaultValue none */
  challengerModel?: string;
  /** Port of /healthz, /readyz and /metrics; 0 picks a free one. @defaultValue `9464` */
  healthPort?: number;
  /** Address the health server binds. @defaultValue `'0.0.0.0'` */
  healthHost?: string;
  /** Longest time from SIGTERM to exit. @defaultValue `25000` */
  shutdownTimeoutMs?: number;
  /** Lowest log level written. @defaultValue `'info'` */
  logLevel?: LogLevel;
  /** Confluent-compatible schema registry; unset uses the embedded registry. @defaultValue none */
  schemaRegistryUrl?: string;
}

/** Every option of {@link WorkerOptions}, resolved. */
export interface WorkerConfig {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly clientId: string;
  readonly instanceId: string;
  readonly consumerGroup: string;
  readonly transactionsTopic: string;
  readonly decisionsTopic: string;
  readonly labelsTopic: string;
  readonly deadLetterTopic: string;
  readonly labelsEnabled: boolean;
  readonly labelsConsumerGroup: string;
  readonly maxBatchSize: number;
  readonly partitionsConsumedConcurrently: number;
  readonly fetchMaxWaitMs: number;
  readonly maxBytesPerPartition: number;
  readonly commitIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly exactlyOnce: boolean;
  readonly transactionalIdPrefix: string;
  readonly redisCommandTimeoutMs: number;
  readonly redisProbeIntervalMs: number;
  readonly featureKeyPrefix: string;
  readonly featureRecordTtlMs: number;
  readonly degradedMode: boolean;
  readonly retryQueue: string;
  readonly retryKeyPrefix: string;
  readonly retryAttempts: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly retryConcurrency: number;
  /** Undefined: the models package's default model store. */
  readonly modelDir: string | undefined;
  readonly modelPollMs: number;
  readonly challengerModel: string | undefined;
  readonly healthPort: number;
  readonly healthHost: string;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly schemaRegistryUrl: string | undefined;
}

type OptionalKeys =
  'modelDir' | 'challengerModel' | 'schemaRegistryUrl' | 'instanceId' | 'transactionalIdPrefix';

/** Defaults of {@link WorkerOptions} (the dynamic ones, instance id and transactional prefix, are derived). */
export const DEFAULT_WORKER_OPTIONS: Readonly<Omit<WorkerConfig, OptionalKeys>> = Object.freeze({
  kafkaBrokers: DEFAULT_SERVICE_ENDPOINTS.kafkaBrokers,
  redisUrl: DEFAULT_SERVICE_ENDPOINTS.redisUrl,
  clientId: 'fraudstream-worker',
  consumerGroup: 'fraudstream-scoring',
  transactionsTopic: 'transactions',
  decisionsTopic: 'decisions',
  labelsTopic: 'fraud-labels',
  deadLetterTopic: 'transactions-dlq',
  labelsEnabled: true,
  labelsConsumerGroup: 'fraudstream-labels',
  maxBatchSize: 500,
  partitionsConsumedConcurrently: 12,
  fetchMaxWaitMs: 100,
  maxBytesPerPartition: 1_048_576,
  commitIntervalMs: 1_000,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  exactlyOnce: false,
  redisCommandTimeoutMs: 2_000,
  redisProbeIntervalMs: 500,
  featureKeyPrefix: 'fs:feat:',
  featureRecordTtlMs: 8 * 86_400_000,
  degradedMode: false,
  retryQueue: 'fraudstream-retry',
  retryKeyPrefix: 'bull',
  retryAttempts: 5,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  retryConcurrency: 4,
  modelPollMs: 2_000,
  healthPort: 9464,
  healthHost: '0.0.0.0',
  shutdownTimeoutMs: 25_000,
  logLevel: 'info',
});
