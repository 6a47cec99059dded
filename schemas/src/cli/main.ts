// Node entry for the package scripts: `node dist/cli/main.js <command>` (npm run check, codegen,
// fixtures, demo). The fraudstream CLI in workers runs the same command object.
import { UsageError } from '@fraudstream/settings';
import { schemasCommand } from './schemas-command';

schemasCommand.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bad command line is the user's to fix: its code and message, exit 2 (as fraudstream).
    if (err instanceof UsageError) {
      console.error(`${err.code}: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
