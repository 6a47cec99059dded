import { UsageError } from '../errors';
import { numberFlag, numberList, parseBurst, parseRamp } from './cli-args';
import { readCliEnv } from './cli-env';

describe('flag values', () => {
  it('parse ramps, bursts and lists', () => {
    expect(parseRamp('ramp', '500:30,1000:0.5')).toEqual([
      { tps: 500, durationMs: 30_000 },
      { tps: 1000, durationMs: 500 },
    ]);
    expect(parseBurst('burst', '200:10:30:15')).toEqual({
      baseTps: 200,
      burstFactor: 10,
      burstAtMs: 30_000,
      burstMs: 15_000,
    });
    expect(numberList('fleet', '1,2,4', 1, true)).toEqual([1, 2, 4]);
  });

  it.each([
    ['rate', () => numberFlag('rate', 'fast', 0.001)],
    ['rate', () => numberFlag('rate', '0', 0.001)],
    ['workers', () => numberFlag('workers', '1.5', 1, true)],
    ['ramp', () => parseRamp('ramp', '500')],
    ['burst', () => parseBurst('burst', '200:10:30')],
    ['fleet', () => numberList('fleet', ',', 1)],
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
    expect(() => readCliEnv({ FS_KAFKA_BROKERS: 'nohost' })).toThrow('FS_KAFKA_BROKERS');
    expect(() => readCliEnv({ FS_TOPIC_TRANSACTIONS: 'bad topic' })).toThrow(
      'FS_TOPIC_TRANSACTIONS',
    );
  });
});
