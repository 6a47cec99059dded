// The environment the load generator's commands and its passthrough worker read, once, at start:
// the local stack's settings, declared once by the worker (FS_KAFKA_BROKERS, FS_TOPIC_*,
// FS_CONSUMER_GROUP), so the load generator and the workers agree on names and defaults. Bad
// values stop with the variable's name.
import { readSettings, type SettingSource } from '@fraudstream/settings';
import { SERVICE_SETTINGS, WORKER_SETTINGS } from '@fraudstream/workers';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import type { LoadTopics } from './load-options';

/** Settings from the environment. */
export interface StackEnv {
  readonly brokers: readonly string[];
  readonly topics: LoadTopics;
  /** The scoring workers' consumer group (for lag; a passthrough worker joins it). */
  readonly workerGroupId: string;
  /** The Kafka client library of the environment's services (FS_KAFKA_CLIENT). */
  readonly kafkaClient: KafkaClientName;
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
};

/** Reads FS_KAFKA_BROKERS, FS_TOPIC_*, FS_CONSUMER_GROUP and FS_KAFKA_CLIENT (defaults: the local stack's). */
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
  };
}
