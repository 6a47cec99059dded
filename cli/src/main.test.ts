import { COMMANDS } from './commands';
import { main } from './main';

// Records which heavy packages get loaded: `--help` must load none, a command only its own.
const mockLoaded: string[] = [];
jest.mock('@fraudstream/loadgen', () => {
  mockLoaded.push('@fraudstream/loadgen');
  return jest.requireActual<object>('@fraudstream/loadgen');
});
jest.mock('@fraudstream/models/training', () => {
  mockLoaded.push('@fraudstream/models/training');
  return jest.requireActual<object>('@fraudstream/models/training');
});
jest.mock('@fraudstream/schemas/cli', () => {
  mockLoaded.push('@fraudstream/schemas/cli');
  return jest.requireActual<object>('@fraudstream/schemas/cli');
});

let out: string[];
let err: string[];
let spies: jest.SpyInstance[];
beforeEach(() => {
  out = [];
  err = [];
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array): boolean => {
      into.push(String(chunk));
      return true;
    };
  spies = [
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => out.push(a.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => err.push(a.join(' '))),
    jest.spyOn(process.stdout, 'write').mockImplementation(capture(out)),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture(err)),
  ];
});
afterEach(() => spies.forEach((s) => s.mockRestore()));

describe('fraudstream', () => {
  it('--help lists every command with its summary and exits 0', async () => {
    expect(await main(['--help'])).toBe(0);
    // commander wraps long lines to the terminal's width.
    const help = out.join('').replace(/\s+/g, ' ');
    for (const c of COMMANDS) {
      expect(help).toContain(c.name);
      expect(help).toContain(c.summary);
    }
  });

  it('loads no package for --help, and only @fraudstream/workers/cli for worker and trace', async () => {
    await main(['--help']);
    await main(['worker', '--help']);
    await main(['trace', '--help']);
    expect(mockLoaded).toEqual([]);
  });

  it('help without a command is the same list', async () => {
    expect(await main(['help'])).toBe(0);
    expect(out.join('')).toMatch(/^ {2}doctor /m);
  });

  it('no command: the list on stderr and exit 2', async () => {
    expect(await main([])).toBe(2);
    expect(err.join('')).toContain('Usage: fraudstream <command> [options]');
  });

  it('an unknown command is bad usage: its name, the list, exit 2', async () => {
    expect(await main(['nope', '--x'])).toBe(2);
    const text = err.join('\n');
    expect(text).toContain('fraudstream: unknown command "nope"');
    for (const c of COMMANDS) expect(text).toContain(c.name);
  });

  it('an unknown option of the umbrella is bad usage', async () => {
    expect(await main(['--bogus'])).toBe(2);
    expect(err.join('')).toContain("unknown option '--bogus'");
  });

  it('passes the raw arguments to the subcommand and prints FS_CLI_USAGE errors with exit 2', async () => {
    expect(await main(['trace', 'a', 'b', '--json'])).toBe(2);
    expect(err.join('\n')).toMatch(/^fraudstream trace: FS_CLI_USAGE: /m);
  });

  it("gives the subcommand its own --help (not the umbrella's)", async () => {
    expect(await main(['trace', '--help'])).toBe(0);
    expect(out.join('\n')).toContain('usage: fraudstream trace <transaction-id>');
  });

  it('help <command> is the command’s own --help', async () => {
    expect(await main(['help', 'trace'])).toBe(0);
    expect(out.join('\n')).toContain('usage: fraudstream trace <transaction-id>');
  });

  it('an unknown option of a subcommand is bad usage naming the option', async () => {
    expect(await main(['trace', 'abc', '--bogus'])).toBe(2);
    expect(err.join('\n')).toContain('--bogus');
  });

  // Every command reads its flags with the settings kit: a bad one is FS_CLI_USAGE, exit 2.
  it.each([
    ['worker', ['worker', '--bogus']],
    ['schemas', ['schemas', 'check', '--bogus']],
    ['schemas', ['schemas', 'demo', '--bogus']],
  ])('%s: an unknown option is FS_CLI_USAGE naming it, exit 2', async (name, argv) => {
    expect(await main(argv)).toBe(2);
    expect(err.join('\n')).toContain(
      `fraudstream ${name}: FS_CLI_USAGE: unknown option "--bogus" (--help lists the options)`,
    );
  });

  it('schemas: a subcommand has its own --help, from its flag declarations', async () => {
    expect(await main(['schemas', 'check', '--help'])).toBe(0);
    expect(out.join('\n')).toContain('usage: fraudstream schemas check [options]');
    expect(out.join('\n')).toMatch(
      /^ {2}--dir VALUE {2}the \.avsc files to check \(default the schemas package’s avro\/ directory\) \(a directory\)$/m,
    );
  });
});
