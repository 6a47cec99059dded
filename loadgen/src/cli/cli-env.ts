// The environment the load generator's commands read, once, at start: the local stack's
// settings (deploy/local/env.sh exports them). Bad values stop with the variable's name.
import { UsageError } from '../errors';
import type { LoadTopics } from '../load/load-options';
import { DEFAULT_LOAD_TOPICS } from '../load/load-options';

/** Settings from the environment. */
export interface CliEnv {
  readonly brokers: readonly string[];
  readonly topics: LoadTopics;
  /** The scoring workers' consumer group (for lag). */
  readonly workerGroupId: string;
}

/** Default group of `fraudstream worker` (FS_CONSUMER_GROUP). */
export const DEFAULT_WORKER_GROUP = 'fraudstream-scoring';

/** Parses `host:port[,host:port]`; `name` is the variable or flag, for the error. */
export function parseBrokers(name: string, raw: string): string[] {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0 || !brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b))) {
    throw new UsageError(`${name}: expected a comma-separated list of host:port, got "${raw}"`);
  }
  return brokers;
}

/** Reads FS_KAFKA_BROKERS, FS_TOPIC_* and FS_CONSUMER_GROUP (defaults: the local stack's). */
export function readCliEnv(env: Readonly<Record<string, string | undefined>>): CliEnv {
  const topic = (name: string, fallback: string): string => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(value))
      throw new UsageError(`${name}: "${value}" is not a Kafka topic name`);
    return value;
  };
  return {
    brokers: parseBrokers('FS_KAFKA_BROKERS', env.FS_KAFKA_BROKERS ?? '127.0.0.1:19092'),
    topics: {
      transactions: topic('FS_TOPIC_TRANSACTIONS', DEFAULT_LOAD_TOPICS.transactions),
      decisions: topic('FS_TOPIC_DECISIONS', DEFAULT_LOAD_TOPICS.decisions),
      labels: topic('FS_TOPIC_LABELS', DEFAULT_LOAD_TOPICS.labels),
      deadLetters: topic('FS_TOPIC_DLQ', DEFAULT_LOAD_TOPICS.deadLetters),
    },
    workerGroupId: topic('FS_CONSUMER_GROUP', DEFAULT_WORKER_GROUP),
  };
}
