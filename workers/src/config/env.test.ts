import { ConfigError } from '../errors';
import { DEFAULT_SERVICE_ENDPOINTS, loadServiceEndpoints, parsePositiveInt } from './env';

describe('loadServiceEndpoints', () => {
  it('falls back to the local stack defaults', () => {
    expect(loadServiceEndpoints({})).toEqual(DEFAULT_SERVICE_ENDPOINTS);
  });

  it('reads brokers and the Redis URL from the environment', () => {
    const endpoints = loadServiceEndpoints({
      FS_KAFKA_BROKERS: 'a:9092, b:9093',
      FS_REDIS_URL: 'redis://cache:6380/2',
    });
    expect(endpoints).toEqual({
      kafkaBrokers: ['a:9092', 'b:9093'],
      redisUrl: 'redis://cache:6380/2',
    });
  });

  it.each([
    ['FS_KAFKA_BROKERS', ''],
    ['FS_KAFKA_BROKERS', 'localhost'],
    ['FS_KAFKA_BROKERS', 'a:9092,b'],
    ['FS_REDIS_URL', 'localhost:6379'],
    ['FS_REDIS_URL', 'http://localhost:6379'],
  ])('rejects %s=%j with an error naming the variable', (name, value) => {
    const load = (): unknown => loadServiceEndpoints({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^${name}: expected`));
  });
});

describe('parsePositiveInt', () => {
  it.each(['1', '250', ' 42 '])('accepts %j', (raw) => {
    expect(parsePositiveInt('X_MS', raw)).toBe(Number(raw));
  });

  it.each(['0', '-1', '1.5', 'ten', '', '1e3'])('rejects %j', (raw) => {
    expect(() => parsePositiveInt('X_MS', raw)).toThrow('X_MS: expected a positive integer');
  });
});
