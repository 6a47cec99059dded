import { Kafka, logLevel } from 'kafkajs';
import { loadTf, TfBackendError } from '@fraudstream/models';
import { redactText, secretTexts } from '@fraudstream/settings';
import { SERVICE_SETTINGS, type ServiceEndpoints } from '../config/env';
import { createKafkaClient } from '../kafka/create-kafka-client';
import type { KafkaClientName } from '../kafka/kafka-client';
import {
  kafkajsSecurityOptions,
  loadKafkaSecurity,
  PLAINTEXT,
  type KafkaSecurity,
} from '../kafka/kafka-security';
import { redisSecurityOptions } from '../redis/redis-tls';
import { SILENT_LOGGER } from '../logging/logger';
import { createRedis, describeRedisEndpoint, type RedisEndpoint } from '../redis/redis-connection';

/** Outcome of one doctor check: `ok` plus what was found, or why it failed. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** What `fraudstream doctor` reports; the JSON form of `--json`. */
export interface DoctorReport {
  readonly ok: boolean;
  readonly node: string;
  readonly tfjs: {
    readonly version: string | null;
    readonly backend: string | null;
    readonly tensorflow: string | null;
  } & CheckResult;
  readonly kafka: { readonly brokers: readonly string[] } & CheckResult;
  /** The client library FS_KAFKA_CLIENT chose, and its version (librdkafka's for librdkafka). */
  readonly kafkaClient: {
    readonly name: KafkaClientName;
    readonly version: string | null;
  } & CheckResult;
  /** `url`: where Redis was looked for (FS_REDIS_URL without credentials, or the sentinels). */
  readonly redis: { readonly url: string } & CheckResult;
}

/** Loads tfjs-node and proves the native backend runs an op; a JS fallback is a failure. */
export function checkTensorflow(): DoctorReport['tfjs'] {
  let tf: ReturnType<typeof loadTf>;
  try {
    // The models package's loader refuses any backend but the native one, so the doctor checks
    // exactly what the workers will load.
    tf = loadTf();
  } catch (error: unknown) {
    const backend =
      error instanceof TfBackendError && error.backend !== 'unavailable' ? error.backend : null;
    const cause =
      error instanceof Error && error.cause !== undefined ? ` (${describe(error.cause)})` : '';
    return {
      ok: false,
      version: null,
      backend,
      tensorflow: null,
      detail: `${describe(error)}${cause}`,
    };
  }
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: unknown } }).binding;
  const tensorflow = typeof binding?.TF_Version === 'string' ? binding.TF_Version : null;
  const sum = tf.tidy(() => tf.tensor1d([1, 2, 3]).square().sum().dataSync()[0]);
  const ok = sum === 14;
  return {
    ok,
    version: tf.version['tfjs-node'] ?? null,
    backend: tf.getBackend(),
    tensorflow,
    detail: ok
      ? `native libtensorflow ${tensorflow ?? '?'}`
      : `the native backend computed ${String(sum)} for 1²+2²+3², expected 14`,
  };
}

/** Connects to Kafka once (secured by `security`), without retries, and reads the cluster metadata. */
export async function checkKafka(
  brokers: readonly string[],
  timeoutMs: number,
  security: KafkaSecurity = PLAINTEXT,
): Promise<CheckResult> {
  const kafka = new Kafka({
    clientId: 'fraudstream-doctor',
    brokers: [...brokers],
    ...kafkajsSecurityOptions(security),
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const topics = await admin.listTopics();
    return {
      ok: true,
      detail: `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), ${topics.length} topic(s)`,
    };
  } catch (error: unknown) {
    return { ok: false, detail: `unreachable (${describe(error)}); start it: npm run stack:up` };
  } finally {
    await admin.disconnect();
  }
}

/** Loads the chosen Kafka client library (for librdkafka: the native addon) and reads its version. */
export async function checkKafkaClient(
  name: KafkaClientName,
  brokers: readonly string[],
): Promise<DoctorReport['kafkaClient']> {
  try {
    const client = await createKafkaClient(name, {
      clientId: 'fraudstream-doctor',
      brokers,
      logger: SILENT_LOGGER,
      logLevel: 'error',
    });
    return { ok: true, name, version: client.version, detail: client.version };
  } catch (error: unknown) {
    const hint = name === 'librdkafka' ? '; build it: bash deploy/local/kafka-native.sh' : '';
    return { ok: false, name, version: null, detail: `cannot load (${describe(error)})${hint}` };
  }
}

/** Sends one PING to Redis (through the sentinels when set), without retries. */
export async function checkRedis(endpoint: RedisEndpoint, timeoutMs: number): Promise<CheckResult> {
  const redis = createRedis(endpoint, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  // The event carries the socket's reason (e.g. ECONNREFUSED); connect() only says "closed".
  let socketError: string | undefined;
  redis.on('error', (error: Error) => {
    socketError = error.message;
  });
  try {
    await redis.connect();
    const pong = await redis.ping();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const primary =
      endpoint.redisSentinels === undefined
        ? ''
        : `, primary ${redis.stream.remoteAddress ?? '?'}:${redis.stream.remotePort ?? '?'}`;
    return { ok: pong === 'PONG', detail: `redis ${version}${primary}, PING → ${pong}` };
  } catch (error: unknown) {
    const reason = socketError ?? describe(error);
    return { ok: false, detail: `unreachable (${reason}); start it: npm run stack:up` };
  } finally {
    redis.disconnect();
  }
}

/**
 * Runs every check; services are checked concurrently. The report is safe to print: the Redis
 * URL's password is masked, and so is any credential a client library quoted in a detail.
 */
export async function runDoctor(
  endpoints: ServiceEndpoints,
  timeoutMs: number,
): Promise<DoctorReport> {
  const secrets = secretTexts(SERVICE_SETTINGS, endpoints);
  const scrub = <T extends CheckResult>(result: T): T => ({
    ...result,
    detail: redactText(result.detail, secrets),
  });
  const tfjs = checkTensorflow();
  // Settings naming unreadable files stop the doctor with a ConfigError naming them.
  const kafkaSecurity = loadKafkaSecurity(endpoints);
  // Read here, before any check, for the same reason (checkRedis reads them again).
  redisSecurityOptions(endpoints);
  const [kafka, kafkaClient, redis] = await Promise.all([
    checkKafka(endpoints.kafkaBrokers, timeoutMs, kafkaSecurity),
    checkKafkaClient(endpoints.kafkaClient, endpoints.kafkaBrokers),
    checkRedis(endpoints, timeoutMs),
  ]);
  return {
    ok: tfjs.ok && kafka.ok && kafkaClient.ok && redis.ok,
    node: process.version,
    tfjs: scrub(tfjs),
    kafka: { brokers: endpoints.kafkaBrokers, ...scrub(kafka) },
    kafkaClient: scrub(kafkaClient),
    redis: { url: describeRedisEndpoint(endpoints), ...scrub(redis) },
  };
}

/** First line of an error's message: native-addon errors run to a paragraph. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
