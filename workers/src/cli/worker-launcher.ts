import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { StartWorker, WorkerHandle } from '@fraudstream/loadgen';

/** How long a worker gets after SIGTERM before SIGKILL; above its own shutdown bound. */
const STOP_GRACE_MS = 45_000;

/** Where a spawned worker's output goes: inherited, or appended to a log file descriptor. */
export interface LaunchOptions {
  /** Extra environment for every worker (e.g. the model directory). */
  readonly env?: Readonly<Record<string, string>>;
  /** File descriptor for the worker's stdout+stderr; undefined inherits ours. */
  readonly logFd?: number;
}

/**
 * A {@link StartWorker} that runs `fraudstream worker` as a child process of this one, so
 * benchmarks and the demo measure real, separate worker processes.
 */
export function processWorkerLauncher(options: LaunchOptions = {}): StartWorker {
  const bin = path.resolve(__dirname, '../../bin/fraudstream.js');
  return async (worker) => {
    const child = spawn(process.execPath, [bin, 'worker'], {
      env: { ...process.env, ...options.env, ...worker.env },
      stdio: options.logFd === undefined ? 'inherit' : ['ignore', options.logFd, options.logFd],
    });
    await once(child, 'spawn');
    const exited = once(child, 'exit').then(() => undefined);
    let stopping: Promise<void> | undefined;
    const handle: WorkerHandle = {
      pid: child.pid,
      stop: () => {
        stopping ??= (async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        })();
        return stopping;
      },
    };
    return handle;
  };
}
