// Connection security of the worker's Redis clients: TLS (a rediss:// FS_REDIS_URL, trusted CAs,
// an optional client certificate) and an ACL user, as ioredis options. Files and credentials are
// read once, at start-up; errors name the setting, never a credential.
import type { RedisOptions } from 'ioredis';
import { ConfigError, type SettingValues } from '@fraudstream/settings';
import { REDIS_SECURITY_SETTINGS } from '../config/redis-security-settings';
import { readPemFile } from '../kafka/kafka-security';

/** The settings this module reads: the Redis URL and FS_REDIS_CA, _CERT, _KEY, _USERNAME, _PASSWORD. */
export type RedisSecurityValues = SettingValues<typeof REDIS_SECURITY_SETTINGS> & {
  readonly redisUrl: string;
};

/** The ioredis options that secure a connection. */
export type RedisSecurityOptions = Pick<RedisOptions, 'tls' | 'username' | 'password'>;

const S = REDIS_SECURITY_SETTINGS;

/**
 * ioredis options for the settings: `tls` from the PEM files (only with a rediss:// URL, which
 * turns TLS on), `username` and `password` when set (they win over any in the URL).
 */
export function redisSecurityOptions(v: RedisSecurityValues): RedisSecurityOptions {
  const tlsUrl = v.redisUrl.startsWith('rediss://');
  for (const [decl, value] of [
    [S.redisCa, v.redisCa],
    [S.redisCert, v.redisCert],
    [S.redisKey, v.redisKey],
  ] as const) {
    if (value !== undefined && !tlsUrl) {
      throw new ConfigError(decl.name, 'to be unset unless FS_REDIS_URL is rediss:// (TLS)', value);
    }
  }
  if ((v.redisCert === undefined) !== (v.redisKey === undefined)) {
    const missing = v.redisCert === undefined ? S.redisCert : S.redisKey;
    throw new ConfigError(
      missing.name,
      'a PEM file (a client certificate needs its key)',
      undefined,
    );
  }
  return {
    ...(tlsUrl
      ? {
          tls: {
            ...(v.redisCa ? { ca: [readPemFile(S.redisCa.name, v.redisCa).pem] } : {}),
            ...(v.redisCert ? { cert: readPemFile(S.redisCert.name, v.redisCert).pem } : {}),
            ...(v.redisKey ? { key: readPemFile(S.redisKey.name, v.redisKey).pem } : {}),
          },
        }
      : {}),
    ...(v.redisUsername === undefined ? {} : { username: v.redisUsername }),
    ...(v.redisPassword === undefined ? {} : { password: v.redisPassword }),
  };
}
