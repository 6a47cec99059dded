// The local stack's Kafka, Redis and (when started with it) Jaeger processes, from the pid files `deploy/local/stack.sh`
// writes under FRAUDSTREAM_HOME/run (first line: the pid), so a run can say how much of the
// machine they used. Missing or stale files just mean nothing is watched.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WatchedProcess } from '../measure/cpu-sampler';

/** Kafka, Redis and Jaeger of the local stack, when their pid files name live processes. */
export function stackProcesses(
  env: Readonly<Record<string, string | undefined>>,
): WatchedProcess[] {
  // dist/cli → the repository root, where the stack keeps its home by default.
  const home = env.FRAUDSTREAM_HOME ?? path.resolve(__dirname, '..', '..', '..', '.fraudstream');
  const out: WatchedProcess[] = [];
  for (const name of ['kafka', 'redis', 'jaeger']) {
    try {
      const pid = Number(
        readFileSync(path.join(home, 'run', `${name}.pid`), 'utf8').split('\n')[0],
      );
      if (Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`))
        out.push({ label: name, pid });
    } catch {
      // no stack here, or not started: nothing to watch
    }
  }
  return out;
}
