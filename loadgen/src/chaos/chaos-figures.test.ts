import { ChaosLedger } from './chaos-ledger';
import type { FaultWindow } from './chaos-figures';
import { partitionStall, percentile, reduceChaos, windowOf } from './chaos-figures';

/** A ledger of `n` transactions, one every 10 ms over `partitions` partitions, each settled `latency(seq)` later. */
function ledger(
  n: number,
  partitions: number,
  latency: (seq: number, partition: number) => number | undefined,
): ChaosLedger {
  const l = new ChaosLedger();
  for (let seq = 0; seq < n; seq += 1) {
    const p = seq % partitions;
    const at = seq * 10;
    l.sent(seq, p, at);
    const ms = latency(seq, p);
    if (ms !== undefined) l.verdict(seq, 'APPROVE', at + ms);
  }
  return l;
}

const WINDOW: FaultWindow = {
  name: '1-kill',
  kind: 'kill',
  startMs: 1000,
  endMs: 5000,
  actions: [{ atMs: 1000, action: 'SIGKILL', target: 'worker', slot: 0 }],
};

describe('partitionStall', () => {
  it('measures from the action to the first verdict after it', () => {
    const l = ledger(10, 1, (seq) => (seq === 3 ? 2000 : 5));
    // seq 3 (sent at 30) is waiting at t = 31; seq 4 settles at 45.
    expect(partitionStall(l.entries, 31, 10_000)).toEqual({ ms: 14, censored: false });
  });

  it('counts idle time without records as no stall', () => {
    const l = new ChaosLedger();
    l.sent(0, 0, 0);
    l.verdict(0, 'APPROVE', 5);
    l.sent(1, 0, 3000);
    l.verdict(1, 'APPROVE', 3010);
    expect(partitionStall(l.entries, 1000, 10_000)).toEqual({ ms: 10, censored: false });
  });

  it('runs to the horizon when the partition never sees a verdict again', () => {
    const l = ledger(10, 1, (seq) => (seq < 5 ? 5 : undefined));
    // seq 4 settled at 45; seq 5 (sent at 50) never is.
    expect(partitionStall(l.entries, 46, 1000)).toEqual({ ms: 950, censored: true });
  });
});

