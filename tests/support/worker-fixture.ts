// Everything one worker test owns: its topics, consumer groups, Redis key prefixes, BullMQ queue
// and model store, the environment that points a worker at them, and their cleanup.
import { TopicFixture } from './kafka';
import { deleteKeys } from './redis';
import {
  KAFKA_BROKERS,
  KAFKA_CLIENT,
  REDIS_URL,
  uniqueName,
  WORKER_SECURITY_ENV,
} from './services';

/** Options of {@link WorkerFixture.create}. */
export interface WorkerFixtureOptions {
  /** Partitions of the input topic. @defaultValue 4 */
  readonly partitions?: number;
  /** The model store (FS_MODEL_DIR). */
  readonly modelDir: string;
  /** Redis of the worker. @defaultValue the local stack's */
  readonly redisUrl?: string;
  /** Extra or overriding variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** One test's names and the worker environment built from them. */
export class WorkerFixture {
  readonly id = uniqueName('wt').slice(3, 15);
  readonly consumerGroup = uniqueName('scoring');
  readonly labelsGroup = uniqueName('labels');
  readonly featurePrefix = `fstest:${this.id}:`;
  readonly retryPrefix = `fstest-bull-${this.id}`;
  readonly retryQueue = uniqueName('retry');
  readonly redisUrl: string;

  private constructor(
    readonly topics: TopicFixture,
    private readonly options: WorkerFixtureOptions,
  ) {
    this.redisUrl = options.redisUrl ?? REDIS_URL;
  }

  /** Creates the topics. */
  static async create(options: WorkerFixtureOptions): Promise<WorkerFixture> {
    return new WorkerFixture(await TopicFixture.create(options.partitions ?? 4), options);
  }

  /** The environment of a worker of this test (quick group timeouts, any free health port). */
  env(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
      FS_KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      // The client under test: `npm test` runs the integration suite once per client.
      FS_KAFKA_CLIENT: KAFKA_CLIENT,
      FS_REDIS_URL: this.redisUrl,
      // The worker principal's TLS and credentials, in the secured pass (services.ts).
      ...(this.redisUrl === REDIS_URL ? WORKER_SECURITY_ENV : kafkaOnly(WORKER_SECURITY_ENV)),
      FS_TOPIC_TRANSACTIONS: this.topics.transactions,
      FS_TOPIC_DECISIONS: this.topics.decisions,
      FS_TOPIC_LABELS: this.topics.labels,
      FS_TOPIC_DLQ: this.topics.deadLetters,
      FS_CONSUMER_GROUP: this.consumerGroup,
      FS_LABELS_CONSUMER_GROUP: this.labelsGroup,
      FS_FEATURE_KEY_PREFIX: this.featurePrefix,
      FS_RETRY_QUEUE: this.retryQueue,
      FS_RETRY_KEY_PREFIX: this.retryPrefix,
      FS_MODEL_DIR: this.options.modelDir,
      FS_HEALTH_PORT: '0',
      FS_HEALTH_HOST: '127.0.0.1',
      // The broker's minimum: a killed worker's partitions move on after 6 s, not 30.
      FS_SESSION_TIMEOUT_MS: '6000',
      FS_HEARTBEAT_INTERVAL_MS: '1000',
      FS_FETCH_MAX_WAIT_MS: '50',
      FS_MODEL_POLL_MS: '200',
      FS_RETRY_BASE_DELAY_MS: '100',
      FS_RETRY_MAX_DELAY_MS: '400',
      FS_REDIS_PROBE_INTERVAL_MS: '200',
      FS_SHUTDOWN_TIMEOUT_MS: '20000',
      FS_LOG_LEVEL: 'info',
      FS_TRACING_ENABLED: 'false',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...this.options.env,
      ...extra,
    };
  }

  /** Deletes the topics, the groups, the feature keys and the retry queue. */
  async cleanup(extraGroups: readonly string[] = []): Promise<void> {
    await this.topics.delete([this.consumerGroup, this.labelsGroup, ...extraGroups]);
    await deleteKeys([`${this.featurePrefix}*`, `${this.retryPrefix}:*`], this.redisUrl).catch(
      () => undefined,
    );
  }
}

/** The Kafka variables of `env`: a test's own Redis server takes no TLS or ACL user. */
function kafkaOnly(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('FS_KAFKA_')));
}
