import { spawn, type ChildProcess } from 'node:child_process';
import { FaultNotRestoredError, StackUnavailableError } from '../errors';
import type { FaultAction } from './chaos-figures';
import type { FaultContext } from './chaos-faults';
import { runFault } from './chaos-faults';
import { compileChaosOptions } from './chaos-options';
import type { FaultKind } from './chaos-options';
import { planFaults } from './fault-schedule';
import type { RedisMemorySettings, WriteProbe } from './redis-control';
import type { RedisOps, StackOps, StackTools } from './stack-faults';
import type { WorkerSlots } from './worker-slots';

/** A process to signal in place of Kafka or Redis. */
function victim(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function stepOf(kind: FaultKind): FaultContext['step'] {
  const o = compileChaosOptions({
    brokers: ['k:1'],
    startWorker: () => Promise.resolve({ stop: () => Promise.resolve() }),
    faults: [kind],
    durations: { redisStopMs: 50, redisStopAfterMs: 10, redisOomMs: 50, redisOomAfterMs: 10 },
  });
  const [step] = planFaults(o).steps;
  if (step === undefined) throw new Error('no step');
  return { ...step, holdMs: 20 };
}

/** A Redis whose memory settings are kept here; `oomBelow` decides whether a write is refused. */
class FakeRedis implements RedisOps {
  settings: RedisMemorySettings = { maxmemory: '0', maxmemoryPolicy: 'noeviction' };
  sets: RedisMemorySettings[] = [];
  failSets = false;
  answersAgain = true;

  constructor(
    private readonly used: number,
    private readonly refuses: (maxmemory: number) => WriteProbe,
  ) {}

  waitUntilAnswers(): Promise<boolean> {
    return Promise.resolve(this.answersAgain);
  }
  memorySettings(): Promise<RedisMemorySettings> {
    return Promise.resolve(this.settings);
  }
  setMemorySettings(s: RedisMemorySettings): Promise<void> {
    if (this.failSets && this.sets.length > 0) return Promise.reject(new Error('timeout'));
    this.sets.push(s);
    this.settings = s;
    return Promise.resolve();
  }
  usedMemory(): Promise<number> {
    return Promise.resolve(this.used);
  }
  probeWrite(): Promise<WriteProbe> {
    return Promise.resolve(this.refuses(Number(this.settings.maxmemory)));
  }
}

/** A stack whose components are `sleep` processes; `up` starts a new one for what is missing. */
class FakeStack implements StackOps {
  readonly procs = new Map<string, ChildProcess>();
  ups = 0;
  upFails = false;

  constructor(components: readonly string[]) {
    for (const c of components) this.start(c);
  }
  private start(c: string): void {
    const p = victim();
    children.push(p);
    this.procs.set(c, p);
  }
  pid(component: string): number {
    const p = this.procs.get(component);
    if (p?.pid === undefined || p.exitCode !== null || p.signalCode !== null) {
      throw new StackUnavailableError(`${component} is not running`);
    }
    return p.pid;
  }
  running(component: string): boolean {
    const p = this.procs.get(component);
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }
  up(): Promise<void> {
    this.ups += 1;
    if (this.upFails) return Promise.reject(new Error('stack.sh up: exit 1'));
    for (const [c] of this.procs) if (!this.running(c)) this.start(c);
    return Promise.resolve();
  }
}

function context(kind: FaultKind, tools: Partial<StackTools>, log: string[] = []): FaultContext {
  let clock = 0;
  return {
    step: stepOf(kind),
    slots: {} as WorkerSlots,
    workers: 1,
    now: () => (clock += 10),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => log.push(line),
    aborted: () => false,
    stack: {
      stack: new FakeStack([]),
      redis: new FakeRedis(1000, () => ({ kind: 'ok' })),
      redisAt: () => {
        throw new Error('no sentinel in this context: the fault must use the stack Redis');
      },
      restoreTimeoutMs: 200,
      pickKafkaNode: () => Promise.resolve(1),
      kafkaNodeAnswers: () => Promise.resolve(true),
      probeKey: 'fs:bench:test:oom-probe',
      ...tools,
    },
  };
}

const actionsOf = (actions: readonly FaultAction[]): string[] =>
  actions.map((a) => `${a.target}:${a.action}`);

describe('redis-oom', () => {
  it('squeezes maxmemory below the memory in use, checks a write is refused, and restores', async () => {
    const redis = new FakeRedis(10_000, (max) => (max < 10_000 ? { kind: 'oom' } : { kind: 'ok' }));
    redis.settings = { maxmemory: '123456', maxmemoryPolicy: 'allkeys-lru' };
    const w = await runFault(context('redis-oom', { redis }));
    expect(redis.sets).toEqual([
      { maxmemory: '5000', maxmemoryPolicy: 'noeviction' },
      { maxmemory: '123456', maxmemoryPolicy: 'allkeys-lru' },
    ]);
    expect(actionsOf(w.actions)).toEqual(['redis:maxmemory-squeeze', 'redis:maxmemory-restore']);
    expect(w.kind).toBe('redis-oom');
  });

  it('squeezes to 1 byte when half of a tiny use still takes writes', async () => {
    const redis = new FakeRedis(10, (max) => (max <= 1 ? { kind: 'oom' } : { kind: 'ok' }));
    await runFault(context('redis-oom', { redis }));
    expect(redis.sets.map((s) => s.maxmemory)).toEqual(['5', '1', '0']);
  });

  it('restores and refuses when no write is ever refused', async () => {
    const redis = new FakeRedis(10, () => ({ kind: 'ok' }));
    await expect(runFault(context('redis-oom', { redis }))).rejects.toThrow(StackUnavailableError);
    expect(redis.settings).toEqual({ maxmemory: '0', maxmemoryPolicy: 'noeviction' });
  });

  it('fails loudly when the settings cannot be put back', async () => {
    const redis = new FakeRedis(10_000, () => ({ kind: 'oom' }));
    redis.failSets = true;
    const error = await runFault(context('redis-oom', { redis })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultNotRestoredError);
    expect((error as FaultNotRestoredError).retriable).toBe(false);
    expect(String(error)).toMatch(/1-redis-oom could not be restored: Redis's maxmemory 0/);
  });
});

describe('redis-stop', () => {
  it('stops Redis, continues it, and waits until it answers', async () => {
    const stack = new FakeStack(['redis']);
    const w = await runFault(context('redis-stop', { stack }));
    expect(actionsOf(w.actions)).toEqual(['redis:SIGSTOP', 'redis:SIGCONT']);
    expect(w.actions[0]?.pid).toBe(stack.pid('redis'));
  });

  it('fails loudly when Redis does not answer after SIGCONT', async () => {
    const stack = new FakeStack(['redis']);
    const redis = new FakeRedis(0, () => ({ kind: 'ok' }));
    redis.answersAgain = false;
    await expect(runFault(context('redis-stop', { stack, redis }))).rejects.toThrow(
      /1-redis-stop could not be restored: Redis .* does not answer PING/,
    );
  });
});

describe('Redis faults with sentinels', () => {
  // An earlier fault moved the primary to the replica: the faults must hit it, not the node
  // that is now a replica.
  const sentinels = {
    setting: '127.0.0.1:26381',
    primaryPort: () => Promise.resolve(6380),
    nodeOn: (port: number) => (port === 6380 ? { component: 'sentinel@replica', port } : undefined),
  };

  it('kill the primary the sentinels name, and restart that node', async () => {
    const stack = new FakeStack(['redis', 'sentinel@replica']);
    const before = stack.pid('sentinel@replica');
    const ports: number[] = [];
    const primary = new FakeRedis(1000, () => ({ kind: 'ok' }));
    const w = await runFault(
      context('redis-kill', {
        stack,
        sentinels,
        redisAt: (port) => {
          ports.push(port);
          return primary;
        },
      }),
    );
    expect(w.actions[0]?.pid).toBe(before);
    expect(stack.pid('sentinel@replica')).not.toBe(before);
    expect(ports).toEqual([6380]);
  });

  it('squeeze the memory of the primary the sentinels name', async () => {
    const primary = new FakeRedis(10_000, (max) =>
      max < 10_000 ? { kind: 'oom' } : { kind: 'ok' },
    );
    const stackRedis = new FakeRedis(10_000, () => ({ kind: 'ok' }));
    await runFault(context('redis-oom', { sentinels, redis: stackRedis, redisAt: () => primary }));
    expect(primary.sets.map((s) => s.maxmemory)).toEqual(['5000', '0']);
    expect(stackRedis.sets).toEqual([]);
  });
});

describe('redis-kill and broker-kill', () => {
  it('kills Redis and brings it back with stack.sh up', async () => {
    const stack = new FakeStack(['redis']);
    const before = stack.pid('redis');
    const w = await runFault(context('redis-kill', { stack }));
    expect(stack.ups).toBe(1);
    expect(actionsOf(w.actions)).toEqual(['redis:SIGKILL', 'redis:restarted']);
    expect(w.actions[0]?.pid).toBe(before);
    expect(w.actions[1]?.pid).toBe(stack.pid('redis'));
    expect(stack.pid('redis')).not.toBe(before);
  });

  it('kills the node picked, restarts it, and waits until the cluster lists it', async () => {
    const stack = new FakeStack(['kafka', 'kafka@2', 'kafka@3']);
    const answered: number[] = [];
    const w = await runFault(
      context('broker-kill', {
        stack,
        pickKafkaNode: () => Promise.resolve(2),
        kafkaNodeAnswers: (node) => {
          answered.push(node);
          return Promise.resolve(true);
        },
      }),
    );
    expect(actionsOf(w.actions)).toEqual(['kafka:SIGKILL', 'kafka:restarted']);
    expect(w.actions.map((a) => a.node)).toEqual([2, 2]);
    expect(answered).toEqual([2]);
    expect(stack.running('kafka')).toBe(true);
  });

  it('fails loudly when stack.sh up fails', async () => {
    const stack = new FakeStack(['redis']);
    stack.upFails = true;
    await expect(runFault(context('redis-kill', { stack }))).rejects.toThrow(
      /1-redis-kill could not be restored: Redis did not start again \(stack.sh up: exit 1\)/,
    );
  });
});
