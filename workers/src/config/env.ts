// Where the local services are and which Kafka client reaches them: the settings every
// fraudstream process reads (the worker, `doctor`, the load generator). FS_KAFKA_BROKERS,
// FS_KAFKA_CLIENT and the Sentinel settings are declared here; FS_REDIS_URL in the models
// package, whose `fraudstream backfill` reads it too. Their defaults match deploy/local/env.sh.
import { MODEL_SETTINGS } from '@fraudstream/models';
import {
  hostPortList,
  oneOf,
  optionalSetting,
  readSettings,
  setting,
  text,
  type SettingSource,
  type SettingValues,
} from '@fraudstream/settings';
import { KAFKA_CLIENT_NAMES } from '../kafka/kafka-client';
import { KAFKA_SECURITY_SETTINGS } from '../kafka/kafka-security-settings';
import { REDIS_SECURITY_SETTINGS } from './redis-security-settings';

/** Raw process environment, as given to the readers (injected so tests need no global state). */
export type Env = SettingSource;

/** FS_KAFKA_BROKERS, FS_KAFKA_CLIENT, FS_REDIS_URL, the Redis Sentinel settings and how Kafka and Redis are secured. */
export const SERVICE_SETTINGS = {
  kafkaBrokers: setting(
    'FS_KAFKA_BROKERS',
    hostPortList(),
    ['127.0.0.1:19092'],
    'Kafka bootstrap servers, host:port[,host:port]',
  ),
  kafkaClient: setting(
    'FS_KAFKA_CLIENT',
    oneOf(KAFKA_CLIENT_NAMES),
    'kafkajs',
    'Kafka client library: kafkajs, or librdkafka (@confluentinc/kafka-javascript)',
  ),
  ...KAFKA_SECURITY_SETTINGS,
  redisUrl: MODEL_SETTINGS.redisUrl,
  // With sentinels, FS_REDIS_URL's host and port are not used: the sentinels name the primary.
  // Its password, database and TLS (rediss://) still apply to the data nodes.
  redisSentinels: optionalSetting(
    'FS_REDIS_SENTINELS',
    hostPortList(),
    'Redis Sentinels, host:port[,host:port]: every Redis client asks them for the current primary and follows a failover (unset: FS_REDIS_URL directly); FS_REDIS_URL then gives only the password, database and TLS',
  ),
  redisSentinelMaster: setting(
    'FS_REDIS_SENTINEL_MASTER',
    text(/^[A-Za-z0-9._-]{1,200}$/, 'a Sentinel master name of [A-Za-z0-9._-]'),
    'fraudstream',
    'name of the master the sentinels watch (with FS_REDIS_SENTINELS)',
  ),
  ...REDIS_SECURITY_SETTINGS,
};

/** Where the services are (Kafka brokers, the Redis URL and its sentinels) and how connections are secured. */
export type ServiceEndpoints = SettingValues<typeof SERVICE_SETTINGS>;

/** The defaults of {@link SERVICE_SETTINGS}: the local stack in deploy/local. */
export const DEFAULT_SERVICE_ENDPOINTS: ServiceEndpoints = Object.freeze(
  readSettings(SERVICE_SETTINGS, {}),
);

/**
 * Resolves the service endpoints from the environment, falling back to the defaults; credentials
 * may come from `<NAME>_FILE` files.
 */
export function loadServiceEndpoints(env: Env): ServiceEndpoints {
  return readSettings(SERVICE_SETTINGS, env);
}
