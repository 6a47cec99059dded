import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simulateCommand } from './simulate-command';

let dir: string;
let out: string[];
let err: string[];
let spies: jest.SpyInstance[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fs-simulate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  out = [];
  err = [];
  spies = [
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' '))),
    jest
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void err.push(a.join(' '))),
  ];
});
afterEach(() => spies.forEach((s) => s.mockRestore()));

describe('fraudstream simulate', () => {
  it('writes the CSV and prints the summary as JSON', async () => {
    const file = path.join(dir, 'small.csv');
    const argv = ['--out', file, '--days=3', '--customers', '20', '--terminals', '30', '--json'];
    await expect(simulateCommand.run(argv)).resolves.toBe(0);
    const summary = JSON.parse(out.join('\n')) as { file: string; params: { days: number } };
    expect(summary.file).toBe(file);
    expect(summary.params.days).toBe(3);
    expect((await readFile(file, 'utf8')).split('\n')[0]).toBe(
      'transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario',
    );
  });

  it.each([
    [['--days', '1'], /--out FILE.csv is required/],
    [['--out', 'x.csv', '--days', '0'], /--days: expected an integer ≥ 1, got "0"/],
    [['--out', 'x.csv', '--start-date', '1 April'], /--start-date: expected a date YYYY-MM-DD/],
    [['--out', 'x.csv', '--bogus'], /unknown option "--bogus"/],
  ])('rejects %p as bad usage (exit 2) naming the flag', async (argv, message) => {
    await expect(simulateCommand.run(argv)).resolves.toBe(2);
    expect(err.join('\n')).toMatch(/FS_CLI_USAGE/);
    expect(err.join('\n')).toMatch(message);
  });

  it('--help lists every flag with its default', async () => {
    await expect(simulateCommand.run(['--help'])).resolves.toBe(0);
    const help = out.join('\n');
    for (const f of [
      '--out',
      '--seed',
      '--days',
      '--customers',
      '--terminals',
      '--start-date',
      '--json',
    ])
      expect(help).toContain(f);
    expect(help).toMatch(/--start-date VALUE .*default 2018-04-01/);
  });
});
