// A finished load run made without Kafka, by driving the real monitor with invented events:
// for tests of everything downstream of a run (reports, plots, figures, limits).
import { CaseDesk } from '../../case-management/case-desk';
import { buildLoadReport } from '../../load/build-report';
import { compileLoadOptions } from '../../load/load-options';
import type { LoadReport } from '../../load/load-report';
import { TransactionIds } from '../../load/transaction-feed';
import { describeMachine } from '../../measure/machine-info';
import { RunMonitor } from '../../load/run-monitor';

/** A finished 2-second run at 100 tx/s, driven through the real monitor: one lost, one duplicated, one dead letter. */
export function syntheticReport(): LoadReport {
  const o = compileLoadOptions(
    {
      brokers: ['k:9092'],
      profile: { kind: 'constant', tps: 100 },
      durationMs: 2000,
      runId: 'lg-test-',
    },
    () => 'x',
  );
  // The run clock's zero at epoch 1,000,000 ms: the verdicts' worker timestamps are epoch ms.
  const epoch = 1_000_000;
  const monitor = new RunMonitor({ ...o, totalCount: o.totalCount, epochOfClockMs: epoch });
  const ids = new TransactionIds(o.runId);
  const desk = new CaseDesk(o);
  monitor.start(0);
  for (let seq = 0; seq < 200; seq += 1) {
    monitor.ledger.setTruth(seq, seq % 20 === 0 ? 2 : 0);
    monitor.acked(seq, seq + 1, seq * 10, 1, 2);
    if (seq === 7) continue; // lost
    if (seq === 8) {
      monitor.deadLetter(seq, 'FS_INVALID_AMOUNT', 'amount_minor is negative');
      continue;
    }
    // Consumed 1 ms after the ack, decided 1 ms later, read the rest of the way.
    const worker = { receivedAtMs: epoch + seq * 10 + 1, scoredAtMs: epoch + seq * 10 + 2 };
    monitor.verdict(seq, seq % 40 === 0 ? 'DECLINE' : 'APPROVE', seq * 10 + 3 + (seq % 10), worker);
    if (seq % 20 === 0)
      monitor.sample(seq * 10 + 20, 100, seq, {
        machineBusy: 0.5,
        selfCores: 0.2,
        processCores: {},
      });
  }
  monitor.verdict(9, 'APPROVE', 2000);
  return buildLoadReport({
    options: o,
    machine: describeMachine(),
    startedAt: new Date(0),
    finishedAt: new Date(2500),
    monitor,
    ids,
    desk,
    labels: undefined,
    lag: undefined,
    stopReason: 'completed',
    sendingEndMs: 2000,
    maxDeficit: 0,
  });
}
