// The local stack of deploy/local/stack.sh, as the suites that fault it see it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * `stack.sh status`'s output followed by `exit <code>`: a suite that killed or stopped a stack
 * process asserts it ends in `exit 0` (every component up again) for the suites after it.
 */
export function stackStatus(): string {
  const status = spawnSync(
    'bash',
    [path.join(__dirname, '..', '..', 'deploy', 'local', 'stack.sh'), 'status'],
    { encoding: 'utf8' },
  );
  return `${status.stdout}${status.stderr}exit ${String(status.status)}`;
}
