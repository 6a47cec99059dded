// How every Redis client of the workers (and `doctor`) reaches its server: FS_REDIS_URL directly,
// or, with FS_REDIS_SENTINELS, the primary the sentinels name for FS_REDIS_SENTINEL_MASTER. The
// URL's password, database and TLS apply to the data nodes either way; the sentinels themselves
// are spoken to in plain text and without a password (the local stack's run so).
import Redis, { type RedisOptions } from 'ioredis';
import type { ServiceEndpoints } from '../config/env';
import { redisSecurityOptions } from './redis-tls';

/** The settings that decide where a Redis client connects, and how it is secured. */
export type RedisEndpoint = Pick<
  ServiceEndpoints,
  | 'redisUrl'
  | 'redisSentinels'
  | 'redisSentinelMaster'
  | 'redisCa'
  | 'redisCert'
  | 'redisKey'
  | 'redisUsername'
  | 'redisPassword'
>;

/** True for the error reply of a replica to a write: the client talks to a demoted primary. */
export function isReadOnlyReply(error: Error): boolean {
  return error.message.startsWith('READONLY');
}

/** The host:port list of FS_REDIS_SENTINELS as ioredis takes it. */
function sentinelAddresses(list: readonly string[]): { host: string; port: number }[] {
  return list.map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
  });
}

/**
 * The ioredis options that add sentinel mode to `options` when `endpoint` has sentinels (and
 * `options` unchanged when it has none).
 */
export function sentinelOptions(endpoint: RedisEndpoint, options: RedisOptions): RedisOptions {
  const sentinels = endpoint.redisSentinels;
  if (sentinels === undefined || sentinels.length === 0) return options;
  return {
    ...options,
    sentinels: sentinelAddresses(sentinels),
    name: endpoint.redisSentinelMaster,
    role: 'master',
    // rediss:// makes ioredis set `tls`; in sentinel mode it is only used when this says so.
    enableTLSForSentinelMode: endpoint.redisUrl.startsWith('rediss://'),
    // The sentinels announce +switch-master: the client moves at once instead of waiting for its
    // socket to fail or for a READONLY reply.
    failoverDetector: true,
    // A primary that was demoted while the client stayed connected (it came back after the
    // failover and now replicates the new one) answers writes with READONLY. A reconnect asks
    // the sentinels again; 2 re-sends the command there (a READONLY command did not run).
    reconnectOnError: (error) => (isReadOnlyReply(error) ? 2 : false),
  };
}

/**
 * A Redis client of `endpoint` with `options` (not connected when `options.lazyConnect`): direct
 * to FS_REDIS_URL, or through the sentinels; secured by the TLS and ACL settings (redis-tls.ts).
 */
export function createRedis(endpoint: RedisEndpoint, options: RedisOptions): Redis {
  return new Redis(
    endpoint.redisUrl,
    sentinelOptions(endpoint, { ...redisSecurityOptions(endpoint), ...options }),
  );
}

/** Where a client of `endpoint` connects, for logs: never the URL's credentials. */
export function describeRedisEndpoint(endpoint: RedisEndpoint): string {
  const sentinels = endpoint.redisSentinels;
  if (sentinels !== undefined && sentinels.length > 0) {
    return `master ${endpoint.redisSentinelMaster} of sentinels ${sentinels.join(',')}`;
  }
  const u = new URL(endpoint.redisUrl);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}
