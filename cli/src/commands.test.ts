import { COMMANDS } from './commands';

// The umbrella repeats each summary so that `fraudstream --help` loads no package; this keeps
// the copies equal to the commands' own. Loading every command pulls in TensorFlow: be patient.
jest.setTimeout(60_000);

describe('COMMANDS', () => {
  it('has one entry per name', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: load() returns the command of that name, with the same summary',
    async (name, entry) => {
      const command = await entry.load();
      expect(command.name).toBe(name);
      expect(entry.summary).toBe(command.summary);
    },
  );
});
