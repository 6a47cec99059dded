import { WorkerError } from '../errors';
import type { CliCommand } from './command';
import { backfillCommand, evaluateCommand, trainCommand } from '@fraudstream/models';
import { schemasCommand } from '@fraudstream/schemas';
import { simulateCommand } from '@fraudstream/loadgen';
import { demoCommand } from './demo-command';
import { doctorCommand } from './doctor-command';
import { benchCliCommand, loadgenCliCommand } from './load-commands';
import { traceCommand } from './trace-command';
import { workerCommand } from './worker-command';

/** Every subcommand of `fraudstream`, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  demoCommand,
  workerCommand,
  loadgenCliCommand,
  benchCliCommand,
  traceCommand,
  schemasCommand,
  simulateCommand,
  trainCommand,
  evaluateCommand,
  backfillCommand,
];

/** Entry point of the `fraudstream` binary; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`fraudstream: unknown command "${name}"\n`);
    printHelp();
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error: unknown) {
    // The one place errors reach the user: show the code so it can be looked up in the README.
    if (error instanceof WorkerError || hasCode(error)) {
      console.error(`fraudstream ${name}: ${error.code}: ${error.message}`);
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error(`fraudstream ${name}: ${error.message}`);
      return 2;
    } else {
      console.error(
        `fraudstream ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    return 1;
  }
}

function hasCode(error: unknown): error is Error & { code: string } {
  const code: unknown =
    error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FS_');
}

function printHelp(): void {
  console.log('usage: fraudstream <command> [options]\n\ncommands:');
  for (const c of COMMANDS) console.log(`  ${c.name.padEnd(12)} ${c.summary}`);
}
