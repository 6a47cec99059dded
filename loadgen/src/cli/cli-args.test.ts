import { ConfigError, UsageError, optionalFlag, readFlags } from '@fraudstream/settings';
import { burstShape, rampSteps } from './cli-args';
import { readCliEnv } from './cli-env';

const FLAGS = {
  ramp: optionalFlag('ramp', rampSteps(), 'ramp'),
  burst: optionalFlag('burst', burstShape(), 'burst'),
};

describe('flag values', () => {
  it('parse ramps and bursts', () => {
    const { values } = readFlags(FLAGS, ['--ramp', '500:30,1000:0.5', '--burst=200:10:0:15']);
    expect(values.ramp).toEqual([
      { tps: 500, durationMs: 30_000 },
      { tps: 1000, durationMs: 500 },
    ]);
    expect(values.burst).toEqual({
      baseTps: 200,
      burstFactor: 10,
      burstAtMs: 0,
      burstMs: 15_000,
    });
  });

  it.each([
    ['ramp', () => readFlags(FLAGS, ['--ramp', '500'])],
    ['ramp', () => readFlags(FLAGS, ['--ramp', '500:0'])],
    ['burst', () => readFlags(FLAGS, ['--burst', '200:10:30'])],
    ['burst', () => readFlags(FLAGS, ['--burst', '200:x:30:5'])],
  ])('name the flag --%s in their errors', (flag, parse) => {
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(`--${flag}`);
  });
});

describe('readCliEnv', () => {
  it('reads the stack settings, with the local defaults', () => {
    expect(readCliEnv({})).toEqual({
      brokers: ['127.0.0.1:19092'],
      topics: {
        transactions: 'transactions',
        decisions: 'decisions',
        labels: 'fraud-labels',
        deadLetters: 'transactions-dlq',
      },
      workerGroupId: 'fraudstream-scoring',
    });
    const env = readCliEnv({
      FS_KAFKA_BROKERS: 'a:1,b:2',
      FS_TOPIC_DECISIONS: 'v',
      FS_CONSUMER_GROUP: 'g',
    });
    expect(env.brokers).toEqual(['a:1', 'b:2']);
    expect(env.topics.decisions).toBe('v');
    expect(env.workerGroupId).toBe('g');
  });

  it('stops on a bad value, naming the variable', () => {
    expect(() => readCliEnv({ FS_KAFKA_BROKERS: 'nohost' })).toThrow(
      'FS_KAFKA_BROKERS: expected a comma-separated list of host:port, got "nohost"',
    );
    expect(() => readCliEnv({ FS_TOPIC_TRANSACTIONS: 'bad topic' })).toThrow(ConfigError);
    expect(() => readCliEnv({ FS_TOPIC_TRANSACTIONS: 'bad topic' })).toThrow(
      /^FS_TOPIC_TRANSACTIONS: expected a Kafka name/,
    );
  });
});
