import { ConfigError } from './errors';
import { secretFileName, withSecretFiles } from './secret-files';
import { optionalSetting, setting, settingDescription } from './setting';
import { text } from './types';

const any = text(/\S/, 'a non-empty string');
const GROUP = {
  password: optionalSetting('FS_X_PASSWORD', any, 'a password', { secret: true }),
  user: setting('FS_X_USER', any, 'me', 'a user'),
};
const files: Record<string, string> = { '/run/secrets/pw': 's3cret\n' };
const read = (path: string): string => {
  const content = files[path];
  if (content === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return content;
};

describe('withSecretFiles', () => {
  it('reads a secret from <NAME>_FILE, dropping one trailing newline', () => {
    const env = withSecretFiles(GROUP, { FS_X_PASSWORD_FILE: '/run/secrets/pw' }, read);
    expect(env.FS_X_PASSWORD).toBe('s3cret');
  });

  it('is idempotent: its result read again is the same', () => {
    const once = withSecretFiles(GROUP, { FS_X_PASSWORD_FILE: '/run/secrets/pw' }, read);
    expect(withSecretFiles(GROUP, once, read)).toEqual(once);
  });

  it('leaves the source alone when no file is named', () => {
    expect(withSecretFiles(GROUP, { FS_X_PASSWORD: 'direct' }, read)).toEqual({
      FS_X_PASSWORD: 'direct',
    });
  });

  it('reads files only for secret settings', () => {
    const env = withSecretFiles(GROUP, { FS_X_USER_FILE: '/run/secrets/pw' }, read);
    expect(env.FS_X_USER).toBeUndefined();
  });

  it.each([
    [
      'a missing file',
      { FS_X_PASSWORD_FILE: '/nope' },
      /FS_X_PASSWORD_FILE: expected a readable file holding FS_X_PASSWORD \(ENOENT\), got "\/nope"/,
    ],
    [
      'both the value and the file',
      { FS_X_PASSWORD: 'direct', FS_X_PASSWORD_FILE: '/run/secrets/pw' },
      /FS_X_PASSWORD_FILE: expected to be unset when FS_X_PASSWORD is set/,
    ],
  ])('refuses %s, naming <NAME>_FILE and never the content', (_what, env, message) => {
    const run = (): unknown => withSecretFiles(GROUP, env, read);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
    expect(run).not.toThrow(/s3cret|direct/);
  });

  it('names the file variable and says so in help and docs', () => {
    expect(secretFileName('FS_X_PASSWORD')).toBe('FS_X_PASSWORD_FILE');
    expect(settingDescription(GROUP.password)).toContain('FS_X_PASSWORD_FILE');
    expect(settingDescription(GROUP.user)).toBe('a user');
  });
});
