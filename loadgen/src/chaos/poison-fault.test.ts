import type { FaultAction } from './chaos-figures';
import { runFault, type FaultContext } from './chaos-faults';
import { compileChaosOptions } from './chaos-options';
import { planFaults } from './fault-schedule';
import type { PoisonRecord } from './poison-records';
import { POISON_REASONS } from './poison-records';
import type { WorkerSlots } from './worker-slots';

const VALID = Buffer.from([0, 0, 0, 0, 1, 2, 4, 6, 8]);

function context(inject: (r: readonly PoisonRecord[]) => Promise<void>): FaultContext {
  const o = compileChaosOptions({
    brokers: ['k:1'],
    startWorker: () => Promise.resolve({ stop: () => Promise.resolve() }),
    faults: ['poison'],
  });
  const [step] = planFaults(o).steps;
  if (step === undefined) throw new Error('no step');
  let clock = 0;
  return {
    step: { ...step, holdMs: 20 },
    slots: {} as WorkerSlots,
    workers: 1,
    now: () => (clock += 1),
    wait: () => Promise.resolve(),
    log: () => undefined,
    aborted: () => false,
    input: {
      poisonInput: (tag) => ({
        validRecord: VALID,
        maxRecordBytes: 2048,
        partitions: 4,
        keyPrefix: tag,
      }),
      inject,
    },
  };
}

describe('poison fault', () => {
  it('injects one record of every kind and dates the window from the injection', async () => {
    const sent: PoisonRecord[] = [];
    const w = await runFault(
      context((r) => {
        sent.push(...r);
        return Promise.resolve();
      }),
    );
    expect(sent.map((r) => [r.spec.kind, r.spec.expectedReason])).toEqual(
      Object.entries(POISON_REASONS),
    );
    expect(sent.every((r) => String(r.message.key).startsWith('1-poison-'))).toBe(true);
    expect(w.kind).toBe('poison');
    expect(w.actions.map((a: FaultAction) => [a.action, a.target])).toEqual([
      ['inject-poison', 'input'],
    ]);
    expect(w.startMs).toBe(w.actions[0]?.atMs);
  });

  it('fails the fault when the records cannot be sent', async () => {
    await expect(runFault(context(() => Promise.reject(new Error('broker away'))))).rejects.toThrow(
      'broker away',
    );
  });
});
