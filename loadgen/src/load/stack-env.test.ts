import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@fraudstream/settings';
import { readStackEnv } from './stack-env';

describe('readStackEnv', () => {
  it('reads the stack settings, with the local defaults', () => {
    expect(readStackEnv({})).toEqual({
      brokers: ['127.0.0.1:19092'],
      topics: {
        transactions: 'transactions',
        decisions: 'decisions',
        labels: 'fraud-labels',
        deadLetters: 'transactions-dlq',
      },
      workerGroupId: 'fraudstream-scoring',
      kafkaClient: 'kafkajs',
      redisUrl: 'redis://127.0.0.1:16379',
      exactlyOnce: false,
      kafkaSecurity: { protocol: 'plaintext', tls: undefined, sasl: undefined },
    });
    const env = readStackEnv({
      FS_KAFKA_BROKERS: 'a:1,b:2',
      FS_TOPIC_DECISIONS: 'v',
      FS_CONSUMER_GROUP: 'g',
      FS_KAFKA_CLIENT: 'librdkafka',
      FS_REDIS_URL: 'redis://127.0.0.1:26379',
      FS_EXACTLY_ONCE: 'true',
    });
    expect(env.brokers).toEqual(['a:1', 'b:2']);
    expect(env.topics.decisions).toBe('v');
    expect(env.workerGroupId).toBe('g');
    expect(env.kafkaClient).toBe('librdkafka');
    expect(env.redisUrl).toBe('redis://127.0.0.1:26379');
    expect(env.exactlyOnce).toBe(true);
  });

  it('reads the Kafka login, the password from a file, for the load generator principal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-stack-env-'));
    writeFileSync(join(dir, 'pw'), 'loadgen-pw\n');
    const env = readStackEnv({
      FS_KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext',
      FS_KAFKA_SASL_USERNAME: 'loadgen',
      FS_KAFKA_SASL_PASSWORD_FILE: join(dir, 'pw'),
    });
    expect(env.kafkaSecurity.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'loadgen',
      password: 'loadgen-pw',
    });
    expect(() => readStackEnv({ FS_KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' })).toThrow(
      /^FS_KAFKA_SASL_USERNAME: /,
    );
  });

  it('stops on a bad value, naming the variable', () => {
    expect(() => readStackEnv({ FS_KAFKA_BROKERS: 'nohost' })).toThrow(
      'FS_KAFKA_BROKERS: expected a comma-separated list of host:port, got "nohost"',
    );
    expect(() => readStackEnv({ FS_TOPIC_TRANSACTIONS: 'bad topic' })).toThrow(ConfigError);
    expect(() => readStackEnv({ FS_TOPIC_TRANSACTIONS: 'bad topic' })).toThrow(
      /^FS_TOPIC_TRANSACTIONS: expected a Kafka name/,
    );
  });
});
