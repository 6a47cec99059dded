import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import {
  DEFAULT_HISTORY_DAYS,
  simulateTransactions,
  writeLabelledCsv,
} from '@fraudstream/simulator';
import { parseCommonArgs } from './args';
import { evaluateCommand } from './evaluate-command';
import { trainCommand } from './train-command';
import { backfillCommand } from './backfill-command';

let dir: string;
let errors: string[];
let spy: jest.SpyInstance;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fs-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  errors = [];
  spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.map(String).join(' '));
  });
});
afterEach(() => spy.mockRestore());

describe('train and evaluate command lines', () => {
  it('parse the shared flags into a data source and a protocol', () => {
    const { common } = parseCommonArgs(
      ['--feedback-delay-days', '0.5', '--seed', '3', '--folds', '2'],
      {},
    );
    expect(common.source).toEqual({ kind: 'simulated', params: { seed: 3 } });
    expect(common.protocol.feedbackDelayDays).toBe(0.5);
    expect(common.protocol.folds).toBe(2);
    expect(parseCommonArgs(['--data', 'x.csv'], {}).common.source).toEqual({
      kind: 'csv',
      file: 'x.csv',
    });
  });

  it.each([
    [['--feedback-delay-days', '-1'], /--feedback-delay-days/],
    [['--seed', 'abc'], /--seed/],
    [['--data', 'x.csv', '--days', '3'], /--data/],
    [['--train-start', '2018-13-45'], /--train-start/],
    [['--bogus'], /bogus/],
  ])('reject %p with a usage error naming the flag', async (argv, message) => {
    expect(await evaluateCommand.run(argv)).toBe(2);
    expect(errors.join('\n')).toMatch(message);
    expect(errors.join('\n')).toMatch(/FS_CLI_USAGE/);
  });

  it('reject a malformed --data file with its line number and reason', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(
      file,
      'transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario\n' +
        '1,2018-04-01T00:00:01Z,c,k,10,0,0\n' +
        '2,2018-04-01T00:00:02Z,c,k,ten,0,0\n',
    );
    expect(await trainCommand.run(['--data', file])).toBe(1);
    expect(errors.join('\n')).toContain(`${file}:3: amount "ten"`);
  });
});

describe('evaluate on a user CSV', () => {
  it('anchors the folds at the end of the data, writes the report and prints the JSON figures', async () => {
    const file = path.join(dir, 'history.csv');
    await writeLabelledCsv(
      file,
      simulateTransactions({ seed: 1, days: 45, customers: 300, terminals: 600 }),
    );
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      out.push(args.map(String).join(' '));
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await evaluateCommand.run([
        '--data',
        file,
        '--folds',
        '1',
        '--epochs',
        '2',
        '--ensemble',
        '2',
        '--json',
        '--out',
        path.join(dir, 'report'),
      ]);
      expect(errors).toEqual([]);
      expect(code).toBe(0);
    } finally {
      log.mockRestore();
      stderr.mockRestore();
    }
    const result = JSON.parse(out.join('')) as Record<string, unknown>;
    for (const key of [
      'auc_roc',
      'average_precision',
      'card_precision_at_100',
      'precision_at_recall_80',
      'recall_at_precision_50',
    ]) {
      expect(typeof result[key]).toBe('number');
    }
    expect(result.auc_roc).toBeGreaterThan(0.6);
    // The CSV carries scenarios, so the oracle bound is computed, per fold and on average.
    const oracle = result.oracle_bound as {
      auc_roc: number;
      folds: { auc_roc: number; darkFrauds: number; frauds: number }[];
    };
    expect(oracle.folds).toHaveLength(1);
    expect(oracle.auc_roc).toBe(oracle.folds[0]?.auc_roc);
    expect(oracle.auc_roc).toBeGreaterThan(0.5);
    expect(oracle.auc_roc).toBeLessThanOrEqual(1);
    expect(oracle.folds[0]?.darkFrauds).toBeLessThanOrEqual(oracle.folds[0]?.frauds ?? 0);
    expect((result.folds as { testStart: string }[])[0]?.testStart).toBe('2018-05-09');
    for (const f of ['report.md', 'pr-curve.png', 'recall-by-scenario.png']) {
      expect(existsSync(path.join(dir, 'report', f))).toBe(true);
    }
  }, 180_000);
});