describe('reduceChaos', () => {
  it('finds the stalled partitions of a fault and the longest stall', () => {
    // Partition 0 gets nothing from 1000 ms until 3500 ms (its backlog is then served at once);
    // partition 1 is unaffected.
    const l = ledger(800, 2, (seq, p) => {
      const at = seq * 10;
      if (p === 0 && at >= 900 && at < 3500) return 3500 - at;
      return 5;
    });
    const f = reduceChaos(l.entries, [WINDOW], { horizonMs: 9000 });
    const [w] = f.faults;
    expect(w?.stalled_partitions).toBe(1);
    // From the action (1000) to partition 0's first verdict after it (3500): its record sent at
    // 980 was already waiting.
    expect(w?.stall_s).toBe(2.5);
    expect(w?.stall_censored).toBe(false);
    // The window's transactions: those sent during it, and partition 0's five sent just before
    // (900..980 ms) that it found in flight.
    expect(w?.sent).toBe(405);
    // Partition 0's records sent before 3400 ms waited more than 100 ms (125 of them, 900..3380
    // ms), those before 2500 ms more than 1 s (80).
    expect(w?.over_100ms).toBe(125);
    expect(w?.over_1s).toBe(80);
    expect(w?.lost).toBe(0);
    expect(w?.within_100ms_share).toBeCloseTo(280 / 405);
    expect(f.within_100ms_share_outside_faults).toBe(1);
    expect(f.within_100ms_share).toBeCloseTo(675 / 800);
    expect(f.every_transaction_once).toBe(true);
  });

  it('reports no stall when every partition keeps flowing', () => {
    const l = ledger(800, 4, () => 20);
    const f = reduceChaos(l.entries, [WINDOW], { horizonMs: 9000 });
    expect(f.faults[0]?.stall_s).toBe(0);
    expect(f.faults[0]?.stalled_partitions).toBe(0);
    expect(f.within_100ms_share).toBe(1);
  });

  it('counts lost transactions, duplicates and whether the duplicates agree', () => {
    const l = ledger(600, 3, (seq) => (seq === 150 ? undefined : 5));
    l.verdict(120, 'APPROVE', 3000); // the same decision again (a redelivery)
    l.verdict(130, 'DECLINE', 3000); // a different decision: not identical
    l.deadLetter(140, 'DESERIALIZATION', 1500);
    l.deadLetter(-1, 'DESERIALIZATION', 1500); // someone else's
    const f = reduceChaos(l.entries, [WINDOW], { horizonMs: 9000 });
    expect(f.lost).toBe(1);
    expect(f.lost_transactions.map((t) => t.seq)).toEqual([150]);
    expect(f.faults[0]?.lost).toBe(1);
    expect(f.duplicates).toBe(3);
    expect(f.duplicates_identical).toBe(false);
    expect(f.dead_letters).toBe(1);
    expect(f.dead_letters_by_reason).toEqual({ DESERIALIZATION: 1 });
    expect(f.faults[0]?.dead_letters_by_reason).toEqual({ DESERIALIZATION: 1 });
    expect(f.every_transaction_once).toBe(false);
    expect(l.unmatched).toBe(1);
  });

  it('counts a second answer to a transaction loadgen sent twice (a resend) as no duplicate', () => {
    const l = ledger(10, 1, () => 5);
    l.resent(3, 5); // the batch of 3 and 4 went out again: both may be on the input twice
    l.verdict(3, 'APPROVE', 200);
    l.verdict(4, 'APPROVE', 200);
    l.verdict(4, 'APPROVE', 300); // a third answer to two copies: one too many
    const f = reduceChaos(l.entries, [], { horizonMs: 1000 });
    expect(f.duplicates).toBe(1);
    expect(l.entries.map((e) => e.copies)).toEqual([1, 1, 1, 2, 2, 1, 1, 1, 1, 1]);
  });

  it('tells identical duplicates apart from differing ones', () => {
    const l = ledger(10, 1, () => 5);
    l.verdict(3, 'APPROVE', 200);
    const f = reduceChaos(l.entries, [], { horizonMs: 1000 });
    expect(f.duplicates).toBe(1);
    expect(f.duplicates_identical).toBe(true);
    expect(f.within_100ms_share_in_faults).toBeNull();
  });

  it('closes a window only once no transaction waits longer than the budget', () => {
    // One partition, a record every 10 ms. Nothing is served from 1000 ms to 6000 ms (after the
    // fault's steps ended at 5000 ms); the backlog then drains at 2 ms a record: record k gets
    // its verdict at 5800 + 2k ms, more than 100 ms after it was sent up to k = 712 (sent at
    // 7120, served at 7224 ms). The window closes there.
    const l = ledger(1000, 1, (seq) => {
      const at = seq * 10;
      if (at < 1000) return 5;
      const served = 5800 + seq * 2;
      return served > at ? served - at : 5;
    });
    const f = reduceChaos(l.entries, [WINDOW], { horizonMs: 20_000 });
    const [w] = f.faults;
    expect(w?.length_s).toBe(4);
    expect(w?.recovery_s).toBe(2.224);
    // Sent before 7224 ms: 723 records, all but the first 100 in the window; those sent from
    // 5000 ms on waited behind the backlog and count against the fault, not the quiet time.
    expect(w?.sent).toBe(623);
    expect(f.within_100ms_share_outside_faults).toBe(1);
  });

  it('never runs a recovery into the next fault', () => {
    const l = ledger(1000, 1, (seq) => (seq * 10 < 5000 ? 9000 - seq * 10 : 5));
    const next: FaultWindow = {
      ...WINDOW,
      name: '2-kill',
      startMs: 7000,
      endMs: 8000,
      actions: [],
    };
    const f = reduceChaos(l.entries, [WINDOW, next], { horizonMs: 20_000 });
    expect(f.faults[0]?.recovery_s).toBe(2);
  });

  it('dates windows from the start of sending', () => {
    const l = ledger(10, 1, () => 5);
    const f = reduceChaos(l.entries, [WINDOW], { horizonMs: 1000, sendStartMs: 500 });
    expect(f.faults[0]?.start_s).toBe(0.5);
    expect(f.faults[0]?.length_s).toBe(4);
  });
});

