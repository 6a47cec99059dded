// Real worker processes for the crash and shutdown tests: `node cli/bin/fraudstream.js worker`
// (the `fraudstream` command) with the test's environment. The packages must be built (npm test
// builds them through turbo; by hand: npm run build).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './services';

/** The fraudstream launcher. */
export const FRAUDSTREAM_BIN = resolve(__dirname, '..', '..', 'cli', 'bin', 'fraudstream.js');

/** One JSON log line of the worker. */
export type LogLine = Readonly<Record<string, unknown>>;

/** How the process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A spawned worker. */
export class WorkerProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private exit: Exit | undefined;

  /**
   * Spawns `fraudstream worker` with `env` on top of this process's environment; `nodeArgs` go
   * to node before the script (e.g. `--require` of a probe).
   */
  constructor(
    readonly name: string,
    env: Readonly<Record<string, string>>,
    nodeArgs: readonly string[] = [],
  ) {
    this.child = spawn(process.execPath, [...nodeArgs, FRAUDSTREAM_BIN, 'worker'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line, level: 'raw' });
        }
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolveExit) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The health port, once the worker logged it. */
  async healthPort(timeoutMs = 60_000): Promise<number> {
    const line = await this.waitForLog((l) => l.msg === 'health server listening', timeoutMs);
    return Number(line.port);
  }

  /** Waits until GET /readyz answers 200 (connected, assigned, model loaded). */
  async ready(timeoutMs = 90_000): Promise<void> {
    const port = await this.healthPort(timeoutMs);
    await waitFor(
      `${this.name} ready`,
      async () => {
        if (this.exit)
          throw new Error(
            `${this.name} exited (${JSON.stringify(this.exit)}) before ready: ${this.tail()}`,
          );
        try {
          const res = await fetch(`http://127.0.0.1:${port}/readyz`);
          return res.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      () => this.tail(),
    );
  }

  /** Waits for a log line matching `predicate`. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    return waitFor(
      `a log line of ${this.name}`,
      () => {
        const found = this.logs.find(predicate);
        if (found === undefined && this.exit)
          throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}): ${this.tail()}`);
        return found;
      },
      timeoutMs,
      () => this.tail(),
    );
  }

  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Makes sure the process is gone (cleanup); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** The last log lines and stderr, for failure messages. */
  tail(lines = 15): string {
    const logs = this.logs.slice(-lines).map((l) => JSON.stringify(l));
    return [...logs, ...this.stderr.slice(-5)].join('\n');
  }
}