describe('backfill command line', () => {
  it('rejects simulator flags beside --data, naming them, with exit code 2', async () => {
    expect(await backfillCommand.run(['--data', 'x.csv', '--days', '3'])).toBe(2);
    expect(errors.join('\n')).toMatch(/FS_CLI_USAGE.*--days/);
  });

  it('rejects a bad number, naming the flag', async () => {
    expect(await backfillCommand.run(['--record-ttl-ms', '0'])).toBe(2);
    expect(errors.join('\n')).toMatch(/--record-ttl-ms: expected an integer ≥ 1/);
  });

  describe("reads the workers' settings by their declarations", () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });

    it('refuses a bad FS_REDIS_URL by name, without showing its text', async () => {
      process.env.FS_REDIS_URL = 'http://user:pw@cache';
      expect(await backfillCommand.run(['--quiet'])).toBe(1);
      expect(errors.join('\n')).toMatch(/FS_CONFIG_INVALID.*FS_REDIS_URL/);
      expect(errors.join('\n')).not.toContain(':pw@');
    });

    it('refuses a FS_FEATURE_KEY_PREFIX the workers would refuse', async () => {
      process.env.FS_FEATURE_KEY_PREFIX = 'fs feat:';
      expect(await backfillCommand.run(['--quiet'])).toBe(1);
      expect(errors.join('\n')).toMatch(/FS_CONFIG_INVALID.*FS_FEATURE_KEY_PREFIX/);
    });

    it('names the Redis it writes to with the password masked', async () => {
      process.env.FS_REDIS_URL = 'redis://:pl4nted-s3cret@127.0.0.1:1';
      process.env.FS_FEATURE_KEY_PREFIX = 'fs:test:';
      const progress: string[] = [];
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        progress.push(String(chunk));
        return true;
      });
      // A model store that is not there stops the run right after the progress line.
      const model = path.join(dir, 'no-such-model-store');
      try {
        expect(await backfillCommand.run(['--model', model])).toBe(1);
      } finally {
        stderr.mockRestore();
      }
      expect(progress.join('')).toContain('into redis://:***@127.0.0.1:1 fs:test:*');
      expect([...progress, ...errors].join('\n')).not.toContain('pl4nted-s3cret');
    });

    it('still shows --help when a variable is bad', async () => {
      process.env.FS_REDIS_URL = 'not a url';
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      expect(await backfillCommand.run(['--help'])).toBe(0);
      log.mockRestore();
    });
  });
});

describe('--help of train, evaluate and backfill', () => {
  it.each([
    [trainCommand, ['--data', '--feedback-delay-days', '--set-current', '--artifacts']],
    [evaluateCommand, ['--data', '--folds', '--model', '--out']],
    [backfillCommand, ['--data', '--redis-url', '--key-prefix', '--record-ttl-ms']],
  ])('%#: lists the declared flags with their defaults, and exits 0', async (command, flags) => {
    const printed: string[] = [];
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)));
    expect(await command.run(['--help'])).toBe(0);
    log.mockRestore();
    const help = printed.join('\n');
    expect(help).toContain(`usage: fraudstream ${command.name} [options]`);
    for (const f of flags) expect(help).toContain(f);
    expect(help).toMatch(/--seed VALUE .*default 0\)/);
  });

  it('backfill names its own default of --days (the days loadgen skips)', async () => {
    const printed: string[] = [];
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)));
    await backfillCommand.run(['--help']);
    log.mockRestore();
    expect(printed.join('\n')).toMatch(
      new RegExp(`--days VALUE .*default ${DEFAULT_HISTORY_DAYS}\\)`),
    );
  });
});

it('hides a bad --redis-url, which may hold a password', async () => {
  expect(await backfillCommand.run(['--redis-url', 'http://user:pw@cache'])).toBe(2);
  expect(errors.join('\n')).toContain(
    '--redis-url: expected a redis:// or rediss:// URL, got (hidden)',
  );
  expect(errors.join('\n')).not.toContain(':pw@');
});
