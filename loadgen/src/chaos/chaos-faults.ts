// What each fault kind does. A kind is a function from its planned step to the actions it took:
// the worker faults here, the stack faults (a Kafka node, Redis) in stack-faults.ts, the others
// in a file each (poison-fault.ts, bad-model-fault.ts), all with the same window bookkeeping.
import type { FaultKind } from './chaos-options';
import type { FaultAction, FaultWindow } from './chaos-figures';
import type { FaultContext, FaultRunner } from './fault-context';
import { badModelFault } from './bad-model-fault';
import { poisonFault } from './poison-fault';
import { redisFailover } from './redis-failover';
import { STACK_FAULT_RUNNERS } from './stack-faults';
import type { WorkerSlots } from './worker-slots';

export type { FaultContext, FaultRunner } from './fault-context';

async function startReplacement(
  ctx: FaultContext,
  slot: number,
  actions: FaultAction[],
): Promise<void> {
  const w = await ctx.slots.start(slot);
  // The join of the new member is what rebalances (or, with static membership, does not).
  actions.push({ atMs: ctx.now(), action: 'start', target: 'worker', slot, pid: w.pid });
  await ctx.slots.ready(w);
  ctx.log(`worker slot ${slot} ready again (pid ${w.pid})`);
}

/** The slot of a worker fault's step. */
function slotOf(ctx: FaultContext): number {
  const { slot } = ctx.step;
  if (slot === undefined) throw new RangeError(`fault ${ctx.step.name} has no worker slot`);
  return slot;
}

function current(ctx: FaultContext, slot: number): NonNullable<ReturnType<WorkerSlots['worker']>> {
  const w = ctx.slots.worker(slot);
  if (w === undefined) throw new RangeError(`worker slot ${slot} has no worker`);
  return w;
}

/** The runner of each fault kind. */
export const FAULT_RUNNERS: Readonly<Record<FaultKind, FaultRunner>> = {
  // SIGKILL, no replacement until the window ends: the group notices only at its session timeout.
  kill: async (ctx, actions) => {
    const slot = slotOf(ctx);
    const victim = current(ctx, slot);
    actions.push(ctx.slots.signal(slot, 'SIGKILL'));
    await ctx.slots.retire(victim);
    await ctx.wait(ctx.step.holdMs);
    if (ctx.step.replaceAtEnd) await startReplacement(ctx, slot, actions);
  },
  // SIGKILL and a replacement at once, with the slot's instance id: with static membership the
  // replacement takes the dead member's place (and partitions) without a rebalance.
  'kill-restart': async (ctx, actions) => {
    const slot = slotOf(ctx);
    const victim = current(ctx, slot);
    actions.push(ctx.slots.signal(slot, 'SIGKILL'));
    await Promise.all([ctx.slots.retire(victim), startReplacement(ctx, slot, actions)]);
    await ctx.wait(ctx.step.holdMs);
  },
  // Every worker in turn: replacement first, ready, then SIGTERM to the old one and its exit.
  rolling: async (ctx, actions) => {
    for (let slot = 0; slot < ctx.workers && !ctx.aborted(); slot += 1) {
      const old = current(ctx, slot);
      await startReplacement(ctx, slot, actions);
      actions.push({ atMs: ctx.now(), action: 'SIGTERM', target: 'worker', slot, pid: old.pid });
      ctx.log(`SIGTERM worker slot ${slot} (pid ${old.pid})`);
      await ctx.slots.retire(old);
    }
    await ctx.wait(ctx.step.holdMs);
  },
  // SIGSTOP past the session timeout, then SIGCONT: the group has moved on, the worker has not
  // heard yet (a zombie that may still write what it had in hand).
  stop: async (ctx, actions) => {
    const slot = slotOf(ctx);
    actions.push(ctx.slots.signal(slot, 'SIGSTOP'));
    try {
      await ctx.wait(ctx.step.holdMs);
    } finally {
      actions.push(ctx.slots.signal(slot, 'SIGCONT'));
    }
    await ctx.wait(ctx.step.afterMs);
  },
  ...STACK_FAULT_RUNNERS,
  poison: poisonFault,
  'bad-model': badModelFault,
  'redis-failover': redisFailover,
};

/** Runs one fault and returns its window on the run clock. */
export async function runFault(ctx: FaultContext): Promise<FaultWindow> {
  const startMs = ctx.now();
  const actions: FaultAction[] = [];
  const observed: Record<string, number> = {};
  ctx.log(`fault ${ctx.step.name}`);
  const outcome = await FAULT_RUNNERS[ctx.step.kind](
    {
      ...ctx,
      observe: (name, value) => {
        observed[name] = value;
      },
    },
    actions,
  );
  return {
    ...(outcome === undefined ? {} : { note: outcome.note }),
    name: ctx.step.name,
    kind: ctx.step.kind,
    startMs: actions[0]?.atMs ?? startMs,
    endMs: ctx.now(),
    actions,
    ...(Object.keys(observed).length === 0 ? {} : { observed }),
  };
}
