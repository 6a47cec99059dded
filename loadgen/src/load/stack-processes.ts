// The local stack's Kafka, Redis and (when started with it) Jaeger processes, from the pid files `deploy/local/stack.sh`
// writes under FRAUDSTREAM_HOME/run (first line: the pid, then key=value lines), so a run can
// say how much of the machine they used, and `bench chaos` can signal them. A pid counts only
// while it is the process the file recorded (same start time, same command line), as stack.sh
// itself checks before it signals: a recycled pid is never ours. Missing or stale files just mean
// nothing is there.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WatchedProcess } from '../measure/cpu-sampler';

/** The environment the stack's location is read from (FRAUDSTREAM_HOME). */
export type StackLocationEnv = Readonly<Record<string, string | undefined>>;

/** The repository root (dist/load or src/load → three levels up), where deploy/local lives. */
export function repoRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

/** The stack's home: FRAUDSTREAM_HOME, else the repository's .fraudstream (as deploy/local/env.sh). */
export function stackHome(env: StackLocationEnv): string {
  const home = env.FRAUDSTREAM_HOME;
  return home === undefined || home === ''
    ? path.join(repoRoot(), '.fraudstream')
    : path.resolve(home);
}

/** One pid file of the stack: the pid and its key=value lines (started, ticks, match, addr, data). */
export interface StackPidFile {
  readonly pid: number;
  readonly fields: Readonly<Record<string, string>>;
}

/** The pid file of `component` (`kafka`, `kafka@2`, `redis`, ...), or undefined when absent or malformed. */
export function readStackPidFile(
  env: StackLocationEnv,
  component: string,
): StackPidFile | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(stackHome(env), 'run', `${component}.pid`), 'utf8');
  } catch {
    // no stack here, or this component was never started
    return undefined;
  }
  const [first, ...rest] = text.split('\n');
  const pid = Number(first);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const fields: Record<string, string> = {};
  for (const line of rest) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { pid, fields };
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), undefined when gone or a zombie. */
function startTicks(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return f[0] === 'Z' ? undefined : f[19];
}

/** True when `file` names a live process that is the one recorded (ticks and command line match). */
function isRecordedProcess(file: StackPidFile): boolean {
  const ticks = startTicks(file.pid);
  if (ticks === undefined) return false;
  // Files without the checks (written by hand) are trusted on liveness alone.
  if (file.fields.ticks !== undefined && file.fields.ticks !== ticks) return false;
  const match = file.fields.match;
  if (match === undefined) return true;
  try {
    return readFileSync(`/proc/${file.pid}/cmdline`, 'utf8').split('\0').join(' ').includes(match);
  } catch {
    return false;
  }
}

/** The pid of `component` of the local stack while it runs (the recorded process), else undefined. */
export function stackPid(env: StackLocationEnv, component: string): number | undefined {
  const file = readStackPidFile(env, component);
  return file !== undefined && isRecordedProcess(file) ? file.pid : undefined;
}

/** Kafka, Redis and Jaeger of the local stack, when their pid files name live processes. */
export function stackProcesses(env: StackLocationEnv): WatchedProcess[] {
  const out: WatchedProcess[] = [];
  for (const name of ['kafka', 'redis', 'jaeger']) {
    const pid = stackPid(env, name);
    if (pid !== undefined) out.push({ label: name, pid });
  }
  return out;
}
