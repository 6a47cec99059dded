import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpuProfileNodeArgs } from '../bench/bench-types';
import type { StartWorker, WorkerExit, WorkerHandle } from '../bench/bench-types';

/** How long a worker gets after SIGTERM before SIGKILL; above its own shutdown bound. */
const STOP_GRACE_MS = 45_000;

/** Where a spawned worker's output goes: our stderr, or a log file descriptor. */
export interface LaunchOptions {
  /** Extra environment for every worker (e.g. the model directory). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * File descriptor for the worker's stdout+stderr; undefined sends both to our stderr (our
   * stdout carries `--json` output, which the workers' log lines must not break).
   */
  readonly logFd?: number;
  /**
   * Node arguments of every worker, before the script (e.g. `--max-old-space-size=4096`);
   * a benchmark's `WorkerEnv.cpuProfile` adds the CPU profiler's to them.
   * @defaultValue []
   */
  readonly nodeArgs?: readonly string[];
}

/**
 * A {@link StartWorker} that runs the worker (`fraudstream-worker`, the same command as
 * `fraudstream worker`) as a child process of this one, so
 * benchmarks and the demo measure real, separate worker processes.
 */
export function processWorkerLauncher(options: LaunchOptions = {}): StartWorker {
  const bin = require.resolve('@fraudstream/workers/bin/fraudstream-worker.js');
  return async (worker) => {
    // Node arguments, not NODE_OPTIONS: --cpu-prof is not allowed there.
    const nodeArgs = [...(options.nodeArgs ?? []), ...cpuProfileNodeArgs(worker.cpuProfile)];
    const child = spawn(process.execPath, [...nodeArgs, bin], {
      env: { ...process.env, ...options.env, ...worker.env },
      stdio: ['ignore', options.logFd ?? 2, options.logFd ?? 2],
    });
    await once(child, 'spawn');
    let stopping: Promise<void> | undefined;
    let exit: WorkerExit | undefined;
    const exited = once(child, 'exit').then(([code, signal]: unknown[]) => {
      // A crash (e.g. SIGABRT from native code) is told apart from the stop we asked for.
      exit = {
        code: typeof code === 'number' ? code : null,
        signal: typeof signal === 'string' ? signal : null,
        beforeStop: stopping === undefined,
      };
    });
    const handle: WorkerHandle = {
      pid: child.pid,
      exitStatus: () => exit,
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
