import { ConfigError } from '../errors';
import {
  compileWorkerConfig,
  DEFAULT_WORKER_OPTIONS,
  loadWorkerConfig,
  WORKER_SETTINGS,
  workerOptionsFromEnv,
} from './worker-config';

describe('loadWorkerConfig', () => {
  it('compiles the defaults from an empty environment', () => {
    const config = loadWorkerConfig({});
    expect(config).toMatchObject(DEFAULT_WORKER_OPTIONS);
    expect(config.transactionalIdPrefix).toBe('fraudstream-scoring');
    expect(config.instanceId).toMatch(/-\d+$/);
    expect(config.modelDir).toBeUndefined();
  });

  it('reads every kind of value', () => {
    const config = loadWorkerConfig({
      FS_KAFKA_BROKERS: 'k1:9092,k2:9092',
      FS_EXACTLY_ONCE: 'yes',
      FS_MAX_BATCH_SIZE: '64',
      FS_HEALTH_PORT: '0',
      FS_LOG_LEVEL: 'DEBUG',
      FS_CONSUMER_GROUP: 'g-1',
      FS_CHALLENGER_MODEL: 'v2',
      FS_SCHEMA_REGISTRY_URL: 'http://registry:8081/',
      FS_INSTANCE_ID: 'pod-a',
    });
    expect(config).toMatchObject({
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      exactlyOnce: true,
      maxBatchSize: 64,
      healthPort: 0,
      logLevel: 'debug',
      transactionalIdPrefix: 'g-1',
      challengerModel: 'v2',
      schemaRegistryUrl: 'http://registry:8081',
      instanceId: 'pod-a',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadWorkerConfig({ FS_MAX_BATCH_SIZE: '', FS_CHALLENGER_MODEL: ' ' })).toMatchObject({
      maxBatchSize: DEFAULT_WORKER_OPTIONS.maxBatchSize,
      challengerModel: undefined,
    });
  });

  it.each([
    ['FS_MAX_BATCH_SIZE', '0'],
    ['FS_MAX_BATCH_SIZE', '1.5'],
    ['FS_EXACTLY_ONCE', 'maybe'],
    ['FS_HEALTH_PORT', '70000'],
    ['FS_TOPIC_DECISIONS', 'has space'],
    ['FS_RETRY_QUEUE', 'a:b'],
    ['FS_LOG_LEVEL', 'loud'],
    ['FS_SCHEMA_REGISTRY_URL', 'ftp://registry'],
    ['FS_REDIS_URL', 'localhost:6379'],
    ['FS_KAFKA_BROKERS', 'nohost'],
    ['FS_REDIS_WAIT_REPLICAS', '-1'],
    ['FS_REDIS_WAIT_TIMEOUT_MS', '0'],
  ])('rejects %s=%j with an error naming the variable', (name, value) => {
    const load = (): unknown => loadWorkerConfig({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^${name}: expected`));
  });

  it.each([
    [
      { FS_HEARTBEAT_INTERVAL_MS: '5000', FS_SESSION_TIMEOUT_MS: '10000' },
      'FS_HEARTBEAT_INTERVAL_MS',
    ],
    [{ FS_RETRY_BASE_DELAY_MS: '1000', FS_RETRY_MAX_DELAY_MS: '999' }, 'FS_RETRY_MAX_DELAY_MS'],
    [{ FS_TOPIC_DECISIONS: 'transactions' }, 'FS_TOPIC_DECISIONS'],
    [{ FS_LABELS_CONSUMER_GROUP: 'fraudstream-scoring' }, 'FS_LABELS_CONSUMER_GROUP'],
    [{ FS_GROUP_INSTANCE_ID: 'worker-0' }, 'FS_GROUP_INSTANCE_ID'],
    [{ FS_KAFKA_GROUP_PROTOCOL: 'consumer' }, 'FS_KAFKA_GROUP_PROTOCOL'],
    [
      { FS_REDIS_WAIT_TIMEOUT_MS: '2000', FS_REDIS_COMMAND_TIMEOUT_MS: '2000' },
      'FS_REDIS_WAIT_TIMEOUT_MS',
    ],
  ])('checks the rules between settings: %j', (env, name) => {
    expect(() => loadWorkerConfig(env)).toThrow(new RegExp(`^${name}: expected`));
  });

  it('takes static membership and the KIP-848 protocol with librdkafka', () => {
    const config = loadWorkerConfig({
      FS_KAFKA_CLIENT: 'librdkafka',
      FS_GROUP_INSTANCE_ID: 'worker-0',
      FS_KAFKA_GROUP_PROTOCOL: 'consumer',
    });
    expect(config).toMatchObject({
      kafkaClient: 'librdkafka',
      groupInstanceId: 'worker-0',
      groupProtocol: 'consumer',
    });
  });

  it('checks programmatic options too', () => {
    expect(() => compileWorkerConfig({ retryAttempts: 0 })).toThrow(
      /^FS_RETRY_ATTEMPTS: expected an integer ≥ 1, got "0"$/,
    );
    expect(() => compileWorkerConfig({ healthPort: 70_000 })).toThrow(
      /^FS_HEALTH_PORT: expected an integer from 0 to 65535, got "70000"$/,
    );
    expect(compileWorkerConfig({ schemaRegistryUrl: 'http://r:8081/' }).schemaRegistryUrl).toBe(
      'http://r:8081',
    );
  });
});

describe('WORKER_SETTINGS', () => {
  it('names each variable once', () => {
    const envs = Object.values(WORKER_SETTINGS).map((s) => s.name);
    expect(new Set(envs).size).toBe(envs.length);
    for (const env of envs) expect(env).toMatch(/^FS_[A-Z0-9_]+$/);
  });

  it('reads only the variables of the declarations', () => {
    const env = Object.fromEntries(Object.values(WORKER_SETTINGS).map((s) => [s.name, undefined]));
    expect(workerOptionsFromEnv({ ...env, FS_UNRELATED: 'x' })).toEqual({});
    expect(workerOptionsFromEnv({ FS_MAX_BATCH_SIZE: '7', FS_UNRELATED: 'x' })).toEqual({
      maxBatchSize: 7,
    });
  });
});
