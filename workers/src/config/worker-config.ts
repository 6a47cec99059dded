// The start-up path of `fraudstream worker`: raw environment → options → compiled config. Each
// value is read and checked by its declaration in worker-options.ts; the rules between settings
// are checked here, after parsing. A bad value stops the process with the variable's name.
import { hostname } from 'node:os';
import { checkSettings, ConfigError, readGivenSettings } from '@fraudstream/settings';
import type { Env } from './env';
import {
  DEFAULT_WORKER_OPTIONS,
  WORKER_SETTINGS,
  type WorkerConfig,
  type WorkerOptions,
} from './worker-options';

export { DEFAULT_WORKER_OPTIONS, WORKER_SETTINGS };
export type { WorkerConfig, WorkerOptions };

/** FS_INSTANCE_ID's value when unset: host name and process id, unique among the workers of a host. */
export function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}`;
}

/**
 * Reads the worker's variables that `env` sets (credentials may come from `<NAME>_FILE` files);
 * each bad value throws a ConfigError naming it.
 */
export function workerOptionsFromEnv(env: Env): WorkerOptions {
  return readGivenSettings(WORKER_SETTINGS, env);
}

/** Applies defaults and checks each value and the rules between settings; errors name the variable. */
export function compileWorkerConfig(options: WorkerOptions = {}): WorkerConfig {
  // Options given in code get the same checks as the environment's text.
  const given: WorkerOptions = checkSettings(WORKER_SETTINGS, options);
  const o = { ...DEFAULT_WORKER_OPTIONS, ...given };
  const check = (key: keyof typeof WORKER_SETTINGS, ok: boolean, expected: string): void => {
    if (!ok) throw new ConfigError(WORKER_SETTINGS[key].name, expected, String(o[key]));
  };
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
  // WAIT runs on the retry queue's client: a longer wait would end as a command timeout instead.
  check(
    'redisWaitTimeoutMs',
    o.redisWaitTimeoutMs < o.redisCommandTimeoutMs,
    `less than FS_REDIS_COMMAND_TIMEOUT_MS (${o.redisCommandTimeoutMs})`,
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
  check(
    'groupInstanceId',
    o.kafkaClient === 'librdkafka' || given.groupInstanceId === undefined,
    'unset with FS_KAFKA_CLIENT=kafkajs (kafkajs has no static membership)',
  );
  check(
    'groupProtocol',
    o.kafkaClient === 'librdkafka' || o.groupProtocol === 'classic',
    'classic with FS_KAFKA_CLIENT=kafkajs (kafkajs speaks only the classic protocol)',
  );
  return {
    ...o,
    groupInstanceId: given.groupInstanceId,
    instanceId: given.instanceId ?? defaultInstanceId(),
    transactionalIdPrefix: given.transactionalIdPrefix ?? o.consumerGroup,
    modelDir: given.modelDir,
    challengerModel: given.challengerModel,
    schemaRegistryUrl: given.schemaRegistryUrl,
    redisSentinels: given.redisSentinels,
    kafkaSslCa: given.kafkaSslCa,
    kafkaSslCert: given.kafkaSslCert,
    kafkaSslKey: given.kafkaSslKey,
    kafkaSaslUsername: given.kafkaSaslUsername,
    kafkaSaslPassword: given.kafkaSaslPassword,
    redisCa: given.redisCa,
    redisCert: given.redisCert,
    redisKey: given.redisKey,
    redisUsername: given.redisUsername,
    redisPassword: given.redisPassword,
  };
}

/** The whole start-up path: environment → options → compiled config. */
export function loadWorkerConfig(env: Env): WorkerConfig {
  return compileWorkerConfig(workerOptionsFromEnv(env));
}
