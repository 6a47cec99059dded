import type { LabelledTransaction } from '@fraudstream/simulator';
import { TerminalTraceBuilder } from './terminal-trace';

const DAY = 86_400_000;

function row(id: number, t: number, terminal: string, fraud: boolean): LabelledTransaction {
  return {
    tx: {
      transaction_id: String(id),
      event_time: t,
      customer_id: '0',
      terminal_id: terminal,
      amount: 10,
    },
    truth: { is_fraud: fraud, scenario: fraud ? 2 : 0 },
  };
}

describe('TerminalTraceBuilder', () => {
  it('reports the latest transaction and fraud at or before t − D, for kept rows only', () => {
    const b = new TerminalTraceBuilder(7 * DAY);
    b.push(row(0, 1 * DAY, 'a', true), false);
    b.push(row(1, 2 * DAY, 'a', false), false);
    b.push(row(2, 3 * DAY, 'b', false), false);
    b.push(row(3, 9 * DAY, 'a', false), true); // t − D = day 2: both of a's rows count
    b.push(row(4, 9 * DAY + 1, 'b', false), true); // t − D = day 2 + 1 ms: b's day-3 row is too young
    b.push(row(5, 10 * DAY, 'a', false), true); // t − D = day 3: nothing newer on a
    const t = b.result();
    expect(Array.from(t.terminal)).toEqual([0, 1, 0]);
    expect(Array.from(t.lastTxAtDelay)).toEqual([2 * DAY, -Infinity, 2 * DAY]);
    expect(Array.from(t.lastFraudAtDelay)).toEqual([1 * DAY, -Infinity, 1 * DAY]);
  });
});
