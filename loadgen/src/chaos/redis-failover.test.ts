import { spawn, type ChildProcess } from 'node:child_process';
import { FaultNotRestoredError } from '../errors';
import { runFault, type FaultContext } from './chaos-faults';
import { compileChaosOptions } from './chaos-options';
import type { SentinelOps, StackOps, StackTools } from './fault-context';
import { planFaults } from './fault-schedule';
import { NO_SENTINEL_NOTE } from './redis-failover';
import type { WorkerSlots } from './worker-slots';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A stack of `sleep` processes in place of its Redis nodes; `up` starts the missing ones. */
class SleepStack implements StackOps {
  readonly procs = new Map<string, ChildProcess>();
  ups = 0;

  constructor(components: readonly string[]) {
    for (const c of components) this.start(c);
  }
  private start(c: string): void {
    const p = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(p);
    this.procs.set(c, p);
  }
  pid(component: string): number {
    const pid = this.running(component) ? this.procs.get(component)?.pid : undefined;
    if (pid === undefined) throw new Error(`${component} is not running`);
    return pid;
  }
  running(component: string): boolean {
    const p = this.procs.get(component);
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }
  up(): Promise<void> {
    this.ups += 1;
    for (const [c] of this.procs) if (!this.running(c)) this.start(c);
    return Promise.resolve();
  }
}

function context(tools: Partial<StackTools>, log: string[]): FaultContext {
  const o = compileChaosOptions({
    brokers: ['k:1'],
    startWorker: () => Promise.resolve({ stop: () => Promise.resolve() }),
    faults: ['redis-failover'],
  });
  const [step] = planFaults(o).steps;
  if (step === undefined) throw new Error('no step');
  let clock = 0;
  return {
    step: { ...step, holdMs: 10 },
    slots: {} as WorkerSlots,
    workers: 1,
    now: () => (clock += 10),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => log.push(line),
    aborted: () => false,
    stack: {
      stack: new SleepStack([]),
      redis: {} as StackTools['redis'],
      redisAt: () => ({}) as StackTools['redis'],
      restoreTimeoutMs: 300,
      pickKafkaNode: () => Promise.resolve(1),
      kafkaNodeAnswers: () => Promise.resolve(true),
      probeKey: 'fs:bench:test:probe',
      ...tools,
    },
  };
}

describe('redis-failover', () => {
  it('is a redis stack fault with its own window length', () => {
    const o = compileChaosOptions({
      brokers: ['k:1'],
      startWorker: () => Promise.resolve({ stop: () => Promise.resolve() }),
      faults: ['redis-failover'],
    });
    expect(planFaults(o).steps[0]).toMatchObject({ target: 'redis', holdMs: 20_000 });
  });

  it('without sentinels: skipped, nothing signalled, the window says why', async () => {
    const log: string[] = [];
    const stack = new SleepStack(['redis']);
    const w = await runFault(context({ stack }, log));
    expect(w.actions).toEqual([]);
    expect(w.note).toBe(NO_SENTINEL_NOTE);
    expect(stack.running('redis')).toBe(true);
    expect(log.some((l) => l.includes('skipped: no Redis Sentinel'))).toBe(true);
  });

  it('no promotion: the killed primary is started again and the run fails, naming the fault', async () => {
    const stack = new SleepStack(['redis', 'sentinel@replica']);
    const killed = stack.pid('redis');
    // Sentinels that go on naming the dead primary.
    const sentinels: SentinelOps = {
      setting: '127.0.0.1:1',
      primaryPort: () => Promise.resolve(16379),
      nodeOn: (port) => (port === 16379 ? { component: 'redis', port } : undefined),
    };
    const error = await runFault(context({ stack, sentinels }, [])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultNotRestoredError);
    expect((error as Error).message).toMatch(/1-redis-failover.*promoted no replica/);
    expect(stack.ups).toBe(1);
    expect(stack.running('redis')).toBe(true);
    expect(stack.pid('redis')).not.toBe(killed);
  });
});
