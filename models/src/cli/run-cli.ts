import { SettingsError } from '@fraudstream/settings';
import { SimulatorError } from '@fraudstream/simulator';
import { ModelsError } from '../errors';

/**
 * Runs a command body: progress goes to stderr, a known error prints its code and message and
 * exits 2 (usage) or 1, anything else is printed whole.
 */
export async function runCli(
  body: (log: (message: string) => void) => Promise<number>,
): Promise<number> {
  const log = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };
  try {
    return await body(log);
  } catch (err) {
    if (
      err instanceof ModelsError ||
      err instanceof SimulatorError ||
      err instanceof SettingsError
    ) {
      console.error(`error ${err.code}: ${err.message}`);
      return err.code === 'FS_CLI_USAGE' ? 2 : 1;
    }
    console.error(err);
    return 1;
  }
}
