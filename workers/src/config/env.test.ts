import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_SETTINGS } from '@fraudstream/models';
import { ConfigError } from '../errors';
import { DEFAULT_SERVICE_ENDPOINTS, SERVICE_SETTINGS, loadServiceEndpoints } from './env';
import { WORKER_SETTINGS } from './worker-options';

describe('loadServiceEndpoints', () => {
  it('falls back to the local stack defaults, an empty variable counting as unset', () => {
    expect(loadServiceEndpoints({})).toEqual(DEFAULT_SERVICE_ENDPOINTS);
    expect(loadServiceEndpoints({ FS_KAFKA_BROKERS: '', FS_REDIS_URL: ' ' })).toMatchObject({
      kafkaBrokers: ['127.0.0.1:19092'],
      kafkaClient: 'kafkajs',
      redisUrl: 'redis://127.0.0.1:16379',
      redisSentinels: undefined,
      redisSentinelMaster: 'fraudstream',
      kafkaSecurityProtocol: 'plaintext',
      kafkaSaslPassword: undefined,
    });
  });

  it('reads the Kafka client and refuses one it does not know, naming the variable', () => {
    expect(loadServiceEndpoints({ FS_KAFKA_CLIENT: 'librdkafka' }).kafkaClient).toBe('librdkafka');
    expect(() => loadServiceEndpoints({ FS_KAFKA_CLIENT: 'rdkafka' })).toThrow(/FS_KAFKA_CLIENT/);
  });

  it('reads brokers and the Redis URL from the environment', () => {
    const endpoints = loadServiceEndpoints({
      FS_KAFKA_BROKERS: 'a:9092, b:9093',
      FS_REDIS_URL: 'redis://cache:6380/2',
    });
    expect(endpoints).toMatchObject({
      kafkaBrokers: ['a:9092', 'b:9093'],
      kafkaClient: 'kafkajs',
      redisUrl: 'redis://cache:6380/2',
      redisSentinels: undefined,
      redisSentinelMaster: 'fraudstream',
    });
  });

  it('reads the sentinels and the master they watch', () => {
    const endpoints = loadServiceEndpoints({
      FS_REDIS_SENTINELS: '127.0.0.1:26381,127.0.0.1:26382',
      FS_REDIS_SENTINEL_MASTER: 'payments',
    });
    expect(endpoints.redisSentinels).toEqual(['127.0.0.1:26381', '127.0.0.1:26382']);
    expect(endpoints.redisSentinelMaster).toBe('payments');
  });

  it('reads a password from its _FILE variant, and names the variable when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-env-'));
    const file = join(dir, 'pw');
    writeFileSync(file, 'from-a-file\n');
    expect(loadServiceEndpoints({ FS_KAFKA_SASL_PASSWORD_FILE: file }).kafkaSaslPassword).toBe(
      'from-a-file',
    );
    const missing = (): unknown =>
      loadServiceEndpoints({ FS_REDIS_PASSWORD_FILE: join(dir, 'none') });
    expect(missing).toThrow(/^FS_REDIS_PASSWORD_FILE: expected a readable file/);
  });

  it.each([
    ['FS_KAFKA_BROKERS', 'localhost'],
    ['FS_KAFKA_BROKERS', 'a:9092,b'],
    ['FS_REDIS_URL', 'localhost:6379'],
    ['FS_REDIS_URL', 'http://localhost:6379'],
    ['FS_REDIS_SENTINELS', '127.0.0.1'],
    ['FS_REDIS_SENTINEL_MASTER', 'a b'],
  ])('rejects %s=%j with an error naming the variable', (name, value) => {
    const load = (): unknown => loadServiceEndpoints({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^${name}: expected`));
  });
});

describe('settings the models package reads too', () => {
  it('are its declarations, not copies: each variable is declared once', () => {
    expect(SERVICE_SETTINGS.redisUrl).toBe(MODEL_SETTINGS.redisUrl);
    for (const [key, decl] of Object.entries(MODEL_SETTINGS)) {
      expect(WORKER_SETTINGS[key as keyof typeof MODEL_SETTINGS]).toBe(decl);
    }
  });
});
