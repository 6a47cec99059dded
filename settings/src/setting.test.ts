import type { Setting } from './setting';
import { ConfigError } from './errors';
import {
  checkSetting,
  checkSettings,
  declaredDefaults,
  describeValues,
  helpLines,
  optionalSetting,
  readGivenSettings,
  readSetting,
  readSettings,
  secretTexts,
  setting,
  settingsTable,
  shownValue,
} from './setting';
import { redactText, redactUrl } from './redact';
import { bool, hostPortList, int, num, oneOf, text, url } from './types';

const GROUP = {
  port: setting('FS_PORT', int({ min: 1, max: 65535 }), 9464, 'health port'),
  ratio: setting('FS_RATIO', num({ min: 0, max: 1 }), 0.01, 'trace ratio'),
  mode: setting('FS_MODE', oneOf(['a', 'b'] as const), 'a', 'mode'),
  on: setting('FS_ON', bool(), false, 'switch'),
  brokers: setting('FS_BROKERS', hostPortList(), ['127.0.0.1:19092'], 'brokers'),
  redis: optionalSetting('FS_REDIS', url(['redis', 'rediss']), 'redis url', { secret: true }),
};

describe('settings', () => {
  it('gives defaults when absent or blank, parsed values when given', () => {
    expect(readSettings(GROUP, {})).toEqual({
      port: 9464,
      ratio: 0.01,
      mode: 'a',
      on: false,
      brokers: ['127.0.0.1:19092'],
      redis: undefined,
    });
    const v = readSettings(GROUP, {
      FS_PORT: '80',
      FS_RATIO: '0.5',
      FS_MODE: 'b',
      FS_ON: 'TRUE',
      FS_BROKERS: 'a:1, b:2',
      FS_REDIS: 'redis://u:p@h:1',
      FS_PORT_UNRELATED: 'x',
    });
    expect(v).toEqual({
      port: 80,
      ratio: 0.5,
      mode: 'b',
      on: true,
      brokers: ['a:1', 'b:2'],
      redis: 'redis://u:p@h:1',
    });
    expect(readSetting(GROUP.port, '  ')).toBe(9464);
  });

  it.each([
    ['port', '0', 'FS_PORT: expected an integer from 1 to 65535, got "0"'],
    ['port', '1.5', 'FS_PORT: expected an integer from 1 to 65535, got "1.5"'],
    ['ratio', 'x', 'FS_RATIO: expected a number from 0 to 1, got "x"'],
    ['mode', 'c', 'FS_MODE: expected one of a, b, got "c"'],
    ['on', 'maybe', 'FS_ON: expected true or false, got "maybe"'],
    ['brokers', 'nohost', 'FS_BROKERS: expected a comma-separated list of host:port, got "nohost"'],
  ] as const)('refuses %s=%j naming the setting', (key, raw, message) => {
    const decl: Setting<unknown> = GROUP[key];
    expect(() => readSetting(decl, raw)).toThrow(ConfigError);
    expect(() => readSetting(decl, raw)).toThrow(message);
  });

  it('never shows a secret: not in errors, not in printed values', () => {
    expect(() => readSetting(GROUP.redis, 'http://user:hunter2@h')).toThrow(
      'FS_REDIS: expected a redis:// or rediss:// URL, got "(hidden)"',
    );
    const shown = describeValues(GROUP, readSettings(GROUP, { FS_REDIS: 'redis://u:hunter2@h' }));
    expect(JSON.stringify(shown)).not.toContain('hunter2');
    expect(shown.FS_REDIS).toBe('redis://u:***@h');
    expect(() => checkSetting(GROUP.redis, 'ftp://u:hunter2@h')).toThrow(
      'FS_REDIS: expected a redis:// or rediss:// URL, got "(hidden)"',
    );
  });

  it('redacts only the password of a URL, and all of an unparsable one', () => {
    expect(redactUrl('rediss://:pw@cache:6380/2')).toBe('rediss://:***@cache:6380/2');
    expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(redactUrl('not a url pw')).toBe('(set)');
    expect(redactUrl('https://svc:k3y@registry.internal')).toBe(
      'https://svc:***@registry.internal',
    );
    expect(redactUrl('https://svc:k3y@registry.internal?x=1')).toBe(
      'https://svc:***@registry.internal?x=1',
    );
  });

  it('names the credentials of secret settings and masks them in free text', () => {
    const group = {
      ...GROUP,
      token: optionalSetting('FS_TOKEN', url(['https']), 'token url', { secret: true }),
      key: optionalSetting('FS_KEY', text(/\S/), 'a key', { secret: true }),
    };
    const values = readGivenSettings(group, {
      FS_REDIS: 'redis://u:s%40cret-pw@h:1',
      FS_KEY: 'k3y-material',
      FS_MODE: 'b',
    });
    const secrets = secretTexts(group, values);
    expect(secrets).toEqual(['k3y-material', 's%40cret-pw', 's@cret-pw']);
    expect(shownValue(group.key, values.key)).toBe('(set)');
    expect(shownValue(group.mode, values.mode)).toBe('b');
    const message = 'AUTH failed for s@cret-pw; tried rediss://x:other@h and key k3y-material';
    expect(redactText(message, secrets)).toBe(
      'AUTH failed for ***; tried rediss://x:***@h and key ***',
    );
  });

  it('reads only the settings a source gives, without defaults', () => {
    expect(readGivenSettings(GROUP, { FS_PORT: '80', FS_RATIO: ' ', FS_OTHER: 'x' })).toEqual({
      port: 80,
    });
  });

  it('checks values given in code by the rules of their text form', () => {
    expect(checkSetting(GROUP.port, 80)).toBe(80);
    expect(() => checkSetting(GROUP.port, 0)).toThrow(
      'FS_PORT: expected an integer from 1 to 65535, got "0"',
    );
    expect(() => checkSetting(GROUP.ratio, Number.NaN)).toThrow('FS_RATIO: expected a number');
    expect(() => checkSetting(GROUP.port, 2 ** 60)).toThrow(ConfigError);
    expect(checkSettings(GROUP, { port: 80, ratio: undefined })).toEqual({ port: 80 });
    expect(() => checkSettings(GROUP, { mode: 'c' as 'a' })).toThrow(
      'FS_MODE: expected one of a, b',
    );
    const unknownKey = { nope: 1 } as Partial<typeof GROUP>;
    expect(() => checkSettings(GROUP, unknownKey as never)).toThrow(
      'nope: expected a declared setting',
    );
  });

  it('lists the declared defaults, leaving out optional settings', () => {
    const defaults = declaredDefaults(GROUP);
    expect(defaults).toEqual(readSettings(GROUP, {}));
    expect('redis' in defaults).toBe(false);
  });

  it('takes on/off for booleans, any case for oneOf with ignoreCase, strips a base URL', () => {
    expect(readSetting(GROUP.on, 'ON')).toBe(true);
    expect(readSetting(GROUP.on, 'off')).toBe(false);
    const level = setting('FS_LEVEL', oneOf(['debug', 'info'], { ignoreCase: true }), 'info', 'l');
    expect(readSetting(level, 'DEBUG')).toBe('debug');
    expect(() => readSetting(GROUP.mode, 'B')).toThrow('FS_MODE: expected one of a, b');
    const base = setting('FS_BASE', url(['http'], { stripTrailingSlash: true }), 'http://h', 'b');
    expect(readSetting(base, 'http://h:1//')).toBe('http://h:1');
  });

  it('renders help lines and a docs table from the declarations', () => {
    expect(helpLines(GROUP)[0]).toBe('  FS_PORT     health port (default 9464)');
    const table = settingsTable(GROUP).split('\n');
    expect(table[0]).toBe('| setting | default | accepts | description |');
    expect(table[2]).toBe('| `FS_PORT` | `9464` | an integer from 1 to 65535 | health port |');
    expect(table[7]).toBe(
      '| `FS_REDIS` | — | a redis:// or rediss:// URL | redis url; or FS_REDIS_FILE, a file holding it |',
    );
  });
});
