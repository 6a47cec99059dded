// The worker fleet of a chaos run, as N slots: each slot runs one worker process at a time
// (two for a moment during a rolling restart), started through the benchmarks' launcher with the
// fleet's environment and a health port of its own, so that its /readyz can be asked directly.
// Faults are POSIX signals to the slot's process. Like an orchestrator, the slots start a worker
// again when it exits on its own (a worker stops on a fault it cannot recover from in-process,
// e.g. a static member fenced after a coordinator failover): the run measures the fleet as it
// would run in production, and counts those exits.
import { createServer } from 'node:net';
import { FleetNotReadyError } from '../errors';
import type { StartWorker, WorkerEnv, WorkerHandle } from '../bench/bench-types';
import type { FaultAction } from './chaos-figures';
import { setTimeout as sleep } from 'node:timers/promises';

/** One worker process of a slot. */
export interface SlotWorker {
  readonly slot: number;
  readonly pid: number;
  readonly healthPort: number;
  readonly handle: WorkerHandle;
}

/** A worker that exited without being asked to, and was started again. */
export interface UnexpectedExit {
  readonly slot: number;
  readonly pid: number;
  /** Run clock, ms (when the exit was noticed). */
  readonly atMs: number;
  readonly code: number | null;
  readonly signal: string | null;
}

/** How often the slots look for workers that exited on their own, ms. */
const SUPERVISE_INTERVAL_MS = 200;

/** How the slots start and watch their workers. */
export interface WorkerSlotsSpec {
  readonly start: StartWorker;
  /** The environment of the worker of `slot` (the same for its replacements). */
  readonly envOf: (slot: number) => WorkerEnv;
  readonly readyTimeoutMs: number;
  /** Run clock, ms. */
  readonly now: () => number;
  readonly log: (line: string) => void;
}

/** A free TCP port on the loopback interface (closed again at once, for the worker to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

/** The fleet's slots; every process it ever started is stopped by {@link stopAll}. */
export class WorkerSlots {
  private readonly current = new Map<number, SlotWorker>();
  private readonly started: SlotWorker[] = [];
  private readonly exited: UnexpectedExit[] = [];
  private supervisor: NodeJS.Timeout | undefined;
  private restarting = false;

  constructor(private readonly spec: WorkerSlotsSpec) {}

  /** The worker running in `slot`, if any. */
  worker(slot: number): SlotWorker | undefined {
    return this.current.get(slot);
  }

  /** Starts the worker of `slot` (replacing the slot's entry, not stopping its old process). */
  async start(slot: number): Promise<SlotWorker> {
    const base = this.spec.envOf(slot);
    const healthPort = await freePort();
    const env: WorkerEnv = {
      ...base,
      env: { ...base.env, FS_HEALTH_HOST: '127.0.0.1', FS_HEALTH_PORT: String(healthPort) },
    };
    const handle = await this.spec.start(env);
    if (handle.pid === undefined || handle.pid === process.pid) {
      await handle.stop();
      throw new TypeError(
        'bench chaos needs worker processes of their own (a launcher giving pids)',
      );
    }
    const w: SlotWorker = { slot, pid: handle.pid, healthPort, handle };
    this.started.push(w);
    this.current.set(slot, w);
    return w;
  }

  /** Resolves once `w` answers /readyz with 200 (connected, assigned, model loaded). */
  async ready(w: SlotWorker): Promise<void> {
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    for (;;) {
      const exit = w.handle.exitStatus?.();
      if (exit !== undefined) {
        throw new FleetNotReadyError(
          `worker slot ${w.slot} (pid ${w.pid} exited: code ${String(exit.code)}, signal ${String(exit.signal)})`,
          1,
          0,
          this.spec.readyTimeoutMs,
        );
      }
      const ok = await fetch(`http://127.0.0.1:${w.healthPort}/readyz`, {
        signal: AbortSignal.timeout(2000),
      })
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) return;
      if (Date.now() > deadline) {
        throw new FleetNotReadyError(
          `worker slot ${w.slot} (pid ${w.pid})`,
          1,
          0,
          this.spec.readyTimeoutMs,
        );
      }
      await sleep(200);
    }
  }

  /** Workers that exited on their own and were started again, in order. */
  get unexpectedExits(): readonly UnexpectedExit[] {
    return this.exited;
  }

  /**
   * From now on, a slot whose current worker exits on its own gets a new one at once (retired
   * and SIGKILLed workers are no longer current, so they are not restarted here).
   */
  supervise(): void {
    this.supervisor ??= setInterval(() => void this.restartExited(), SUPERVISE_INTERVAL_MS);
  }

  private async restartExited(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    try {
      for (const [slot, w] of [...this.current]) {
        const exit = w.handle.exitStatus?.();
        if (exit === undefined || this.current.get(slot) !== w) continue;
        this.current.delete(slot);
        this.exited.push({
          slot,
          pid: w.pid,
          atMs: this.spec.now(),
          code: exit.code,
          signal: exit.signal,
        });
        this.spec.log(
          `worker slot ${slot} (pid ${w.pid}) exited on its own (code ${String(exit.code)}, signal ${String(exit.signal)}); starting it again`,
        );
        const next = await this.start(slot);
        this.spec.log(`worker slot ${slot} started again (pid ${next.pid})`);
      }
    } catch (error) {
      // A slot that cannot be started again stays empty; the run's figures show the stall.
      this.spec.log(
        `could not start an exited worker again: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.restarting = false;
    }
  }

  /** Starts every slot and waits until all are ready. */
  async startAll(size: number): Promise<void> {
    const workers: SlotWorker[] = [];
    for (let slot = 0; slot < size; slot += 1) workers.push(await this.start(slot));
    await Promise.all(workers.map((w) => this.ready(w)));
  }

  /** Sends `signal` to the slot's current worker; the action, timed. */
  signal(slot: number, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): FaultAction {
    const w = this.current.get(slot);
    if (w === undefined) throw new RangeError(`worker slot ${slot} has no worker`);
    const atMs = this.spec.now();
    process.kill(w.pid, signal);
    if (signal === 'SIGKILL') this.current.delete(slot);
    this.spec.log(`${signal} worker slot ${slot} (pid ${w.pid})`);
    return { atMs, action: signal, target: 'worker', slot, pid: w.pid };
  }

  /** Waits for the exit of `w` (after a SIGKILL) or asks it to stop (SIGTERM) and waits. */
  async retire(w: SlotWorker): Promise<void> {
    await w.handle.stop();
  }

  /**
   * Stops every process ever started: stopped ones are continued first, or their SIGTERM would
   * wait out the launcher's whole grace period.
   */
  async stopAll(): Promise<void> {
    if (this.supervisor !== undefined) clearInterval(this.supervisor);
    this.supervisor = undefined;
    this.current.clear();
    for (const w of this.started) {
      if (w.handle.exitStatus?.() !== undefined) continue;
      try {
        process.kill(w.pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await Promise.all(this.started.map((w) => w.handle.stop().catch(() => undefined)));
  }
}
