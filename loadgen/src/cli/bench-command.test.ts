import { Writable } from 'node:stream';
import { benchCommand, formatTable } from './bench-command';

function sink(into: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      into.push(chunk.toString());
      done();
    },
  });
}

describe('formatTable', () => {
  it('aligns the columns and lists the notes below', () => {
    const text = formatTable({
      title: 'Tracing overhead by sampling ratio',
      columns: ['sampling', 'highest rate held (tx/s)'],
      rows: [
        ['0 %', '900'],
        ['100 %', '700'],
      ],
      notes: ['One ramp per row.'],
    });
    expect(text.split('\n')).toEqual([
      '  Tracing overhead by sampling ratio:',
      '  sampling  highest rate held (tx/s)',
      '  --------  ------------------------',
      '  0 %       900',
      '  100 %     700',
      '  * One ramp per row.',
      '',
    ]);
  });
});

describe('fraudstream bench command line', () => {
  it.each([[['--help']], [['seed', '--help']]])(
    '%j prints the scenarios and every declared flag, and exits 0',
    async (argv) => {
      const out: string[] = [];
      const command = benchCommand({ stdout: sink(out), stderr: sink([]), env: {} });
      await expect(command.run(argv)).resolves.toBe(0);
      const help = out.join('');
      expect(help).toContain('usage: fraudstream bench <scenario> [options]');
      for (const f of [
        '--smoke',
        '--fleet',
        '--steps',
        '--clients',
        '--passthrough',
        '--sampling',
        '--profile',
      ])
        expect(help).toContain(f);
      expect(help).toMatch(/--fleet VALUE .*default 1,2,4\)/);
    },
  );

  it('without a scenario prints the help and exits 2', async () => {
    const command = benchCommand({ stdout: sink([]), stderr: sink([]), env: {} });
    await expect(command.run([])).resolves.toBe(2);
  });

  it.each([
    [['nope'], /unknown benchmark "nope"/],
    [['seed', '--bogus'], /unknown option "--bogus"/],
    [['seed', '--passthrough', 'thread'], /--passthrough: expected one of process, in-process/],
    [['fleet', '--fleet', '1,0'], /--fleet: expected integers ≥ 1, comma-separated/],
    [['capacity', '--clients', 'kafkajs,rdkafka'], /--clients: expected kafkajs or librdkafka/],
    [['tracing', '--sampling', '0,2'], /--sampling: expected shares from 0 to 1/],
    [
      ['seed', '--otlp-endpoint', 'jaeger:4318'],
      /--otlp-endpoint: expected a http:\/\/ or https:\/\/ URL/,
    ],
  ])('rejects %j before starting anything, naming the flag', async (argv, message) => {
    const command = benchCommand({ stdout: sink([]), stderr: sink([]), env: {} });
    await expect(command.run(argv)).rejects.toMatchObject({
      code: 'FS_CLI_USAGE',
      message: expect.stringMatching(message) as string,
    });
  });

  it.each([
    ['FS_KAFKA_BROKERS', 'nohost'],
    ['FS_KAFKA_CLIENT', 'node-rdkafka'],
    ['FS_OTLP_ENDPOINT', 'https://user:pl4nted-s3cret@collector:4318 x'],
  ])('rejects a bad %s before starting anything, by its declaration', async (name, value) => {
    const command = benchCommand({ stdout: sink([]), stderr: sink([]), env: { [name]: value } });
    const run = command.run(['seed']);
    await expect(run).rejects.toMatchObject({
      code: 'FS_CONFIG_INVALID',
      message: expect.stringMatching(new RegExp(`^${name}: expected`)) as string,
    });
    await expect(run).rejects.not.toMatchObject({
      message: expect.stringContaining('pl4nted-s3cret') as string,
    });
  });
});
