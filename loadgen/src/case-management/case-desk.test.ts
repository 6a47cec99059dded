import type { FraudCase } from './case-desk';
import { CaseDesk } from './case-desk';

const fraud = (seq: number): FraudCase => ({
  seq,
  transactionId: `t-${seq}`,
  customerId: `c-${seq}`,
  terminalId: `k-${seq}`,
  eventTimeMs: 1000 + seq,
  scenario: 2,
});

describe('CaseDesk', () => {
  const desk = (): CaseDesk =>
    new CaseDesk({ flaggedLabelDelayMs: 100, chargebackDelayMs: 10_000 });

  it('labels a flagged fraud after the review delay and never again', () => {
    const d = desk();
    d.fraudSent(fraud(1), 0);
    d.verdict(1, 'DECLINE', 50);
    expect(d.takeDue(149)).toEqual([]);
    expect(d.takeDue(150)).toEqual([
      { fraud: fraud(1), source: 'ANALYST_REVIEW', labelledAtMs: 150 },
    ]);
    expect(d.takeDue(20_000)).toEqual([]); // the chargeback is dropped
    expect(d.sentBySource()).toEqual({ ANALYST_REVIEW: 1, CHARGEBACK: 0 });
    expect(d.pending).toBe(0);
  });

  it('sends a chargeback for a fraud that was approved, after the chargeback delay', () => {
    const d = desk();
    d.fraudSent(fraud(2), 500);
    d.verdict(2, 'APPROVE', 520);
    expect(d.takeDue(10_499)).toEqual([]);
    expect(d.pending).toBe(1);
    const due = d.takeDue(10_500);
    expect(due.map((l) => [l.fraud.seq, l.source, l.labelledAtMs])).toEqual([
      [2, 'CHARGEBACK', 10_500],
    ]);
  });

  it('labels a fraud whose flagged verdict comes after the chargeback only once', () => {
    const d = desk();
    d.fraudSent(fraud(3), 0);
    expect(d.takeDue(10_000).map((l) => l.source)).toEqual(['CHARGEBACK']);
    d.verdict(3, 'REVIEW', 11_000);
    expect(d.takeDue(99_999)).toEqual([]);
  });

  it('gives genuine transactions no label, even when flagged', () => {
    const d = desk();
    d.verdict(9, 'DECLINE', 0);
    expect(d.takeDue(1e9)).toEqual([]);
  });

  it('keeps due order within each route for many frauds', () => {
    const d = desk();
    for (let i = 0; i < 10_000; i += 1) d.fraudSent(fraud(i), i);
    expect(d.takeDue(10_000 + 4_999)).toHaveLength(5000);
    expect(d.takeDue(1e9).map((l) => l.fraud.seq)[0]).toBe(5000);
  });
});
