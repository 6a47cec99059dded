// The stack faults of `bench chaos`: a Kafka node killed and restarted, Redis stopped, killed
// and restarted, or squeezed out of memory. Each is a FaultRunner like the worker faults, with the
// same window bookkeeping; what differs is that the stack is shared with whatever runs after the
// benchmark, so every fault puts back what it broke, even when the run is stopped, and a fault
// whose damage could not be undone fails the run (FaultNotRestoredError) instead of ending it
// quietly with the stack half down.
import { FaultNotRestoredError, StackUnavailableError } from '../errors';
import type { FaultAction } from './chaos-figures';
import type { FaultContext, FaultRunner, RedisOps, StackOps, StackTools } from './fault-context';
import { kafkaNodeComponent } from './local-stack';
import type { RedisMemorySettings } from './redis-control';
import { setTimeout as sleep } from 'node:timers/promises';

export type { RedisOps, StackOps, StackTools } from './fault-context';

/** How long a killed process may take to be gone before `stack.sh up` is run anyway, ms. */
const GONE_TIMEOUT_MS = 10_000;

/** The stack tools of a stack fault (a TypeError when the run opened no stack). */
export function toolsOf(ctx: FaultContext): StackTools {
  if (ctx.stack === undefined) {
    throw new TypeError(`fault ${ctx.step.name} needs the local stack (runChaos opens it)`);
  }
  return ctx.stack;
}

/** Waits until `component` no longer runs (a SIGKILLed process can take a moment to be reaped). */
async function gone(stack: StackOps, component: string): Promise<void> {
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (stack.running(component) && Date.now() < deadline) await sleep(50);
}

/** Sends `signal` to a process of the stack and returns the action, logged. */
export function kill(
  ctx: FaultContext,
  pid: number,
  signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT',
  target: 'kafka' | 'redis',
  node?: number,
): FaultAction {
  const atMs = ctx.now();
  process.kill(pid, signal);
  ctx.log(`${signal} ${target}${node === undefined ? '' : ` node ${node}`} (pid ${pid})`);
  return { atMs, action: signal, target, ...(node === undefined ? {} : { node }), pid };
}

/**
 * The Redis a Redis fault hits: the primary the workers write to. Without sentinels that is the
 * stack's Redis; with them, whichever data node they name now (an earlier fault may have moved
 * the primary to the replica, and a fault on a replica would hit nothing the workers use).
 */
export async function redisPrimary(
  ctx: FaultContext,
): Promise<{ readonly component: string; readonly redis: RedisOps }> {
  const t = toolsOf(ctx);
  if (t.sentinels === undefined) return { component: 'redis', redis: t.redis };
  const port = await t.sentinels.primaryPort();
  const node = port === undefined ? undefined : t.sentinels.nodeOn(port);
  if (node === undefined) {
    throw new StackUnavailableError(
      `${ctx.step.name}: the sentinels (${t.sentinels.setting}) name no primary of the stack (answer: ${String(port)})`,
    );
  }
  return { component: node.component, redis: t.redisAt(node.port) };
}

/** Runs `stack.sh up` and checks `component` runs again; FaultNotRestoredError when not. */
export async function restart(ctx: FaultContext, component: string, what: string): Promise<number> {
  const t = toolsOf(ctx);
  await gone(t.stack, component);
  // `up` is tried again until the restore timeout: one attempt can fail on what a killed process
  // leaves for a moment (its port, the stack's lock), and a node left down breaks whatever runs
  // after the benchmark.
  const deadline = Date.now() + t.restoreTimeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    ctx.log(`restarting ${what}: stack.sh up${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    try {
      await t.stack.up(Math.max(1_000, deadline - Date.now()));
      return t.stack.pid(component);
    } catch (error) {
      if (Date.now() + RESTART_RETRY_MS >= deadline) {
        throw new FaultNotRestoredError(ctx.step.name, `${what} did not start again`, {
          cause: error,
        });
      }
      ctx.log(`${what} did not start: ${error instanceof Error ? error.message : String(error)}`);
      await sleep(RESTART_RETRY_MS);
    }
  }
}

/** Pause between two `stack.sh up` attempts of a restart, ms. */
const RESTART_RETRY_MS = 2_000;

/** Puts Redis's memory settings back (retrying until the restore timeout) and checks they are. */
async function restoreMemory(
  ctx: FaultContext,
  redis: RedisOps,
  saved: RedisMemorySettings,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      await redis.setMemorySettings(saved);
      const now = await redis.memorySettings();
      if (now.maxmemory === saved.maxmemory && now.maxmemoryPolicy === saved.maxmemoryPolicy) {
        return;
      }
      last = new Error(
        `CONFIG GET answers maxmemory ${now.maxmemory}, maxmemory-policy ${now.maxmemoryPolicy}`,
      );
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new FaultNotRestoredError(
        ctx.step.name,
        `Redis's maxmemory ${saved.maxmemory} and maxmemory-policy ${saved.maxmemoryPolicy} could not be put back`,
        { cause: last },
      );
    }
    await sleep(500);
  }
}

