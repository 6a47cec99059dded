import { UsageError } from './errors';
import { commandHelp, flag, flagsTable, optionalFlag, readFlags, switchFlag } from './read-flags';
import { isoDate } from './types';
import { int, num, oneOf, url } from './types';

const FLAGS = {
  rate: flag('rate', num({ above: 0 }), 50, 'transactions per second'),
  workers: flag('workers', int({ min: 1 }), 2, 'worker processes'),
  mode: optionalFlag('mode', oneOf(['a', 'b'] as const), 'which mode'),
  json: switchFlag('json', 'print JSON'),
};

describe('readFlags', () => {
  it('gives defaults for absent flags', () => {
    const read = readFlags(FLAGS, []);
    expect(read.values).toEqual({ rate: 50, workers: 2, mode: undefined, json: false });
    expect(read.help).toBe(false);
    expect(read.given.size).toBe(0);
  });

  it('reads --name value, --name=value and switches', () => {
    const read = readFlags(FLAGS, ['--rate', '2.5', '--workers=4', '--json', '--mode', 'b']);
    expect(read.values).toEqual({ rate: 2.5, workers: 4, mode: 'b', json: true });
    expect([...read.given].sort()).toEqual(['json', 'mode', 'rate', 'workers']);
    expect(readFlags(FLAGS, ['--json=false']).values.json).toBe(false);
  });

  it('collects positionals when allowed, and everything after --', () => {
    const read = readFlags(FLAGS, ['id-1', '--json', '--', '--rate'], { positionals: 2 });
    expect(read.positionals).toEqual(['id-1', '--rate']);
  });

  it('notices --help and -h', () => {
    expect(readFlags(FLAGS, ['--help']).help).toBe(true);
    expect(readFlags(FLAGS, ['-h', 'stray']).help).toBe(true);
  });

  it.each([
    [['--bogus'], /unknown option "--bogus"/],
    [['-x'], /unknown option "-x"/],
    [['--rate', 'fast'], /^--rate: expected a number > 0, got "fast"$/],
    [['--rate', '0'], /^--rate: expected a number > 0/],
    [['--workers', '1.5'], /^--workers: expected an integer ≥ 1/],
    [['--mode', 'c'], /^--mode: expected one of a, b/],
    [['--rate'], /^--rate: expected a number/],
    [['stray'], /unexpected argument "stray"/],
  ])('rejects %p with a UsageError naming it', (argv, message) => {
    const read = (): unknown => readFlags(FLAGS, argv);
    expect(read).toThrow(UsageError);
    expect(read).toThrow(message);
  });
});

describe('commandHelp', () => {
  it('lists every flag with what it accepts and its default', () => {
    const help = commandHelp('fraudstream x [options]', 'Does x.', FLAGS);
    expect(help).toContain('usage: fraudstream x [options]');
    expect(help).toContain('--rate VALUE     transactions per second (a number > 0; default 50)');
    expect(help).toContain('--mode VALUE     which mode (one of a, b)');
    expect(help).toMatch(/^  --json {11}print JSON$/m);
  });
});

describe('secret flags and dates', () => {
  it('does not repeat the text of a bad secret flag', () => {
    const group = { url: optionalFlag('redis-url', url(['redis']), 'Redis', { secret: true }) };
    expect(() => readFlags(group, ['--redis-url', 'http://u:pw@h'])).toThrow(
      '--redis-url: expected a redis:// URL, got (hidden)',
    );
  });

  it.each([
    ['2018-04-01', true],
    ['2018-02-30', false],
    ['2018-13-45', false],
    ['1 April', false],
  ])('isoDate %s → %s', (raw, ok) => {
    expect(isoDate().schema.safeParse(raw).success).toBe(ok);
  });
});

describe('flagsTable', () => {
  it('renders flag, default, accepts and description; a switch defaults to false', () => {
    expect(flagsTable({ ...FLAGS, text: flag('sep', oneOf(['|', ','] as const), '|', 'a|b') }))
      .toBe(`| flag | default | accepts | description |
| --- | --- | --- | --- |
| \`--rate\` | \`50\` | a number > 0 | transactions per second |
| \`--workers\` | \`2\` | an integer ≥ 1 | worker processes |
| \`--mode\` | — | one of a, b | which mode |
| \`--json\` | \`false\` | no value (a switch) | print JSON |
| \`--sep\` | \`\\|\` | one of \\|, , | a\\|b |`);
  });
});