describe('reduceChaos: poison records and model versions', () => {
  const POISON_WINDOW: FaultWindow = {
    name: '2-poison',
    kind: 'poison',
    startMs: 1000,
    endMs: 3000,
    actions: [{ atMs: 1000, action: 'inject-poison', target: 'input' }],
  };
  const spec = (kind: string, expectedReason: string, partition: number) => ({
    kind,
    expectedReason,
    partition,
    keySha256: `sha-${kind}`,
    sizeBytes: 10,
  });

  it('counts poison apart from transactions, by reason, and flags each one not dead-lettered as expected', () => {
    const l = ledger(100, 2, () => 5);
    l.poisonSent(spec('magic', 'FS_DECODE_MAGIC_BYTE', 0), 1000);
    l.poisonSent(spec('big', 'FS_RECORD_TOO_LARGE', 1), 1000);
    l.poisonSent(spec('empty', 'FS_DECODE_TOO_SHORT', 0), 1000);
    l.poisonSent(spec('twice', 'FS_DECODE_BODY', 1), 1000);
    l.poisonSent(spec('wrong', 'FS_DECODE_BODY', 0), 1000);
    l.poisonSent(spec('moved', 'FS_DECODE_BODY', 0), 1000);
    expect(l.poisonDeadLetter('sha-magic', 'FS_DECODE_MAGIC_BYTE', 0, 1010)).toBe(true);
    expect(l.poisonDeadLetter('sha-big', 'FS_RECORD_TOO_LARGE', 1, 1020)).toBe(true);
    // 'empty' never gets one: lost poison.
    l.poisonDeadLetter('sha-twice', 'FS_DECODE_BODY', 1, 1010);
    l.poisonDeadLetter('sha-twice', 'FS_DECODE_BODY', 1, 1500);
    l.poisonDeadLetter('sha-wrong', 'FS_INTERNAL', 0, 1010);
    l.poisonDeadLetter('sha-moved', 'FS_DECODE_BODY', 1, 1010);
    expect(l.poisonDeadLetter('sha-unknown', 'FS_DECODE_BODY', 0, 1010)).toBe(false);
    l.deadLetter(50, 'FS_INVALID_AMOUNT', 600);
    const f = reduceChaos(l.entries, [POISON_WINDOW], { horizonMs: 9000, poison: l.poison });
    // The transactions: none lost, the poison records not among them.
    expect(f.sent).toBe(100);
    expect(f.lost).toBe(0);
    expect(f.valid_dead_letters).toBe(1);
    expect(f.dead_letters).toBe(7);
    expect(f.dead_letters_by_reason).toEqual({
      FS_DECODE_MAGIC_BYTE: 1,
      FS_RECORD_TOO_LARGE: 1,
      FS_DECODE_BODY: 3,
      FS_INTERNAL: 1,
      FS_INVALID_AMOUNT: 1,
    });
    expect(f.poison).toMatchObject({ injected: 6, dead_lettered_as_expected: 2, lost: 1 });
    expect(f.poison.flagged.map((x) => [x.kind, x.got, x.wrong_partition])).toEqual([
      ['empty', [], false],
      ['twice', ['FS_DECODE_BODY', 'FS_DECODE_BODY'], false],
      ['wrong', ['FS_INTERNAL'], false],
      ['moved', ['FS_DECODE_BODY'], true],
    ]);
    const [w] = f.faults;
    // The valid dead letter (sent at 500) is outside the window; the poison is in it.
    expect(w?.valid_dead_letters).toBe(0);
    expect(w?.poison.injected).toBe(6);
    expect(w?.dead_letters).toBe(6);
    expect(w?.dead_letters_by_reason).not.toHaveProperty('FS_INVALID_AMOUNT');
    expect(w?.observed).toEqual({});
  });

  it('waits for poison records without a dead letter', () => {
    const l = new ChaosLedger();
    l.poisonSent(spec('a', 'FS_DECODE_BODY', 0), 0);
    expect(l.outstanding).toBe(1);
    l.poisonDeadLetter('sha-a', 'FS_DECODE_BODY', 0, 5);
    expect(l.outstanding).toBe(0);
    expect(() => l.poisonSent(spec('a', 'FS_DECODE_BODY', 0), 0)).toThrow(RangeError);
  });

  it('counts verdicts by model version, and those of another version than expected', () => {
    const l = new ChaosLedger();
    for (let seq = 0; seq < 6; seq += 1) {
      l.sent(seq, 0, 900 + seq * 100);
      l.verdict(seq, 'APPROVE', 905 + seq * 100, seq === 3 ? 'm-corrupt-1' : 'm');
    }
    const window = { ...WINDOW, endMs: 1200 };
    const f = reduceChaos(l.entries, [window], { horizonMs: 9000, expectedModelVersion: 'm' });
    expect(f.model_versions).toEqual({ m: 5, 'm-corrupt-1': 1 });
    expect(f.unexpected_model_verdicts).toBe(1);
    // seq 1 and 2 were handed over in the window; seq 3, the corrupt one's, after it.
    expect(f.faults[0]?.model_versions).toEqual({ m: 2 });
    expect(f.faults[0]?.unexpected_model_verdicts).toBe(0);
    const unexpecting = reduceChaos(l.entries, [window], { horizonMs: 9000 });
    expect(unexpecting.unexpected_model_verdicts).toBeNull();
  });
});

describe('windowOf', () => {
  const l = new ChaosLedger();
  l.sent(0, 0, 500); // settled before the fault, then redelivered during it
  l.verdict(0, 'APPROVE', 510);
  l.verdict(0, 'APPROVE', 2000);
  l.sent(1, 0, 600); // settled before the fault, never again
  l.verdict(1, 'APPROVE', 610);
  l.sent(2, 0, 900); // in flight when the fault began
  l.verdict(2, 'APPROVE', 1500);
  l.sent(3, 0, 800); // never settled: lost in the first window after its hand-off
  l.sent(4, 0, 6000); // after the window
  l.verdict(4, 'APPROVE', 6010);

  it('counts what a fault found in flight or redid against it', () => {
    expect(l.entries.map((e) => windowOf(e, [WINDOW]))).toEqual([0, -1, 0, 0, -1]);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeNull();
  });
});
