// The Redis connection-security settings every fraudstream process reads: TLS trust and client
// certificates (with a rediss:// FS_REDIS_URL) and an ACL user. The password is a secret setting:
// never printed, and it may come from a file (FS_REDIS_PASSWORD_FILE). redis/redis-tls.ts turns
// them into ioredis options; docs/security.md explains them.
import { optionalSetting } from '@fraudstream/settings';
import { filePath, nonEmpty } from '../kafka/kafka-security-settings';

/** FS_REDIS_CA, FS_REDIS_CERT, FS_REDIS_KEY, FS_REDIS_USERNAME, FS_REDIS_PASSWORD. */
export const REDIS_SECURITY_SETTINGS = {
  redisCa: optionalSetting(
    'FS_REDIS_CA',
    filePath,
    "PEM file of the CA certificates that sign Redis's certificate (with a rediss:// FS_REDIS_URL; unset: the system's)",
  ),
  redisCert: optionalSetting(
    'FS_REDIS_CERT',
    filePath,
    'PEM file of a client certificate for Redis (with FS_REDIS_KEY and a rediss:// URL)',
  ),
  redisKey: optionalSetting(
    'FS_REDIS_KEY',
    filePath,
    'PEM file of the unencrypted private key of FS_REDIS_CERT',
  ),
  redisUsername: optionalSetting(
    'FS_REDIS_USERNAME',
    nonEmpty,
    'Redis ACL user (unset: the one in FS_REDIS_URL, or the default user)',
  ),
  redisPassword: optionalSetting(
    'FS_REDIS_PASSWORD',
    nonEmpty,
    'password of the Redis user (overrides one in FS_REDIS_URL)',
    { secret: true },
  ),
};
