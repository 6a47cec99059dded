import { RunLedger } from './run-ledger';

function ledger(capacity: number): { l: RunLedger; latencies: [number, number][] } {
  const latencies: [number, number][] = [];
  const l = new RunLedger(capacity, (seq, ms) => latencies.push([seq, ms]));
  return { l, latencies };
}

describe('RunLedger', () => {
  it('matches a verdict that comes after the ack', () => {
    const { l, latencies } = ledger(3);
    l.acked(0, 3, 100);
    expect(l.verdict(1, 112.5, 'APPROVE')).toBe('first');
    expect(latencies).toEqual([[1, 12.5]]);
    expect(l.outstanding).toBe(2);
  });

  it('matches a verdict processed before its ack once the ack comes', () => {
    const { l, latencies } = ledger(2);
    expect(l.verdict(0, 99, 'DECLINE')).toBe('first');
    expect(latencies).toEqual([]);
    expect(l.verdictsBeforeAck).toBe(1);
    l.acked(0, 2, 100);
    expect(latencies).toEqual([[0, -1]]);
    expect(l.outstanding).toBe(1);
    expect(l.decisionOf(0)).toBe('DECLINE');
  });

  it('counts duplicates once per extra verdict and keeps the first decision', () => {
    const { l, latencies } = ledger(2);
    l.acked(0, 2, 0);
    l.verdict(0, 5, 'REVIEW');
    expect(l.verdict(0, 6, 'APPROVE')).toBe('duplicate');
    expect(l.verdict(0, 7, 'APPROVE')).toBe('duplicate');
    expect(l.duplicates).toBe(2);
    expect(l.decisionOf(0)).toBe('REVIEW');
    expect(latencies).toHaveLength(1);
    expect(l.duplicated(10)).toEqual({ count: 1, entries: [{ seq: 0, verdicts: 3 }] });
  });

  it('calls acked transactions without verdict or dead letter lost, and nothing else', () => {
    const { l } = ledger(6);
    l.acked(0, 4, 0);
    l.sendFailed(4, 5); // never acked: not lost, failed
    // seq 5 never sent: not lost either
    l.verdict(0, 1, 'APPROVE');
    expect(l.deadLetter(2)).toBe(true);
    expect(l.deadLetter(2)).toBe(false);
    expect(l.lost(10)).toEqual({ count: 2, seqs: [1, 3] });
    expect(l.lost(1)).toEqual({ count: 2, seqs: [1] });
    expect(l.failed).toBe(1);
    expect(l.outstanding).toBe(2);
  });

  it('ignores sequence numbers outside the run', () => {
    const { l } = ledger(2);
    expect(l.verdict(2, 1, 'APPROVE')).toBe('unknown');
    expect(l.verdict(-1, 1, 'APPROVE')).toBe('unknown');
    expect(l.deadLetter(7)).toBe(false);
    expect(l.withVerdict).toBe(0);
  });
});
