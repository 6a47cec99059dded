import { Writable } from 'node:stream';
import { loadgenCommand } from './loadgen-command';

function sink(into: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      into.push(chunk.toString());
      done();
    },
  });
}

describe('fraudstream loadgen command line', () => {
  it('--help lists every declared flag with its default', async () => {
    const out: string[] = [];
    const command = loadgenCommand({ stdout: sink(out), stderr: sink([]), env: {} });
    await expect(command.run(['--help'])).resolves.toBe(0);
    const help = out.join('');
    expect(help).toContain('usage: fraudstream loadgen [options]');
    for (const f of [
      '--rate',
      '--ramp',
      '--burst',
      '--count',
      '--no-labels',
      '--brokers',
      '--quiet',
    ])
      expect(help).toContain(f);
    expect(help).toMatch(/--event-time VALUE .*one of now, simulated; default now\)/);
  });

  it.each([
    [['--rate', '5', '--ramp', '10:1'], /give one of --rate, --ramp and --burst/],
    [['--event-time', 'later'], /--event-time: expected one of now, simulated, got "later"/],
    [['--ramp', '500'], /--ramp: expected steps TPS:SECONDS/],
    [['--brokers', 'nohost'], /--brokers: expected a comma-separated list of host:port/],
    [['--count', '0'], /--count: expected an integer ≥ 1/],
    [['--bogus'], /unknown option "--bogus"/],
    [['--speed', '1440'], /--speed: only with --data/],
    [['--backfill-days', '3', '--from', '2018-05-01'], /--from, --backfill-days: only with --data/],
    [['--data', 'x.csv', '--ramp', '10:1'], /--ramp: not with --data/],
    [['--data', 'x.csv', '--rate', '5', '--speed', '60'], /give one of --speed and --rate/],
    [['--data', 'x.csv', '--to', '2018-02-30'], /--to: expected a date YYYY-MM-DD/],
  ])('rejects %p before sending anything, naming the flag', async (argv, message) => {
    const command = loadgenCommand({ stdout: sink([]), stderr: sink([]), env: {} });
    await expect(command.run(argv)).rejects.toMatchObject({
      code: 'FS_CLI_USAGE',
      message: expect.stringMatching(message) as string,
    });
  });
});
