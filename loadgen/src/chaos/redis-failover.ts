// The redis-failover fault of `bench chaos`: SIGKILL of the Redis primary while the local stack's
// sentinels (deploy/local/components/sentinel.sh: a replica and three sentinels) watch it. The
// sentinels promote the replica; `stack.sh up` starts the dead node again, and it rejoins as a
// replica of the new primary. Without sentinels there is nothing to fail over to: the fault is
// skipped, and the report says so. The workers of a run find the primary through the same
// sentinels (FS_REDIS_SENTINELS), so they follow the promotion.
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultNotRestoredError } from '../errors';
import { readStackPidFile, stackPid, type StackLocationEnv } from '../load/stack-processes';
import type { FaultRunner } from './fault-context';
import { RedisControl } from './redis-control';
import { kill, restart, toolsOf } from './stack-faults';

/** The stack's sentinels (their pid files: run/sentinel@1.pid ...). */
const SENTINEL_COMPONENTS = ['sentinel@1', 'sentinel@2', 'sentinel@3'];
/** The stack's two data nodes: its Redis and the sentinel component's replica. */
const DATA_NODE_COMPONENTS = ['redis', 'sentinel@replica'];

/** A running data node of the stack. */
interface DataNode {
  readonly component: string;
  readonly port: number;
}

function portOfAddr(addr: string | undefined): number | undefined {
  const m = /:(\d+)$/.exec(addr ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The local stack's sentinels, as the chaos run and its workers use them. */
export class StackSentinels {
  private constructor(
    private readonly env: StackLocationEnv,
    /** host:port of each running sentinel. */
    readonly addresses: readonly string[],
    /** The master they watch (FS_REDIS_SENTINEL_MASTER). */
    readonly master: string,
  ) {}

  /** The sentinels of the stack in `env` when any runs, else undefined. */
  static find(env: StackLocationEnv): StackSentinels | undefined {
    const addresses = SENTINEL_COMPONENTS.filter((c) => stackPid(env, c) !== undefined)
      .map((c) => readStackPidFile(env, c)?.fields.addr)
      .filter((a): a is string => a !== undefined && a !== '');
    if (addresses.length === 0) return undefined;
    const master = env.FS_REDIS_SENTINEL_MASTER;
    return new StackSentinels(
      env,
      addresses,
      master === undefined || master === '' ? 'fraudstream' : master,
    );
  }

  /** FS_REDIS_SENTINELS for the workers. */
  get setting(): string {
    return this.addresses.join(',');
  }

  /** The primary's port as the first sentinel that answers names it; undefined when none does. */
  async primaryPort(): Promise<number | undefined> {
    for (const address of this.addresses) {
      const reply = await new RedisControl(`redis://${address}`)
        .with((r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.master))
        .catch(() => undefined);
      if (Array.isArray(reply) && reply.length === 2) return Number(reply[1]);
    }
    return undefined;
  }

  /** The data node of the stack listening on `port` (from its pid file's address). */
  nodeOn(port: number): DataNode | undefined {
    const component = DATA_NODE_COMPONENTS.find(
      (c) => portOfAddr(readStackPidFile(this.env, c)?.fields.addr) === port,
    );
    return component === undefined ? undefined : { component, port };
  }
}

/** Polls `check` every 200 ms until it is true (true) or `timeoutMs` has passed (false). */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

/** The ROLE of the Redis on 127.0.0.1:`port` (master, slave), or undefined when it does not answer. */
function roleOf(port: number): Promise<string | undefined> {
  return new RedisControl(`redis://127.0.0.1:${port}`)
    .with(async (r) => String((await r.role())[0]))
    .catch(() => undefined);
}

/** Why a run without sentinels skips the fault (said in the report's notes). */
export const NO_SENTINEL_NOTE =
  'skipped: no Redis Sentinel runs in the local stack (start it with: bash deploy/local/stack.sh up --with sentinel)';

/**
 * SIGKILL of the primary the sentinels name, the promotion awaited, the dead node started again
 * (`stack.sh up`) and awaited as a replica; then the hold. Skipped, with {@link NO_SENTINEL_NOTE},
 * when the stack runs no sentinel.
 */
export const redisFailover: FaultRunner = async (ctx, actions) => {
  const t = toolsOf(ctx);
  const sentinels = t.sentinels;
  if (sentinels === undefined) {
    ctx.log(`fault ${ctx.step.name} ${NO_SENTINEL_NOTE}`);
    return { note: NO_SENTINEL_NOTE };
  }
  const port = await sentinels.primaryPort();
  const old = port === undefined ? undefined : sentinels.nodeOn(port);
  if (port === undefined || old === undefined) {
    throw new FaultNotRestoredError(
      ctx.step.name,
      `the sentinels (${sentinels.setting}) name no primary of the stack (answer: ${String(port)})`,
    );
  }
  actions.push(kill(ctx, t.stack.pid(old.component), 'SIGKILL', 'redis'));
  const promoted = await until(async () => {
    const now = await sentinels.primaryPort();
    return now !== undefined && now !== old.port;
  }, t.restoreTimeoutMs);
  if (promoted) {
    actions.push({ atMs: ctx.now(), action: 'promoted', target: 'redis' });
    ctx.log(`the sentinels promoted the replica on port ${String(await sentinels.primaryPort())}`);
  }
  // Started again whether or not the promotion came: the stack must not stay a node short.
  const pid = await restart(ctx, old.component, `the old Redis primary (${old.component})`);
  if (!promoted) {
    throw new FaultNotRestoredError(
      ctx.step.name,
      `the sentinels promoted no replica within ${t.restoreTimeoutMs} ms of the primary's SIGKILL`,
    );
  }
  if (!(await until(async () => (await roleOf(old.port)) === 'slave', t.restoreTimeoutMs))) {
    throw new FaultNotRestoredError(
      ctx.step.name,
      `the old primary (pid ${pid}, port ${old.port}) did not rejoin as a replica within ${t.restoreTimeoutMs} ms`,
    );
  }
  actions.push({ atMs: ctx.now(), action: 'rejoined', target: 'redis', pid });
  ctx.log(`the old primary rejoined as a replica (pid ${pid})`);
  await ctx.wait(ctx.step.holdMs);
  return undefined;
};
