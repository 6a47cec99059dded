// Launchers of the passthrough worker: in this process (tests, smoke runs) or forked as a
// process of its own, like a real worker (benchmarks: the worker then competes for the cores
// as the scoring worker does, instead of sharing the load generator's event loop).
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { StartWorker, WorkerHandle } from './bench-types';
import { cpuProfileNodeArgs } from './bench-types';
import { startPassthroughWorker } from './passthrough-worker';

/** Where passthrough workers run. */
export type PassthroughMode = 'process' | 'in-process';

/** How long a forked worker gets to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;

/** Forks `passthrough-main.js` (built output) with the worker's environment (and profiler). */
export const forkPassthroughWorker: StartWorker = (env) =>
  new Promise<WorkerHandle>((resolve, reject) => {
    const child = fork(path.join(__dirname, 'passthrough-main.js'), [], {
      env: { ...process.env, ...env.env },
      execArgv: [...process.execArgv, ...cpuProfileNodeArgs(env.cpuProfile)],
      // Our stdout carries `--json` output: anything the worker prints goes to stderr.
      stdio: ['ignore', 2, 'inherit', 'ipc'],
    });
    let exited = false;
    const exit = new Promise<void>((done) =>
      child.once('exit', () => {
        exited = true;
        done();
      }),
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`passthrough worker exited with code ${String(code)} before it was ready`)),
    );
    child.once('message', (m) => {
      if (m !== 'ready') return;
      let stopping: Promise<void> | undefined;
      resolve({
        pid: child.pid,
        stop: () => {
          stopping ??= (async () => {
            if (exited) return;
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
            await exit;
            clearTimeout(timer);
          })();
          return stopping;
        },
      });
    });
  });

/** The launcher for a mode. */
export function passthroughLauncher(mode: PassthroughMode): StartWorker {
  return mode === 'process' ? forkPassthroughWorker : startPassthroughWorker;
}
