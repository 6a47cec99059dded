// Node entry for the package scripts: `node dist/cli/main.js <command>` (npm run check, codegen,
// fixtures, demo). The fraudstream CLI in workers runs the same command object.
import { schemasCommand } from './schemas-command';

schemasCommand.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
