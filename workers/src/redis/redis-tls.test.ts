import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readSettings } from '@fraudstream/settings';
import { REDIS_SECURITY_SETTINGS } from '../config/redis-security-settings';
import { redisSecurityOptions } from './redis-tls';

const dir = mkdtempSync(join(tmpdir(), 'fs-redis-tls-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, 'CA PEM');

const optionsOf = (
  redisUrl: string,
  env: Record<string, string>,
): ReturnType<typeof redisSecurityOptions> =>
  redisSecurityOptions({ ...readSettings(REDIS_SECURITY_SETTINGS, env), redisUrl });

describe('redis security options', () => {
  it('adds nothing to a plain URL', () => {
    expect(optionsOf('redis://127.0.0.1:16379', {})).toEqual({});
  });

  it('trusts the CA of a rediss:// URL and logs in as the ACL user', () => {
    expect(
      optionsOf('rediss://127.0.0.1:16379', {
        FS_REDIS_CA: ca,
        FS_REDIS_USERNAME: 'worker',
        FS_REDIS_PASSWORD: 'pw',
      }),
    ).toEqual({ tls: { ca: ['CA PEM'] }, username: 'worker', password: 'pw' });
  });

  it.each([
    ['redis://127.0.0.1:16379', { FS_REDIS_CA: ca }, 'FS_REDIS_CA'],
    ['rediss://127.0.0.1:16379', { FS_REDIS_CERT: ca }, 'FS_REDIS_KEY'],
    ['rediss://127.0.0.1:16379', { FS_REDIS_CA: join(dir, 'missing.pem') }, 'FS_REDIS_CA'],
  ])('refuses %s with %j, naming %s', (url, env, name) => {
    const run = (): unknown => optionsOf(url, env);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(`^${name}: `));
  });
});