/** The runner of each stack fault kind. */
export const STACK_FAULT_RUNNERS = {
  // SIGKILL of one Kafka node (on a cluster, the leader of most of the run's input partitions),
  // then `stack.sh up` at once, which starts it again on its data; the window ends a hold after
  // the node is back in the cluster's metadata.
  'broker-kill': async (ctx, actions) => {
    const t = toolsOf(ctx);
    const node = await t.pickKafkaNode();
    const component = kafkaNodeComponent(node);
    actions.push(kill(ctx, t.stack.pid(component), 'SIGKILL', 'kafka', node));
    const pid = await restart(ctx, component, `Kafka node ${node}`);
    if (!(await t.kafkaNodeAnswers(node, t.restoreTimeoutMs))) {
      throw new FaultNotRestoredError(
        ctx.step.name,
        `Kafka node ${node} (pid ${pid}) runs but is not in the cluster's metadata after ${t.restoreTimeoutMs} ms`,
      );
    }
    // The node answers again: partitions still without verdicts now wait on the clients.
    actions.push({ atMs: ctx.now(), action: 'restarted', target: 'kafka', node, pid });
    ctx.log(`Kafka node ${node} answers again (pid ${pid})`);
    await ctx.wait(ctx.step.holdMs);
  },
  // SIGSTOP of Redis: connections stay open and every command hangs until SIGCONT.
  'redis-stop': async (ctx, actions) => {
    const t = toolsOf(ctx);
    const primary = await redisPrimary(ctx);
    const pid = t.stack.pid(primary.component);
    actions.push(kill(ctx, pid, 'SIGSTOP', 'redis'));
    try {
      await ctx.wait(ctx.step.holdMs);
    } finally {
      try {
        actions.push(kill(ctx, pid, 'SIGCONT', 'redis'));
      } catch (error) {
        // The finally must not lose the fault's own error, but a Redis left stopped is worse.
        throw new FaultNotRestoredError(ctx.step.name, `SIGCONT to Redis (pid ${pid}) failed`, {
          cause: error,
        });
      }
    }
    if (!(await primary.redis.waitUntilAnswers(t.restoreTimeoutMs))) {
      throw new FaultNotRestoredError(
        ctx.step.name,
        `Redis (pid ${pid}) does not answer PING ${t.restoreTimeoutMs} ms after SIGCONT`,
      );
    }
    await ctx.wait(ctx.step.afterMs);
  },
  // SIGKILL of Redis, then `stack.sh up` at once: it comes back from its append-only file (what
  // it had not yet written there, up to a second of writes, is gone).
  'redis-kill': async (ctx, actions) => {
    const t = toolsOf(ctx);
    const primary = await redisPrimary(ctx);
    actions.push(kill(ctx, t.stack.pid(primary.component), 'SIGKILL', 'redis'));
    const pid = await restart(
      ctx,
      primary.component,
      primary.component === 'redis' ? 'Redis' : `Redis (${primary.component})`,
    );
    if (!(await primary.redis.waitUntilAnswers(t.restoreTimeoutMs))) {
      throw new FaultNotRestoredError(
        ctx.step.name,
        `Redis (pid ${pid}) does not answer PING after its restart`,
      );
    }
    actions.push({ atMs: ctx.now(), action: 'restarted', target: 'redis', pid });
    ctx.log(`Redis answers again (pid ${pid})`);
    await ctx.wait(ctx.step.holdMs);
  },
  // Redis up and answering, but refusing every write with an OOM error: maxmemory squeezed below
  // the memory in use, with noeviction (nothing is evicted to make room). A real write must be
  // refused, or the fault did not happen. Then the previous settings are put back.
  'redis-oom': async (ctx, actions) => {
    const t = toolsOf(ctx);
    const { redis } = await redisPrimary(ctx);
    const saved = await redis.memorySettings();
    const used = await redis.usedMemory();
    // Set before the first CONFIG SET: one that failed half-way still gets the restore.
    let touched = false;
    try {
      // Half of what is in use; a write still accepted then (a tiny data set) meets 1 byte (0 is no limit).
      for (const limit of [Math.max(1, Math.floor(used / 2)), 1]) {
        const first = !touched;
        touched = true;
        await redis.setMemorySettings({
          maxmemory: String(limit),
          maxmemoryPolicy: 'noeviction',
        });
        if (first) actions.push({ atMs: ctx.now(), action: 'maxmemory-squeeze', target: 'redis' });
        const probe = await redis.probeWrite(t.probeKey);
        ctx.log(`Redis maxmemory ${limit} (used ${used} bytes): a write got ${probe.kind}`);
        if (probe.kind === 'oom') break;
        if (probe.kind === 'error' || limit === 1) {
          throw new StackUnavailableError(
            `redis-oom: a write with maxmemory ${limit} was not refused with OOM (${probe.kind === 'error' ? probe.message : 'accepted'})`,
          );
        }
      }
      await ctx.wait(ctx.step.holdMs);
    } catch (error) {
      // Said now: a failed restore below would take this error's place.
      if (touched) {
        ctx.log(
          `redis-oom failed (${error instanceof Error ? error.message : 'unknown error'}); restoring Redis's settings`,
        );
      }
      throw error;
    } finally {
      if (touched) {
        await restoreMemory(ctx, redis, saved, t.restoreTimeoutMs);
        actions.push({ atMs: ctx.now(), action: 'maxmemory-restore', target: 'redis' });
        ctx.log(
          `Redis maxmemory ${saved.maxmemory}, maxmemory-policy ${saved.maxmemoryPolicy} again`,
        );
      }
    }
    await ctx.wait(ctx.step.afterMs);
  },
} satisfies Record<string, FaultRunner>;
