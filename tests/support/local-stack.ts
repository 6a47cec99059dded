// The local stack of deploy/local/stack.sh, as the suites that fault it see it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const STACK_SH = path.join(__dirname, '..', '..', 'deploy', 'local', 'stack.sh');

/** How long `stack.sh up` may take to bring back what a failed suite left down, ms. */
const UP_TIMEOUT_MS = 180_000;

/**
 * `stack.sh status`'s output followed by `exit <code>`: a suite that killed or stopped a stack
 * process asserts it ends in `exit 0` (every component up again). When it does not, `stack.sh
 * up` runs before this returns: the suite still fails on what it found, but the suites after it
 * find the stack whole instead of failing one after the other.
 */
export function stackStatus(): string {
  const status = spawnSync('bash', [STACK_SH, 'status'], { encoding: 'utf8' });
  const found = `${status.stdout}${status.stderr}exit ${String(status.status)}`;
  if (status.status !== 0) {
    const up = spawnSync('bash', [STACK_SH, 'up'], { encoding: 'utf8', timeout: UP_TIMEOUT_MS });
    return `${found}\n(stack.sh up afterwards: exit ${String(up.status)})`;
  }
  return found;
}
