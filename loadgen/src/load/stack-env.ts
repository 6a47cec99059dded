// The environment the load generator's commands and its passthrough worker read, once, at start:
// the local stack's settings, declared once by the worker (FS_KAFKA_BROKERS, FS_TOPIC_*,
// FS_CONSUMER_GROUP, FS_REDIS_URL, FS_EXACTLY_ONCE), so the load generator and the workers agree
// on names and defaults. Bad values stop with the variable's name.
import { readSettings, type SettingSource } from '@fraudstream/settings';
import { KAFKA_SECURITY_SETTINGS, SERVICE_SETTINGS, WORKER_SETTINGS } from '@fraudstream/workers';
import {
  loadKafkaSecurity,
  type KafkaClientName,
  type KafkaSecurity,
} from '@fraudstream/workers/kafka';
import type { LoadTopics } from './load-options';

/** Settings from the environment. */
export interface StackEnv {
  readonly brokers: readonly string[];
  readonly topics: LoadTopics;
  /** The scoring workers' consumer group (for lag; a passthrough worker joins it). */
  readonly workerGroupId: string;
  /** The Kafka client library of the environment's services (FS_KAFKA_CLIENT). */
  readonly kafkaClient: KafkaClientName;
  /** The workers' Redis (FS_REDIS_URL; may carry credentials: never log it). */
  readonly redisUrl: string;
  /** The workers' delivery mode (FS_EXACTLY_ONCE): Kafka transactions when true. */
  readonly exactlyOnce: boolean;
  /** TLS and SASL of the load generator's Kafka clients (FS_KAFKA_SECURITY_PROTOCOL...). */
  readonly kafkaSecurity: KafkaSecurity;
}

/** The worker settings the load generator reads. */
export const STACK_ENV_SETTINGS = {
  kafkaBrokers: WORKER_SETTINGS.kafkaBrokers,
  transactionsTopic: WORKER_SETTINGS.transactionsTopic,
  decisionsTopic: WORKER_SETTINGS.decisionsTopic,
  labelsTopic: WORKER_SETTINGS.labelsTopic,
  deadLetterTopic: WORKER_SETTINGS.deadLetterTopic,
  consumerGroup: WORKER_SETTINGS.consumerGroup,
  kafkaClient: SERVICE_SETTINGS.kafkaClient,
  redisUrl: WORKER_SETTINGS.redisUrl,
  exactlyOnce: WORKER_SETTINGS.exactlyOnce,
  ...KAFKA_SECURITY_SETTINGS,
};

/**
 * Reads FS_KAFKA_BROKERS, FS_TOPIC_*, FS_CONSUMER_GROUP, FS_KAFKA_CLIENT, FS_REDIS_URL,
 * FS_EXACTLY_ONCE and the Kafka security settings (defaults: the local stack's, at-least-once,
 * plaintext); the SASL password may come from FS_KAFKA_SASL_PASSWORD_FILE.
 */
export function readStackEnv(env: SettingSource): StackEnv {
  const s = readSettings(STACK_ENV_SETTINGS, env);
  return {
    brokers: s.kafkaBrokers,
    topics: {
      transactions: s.transactionsTopic,
      decisions: s.decisionsTopic,
      labels: s.labelsTopic,
      deadLetters: s.deadLetterTopic,
    },
    workerGroupId: s.consumerGroup,
    kafkaClient: s.kafkaClient,
    redisUrl: s.redisUrl,
    exactlyOnce: s.exactlyOnce,
    kafkaSecurity: loadKafkaSecurity(s),
  };
}
