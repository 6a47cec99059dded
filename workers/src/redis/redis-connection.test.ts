import { describeRedisEndpoint, sentinelOptions, type RedisEndpoint } from './redis-connection';

const direct: RedisEndpoint = {
  redisUrl: 'redis://:s3cret@127.0.0.1:16379/2',
  redisSentinels: undefined,
  redisSentinelMaster: 'fraudstream',
  redisCa: undefined,
  redisCert: undefined,
  redisKey: undefined,
  redisUsername: undefined,
  redisPassword: undefined,
};
const viaSentinels: RedisEndpoint = {
  ...direct,
  redisSentinels: ['127.0.0.1:26381', 'sentinel-b:26382'],
};

describe('sentinelOptions', () => {
  it('without sentinels: the options unchanged (FS_REDIS_URL directly, as before)', () => {
    const options = { lazyConnect: true };
    expect(sentinelOptions(direct, options)).toBe(options);
  });

  it('with sentinels: sentinel mode on the master named by FS_REDIS_SENTINEL_MASTER', () => {
    const o = sentinelOptions(viaSentinels, { lazyConnect: true });
    expect(o).toMatchObject({
      lazyConnect: true,
      name: 'fraudstream',
      role: 'master',
      sentinels: [
        { host: '127.0.0.1', port: 26381 },
        { host: 'sentinel-b', port: 26382 },
      ],
      enableTLSForSentinelMode: false,
      failoverDetector: true,
    });
    const tls = sentinelOptions({ ...viaSentinels, redisUrl: 'rediss://127.0.0.1:1' }, {});
    expect(tls.enableTLSForSentinelMode).toBe(true);
  });

  it.each([
    ["READONLY You can't write against a read only replica.", 2],
    ['OOM command not allowed when used memory > maxmemory', false],
    ['LOADING Redis is loading the dataset in memory', false],
  ])("reconnects on a demoted primary's reply only: %s", (message, expected) => {
    const { reconnectOnError } = sentinelOptions(viaSentinels, {});
    expect(reconnectOnError?.(new Error(message))).toBe(expected);
  });
});

describe('describeRedisEndpoint', () => {
  it('names the URL without its credentials, or the sentinels', () => {
    expect(describeRedisEndpoint(direct)).toBe('redis://127.0.0.1:16379/2');
    expect(describeRedisEndpoint(viaSentinels)).toBe(
      'master fraudstream of sentinels 127.0.0.1:26381,sentinel-b:26382',
    );
  });
});
