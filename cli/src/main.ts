import { redactText } from '@fraudstream/settings';
import { Command, CommanderError } from 'commander';
import { COMMANDS, type LazyCommand } from './commands';

/** Exit code of a command line that cannot be used (FS_CLI_USAGE, unknown command or option). */
const USAGE_EXIT = 2;

/** Entry point of the `fraudstream` binary; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error: unknown) {
    // exitOverride turns commander's own exits (help, unknown option) into this error; it has
    // already printed its message. Help that was asked for exits 0, anything else is bad usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT;
    throw error;
  }
  return exitCode;
}

/**
 * The commander program: one subcommand per COMMANDS entry, each loaded only when it runs and
 * given its raw arguments, so that its own flags and `--help` are its business.
 */
function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('fraudstream')
    .usage('<command> [options]')
    .description('Real-time card fraud scoring: the worker, its tools and its benchmarks.')
    // Options of `fraudstream` itself (only --help) come before the subcommand; everything
    // after the subcommand's name is the subcommand's.
    .enablePositionalOptions()
    .helpCommand(false)
    .exitOverride();
  const unknownCommand = (name: string): void => {
    console.error(`fraudstream: unknown command "${name}"\n`);
    console.error(program.helpInformation());
    setExitCode(USAGE_EXIT);
  };
  program.on('command:*', (operands: string[]) => unknownCommand(operands[0] ?? ''));
  for (const entry of COMMANDS) {
    program
      .command(entry.name)
      .summary(entry.summary)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .action(async (_options: unknown, command: Command) => {
        setExitCode(await runCommand(entry, command.args));
      });
  }
  // `fraudstream help [command]`: the umbrella's list, or the command's own `--help`.
  program
    .command('help')
    .summary('show this list, or `help <command>` for the options of one command')
    .helpOption(false)
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) => {
      const [name] = command.args;
      const entry = COMMANDS.find((c) => c.name === name);
      if (name === undefined) {
        program.outputHelp();
        setExitCode(0);
      } else if (entry === undefined) {
        unknownCommand(name);
      } else {
        setExitCode(await runCommand(entry, ['--help']));
      }
    });
  return program;
}

/** Loads and runs one subcommand; its errors reach the user here, with their code. */
async function runCommand(entry: LazyCommand, args: string[]): Promise<number> {
  try {
    const command = await entry.load();
    return await command.run(args);
  } catch (error: unknown) {
    // The one place errors reach the user: show the code so it can be looked up in the docs.
    // Masked: a client library's message may quote a URL with its password.
    if (hasCode(error)) {
      console.error(redactText(`fraudstream ${entry.name}: ${error.code}: ${error.message}`));
      return error.code === 'FS_CLI_USAGE' ? USAGE_EXIT : 1;
    }
    console.error(
      redactText(
        `fraudstream ${entry.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
    return 1;
  }
}

/** Every fraudstream error carries a stable `FS_*` code. */
function hasCode(error: unknown): error is Error & { code: string } {
  const code: unknown =
    error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FS_');
}
