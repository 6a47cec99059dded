// The poison fault: beside the steady load, one malformed transaction record of every kind
// (poison-records.ts) goes to the input topic, each recorded in the ledger with the reason it
// must be dead-lettered with. The window then watches the fleet: a poison record must cost one
// dead letter each and hold up nothing behind it on its partition.
import type { FaultRunner } from './fault-context';
import { poisonRecords } from './poison-records';

/** Sends the scripted poison records, then waits the window out. */
export const poisonFault: FaultRunner = async (ctx, actions) => {
  const input = ctx.input;
  if (input === undefined) {
    throw new TypeError(`fault ${ctx.step.name} needs the run's input (runChaos provides it)`);
  }
  const records = poisonRecords(input.poisonInput(`${ctx.step.name}-`));
  const atMs = ctx.now();
  await input.inject(records);
  actions.push({ atMs, action: 'inject-poison', target: 'input' });
  ctx.log(`sent ${records.length} poison records: ${records.map((r) => r.spec.kind).join(', ')}`);
  await ctx.wait(ctx.step.holdMs);
};
