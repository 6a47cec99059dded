import type { FraudCase } from '../case-management/case-desk';
import { CaseDesk } from '../case-management/case-desk';
import { ReplayClock } from './replay-clock';

const DAY_MS = 86_400_000;
const origin = Date.parse('2018-05-01T00:00:00Z');

describe('ReplayClock', () => {
  it('at a speed, runs the source clock that many times faster from the window start', () => {
    const clock = new ReplayClock({ kind: 'speed', speed: 1440 }, origin, 1000);
    expect(clock.nowMs(1000)).toBe(origin);
    expect(clock.nowMs(61_000)).toBe(origin + DAY_MS); // a day a minute
    expect(clock.nowMs(500)).toBe(origin); // never before the start
    // A row 12 h in is due 30 s after the start.
    expect(clock.waitMs(origin + DAY_MS / 2, 1000)).toBe(30_000);
    expect(clock.waitMs(origin + DAY_MS / 2, 31_000)).toBe(0);
  });

  it('at a rate, releases rows on schedule and keeps the time of the last one sent', () => {
    const clock = new ReplayClock({ kind: 'rate', tps: 100 }, origin, 0);
    expect(clock.waitMs(origin + 5 * DAY_MS, 0)).toBe(0); // the first row is due at once
    clock.release(origin + 5 * DAY_MS);
    expect(clock.nowMs(1)).toBe(origin + 5 * DAY_MS);
    expect(clock.waitMs(origin + 6 * DAY_MS, 4)).toBe(6); // the second at 10 ms
    clock.release(origin + 6 * DAY_MS);
    expect(clock.nowMs(10)).toBe(origin + 6 * DAY_MS);
    expect(ReplayClock.ratio({ kind: 'rate', tps: 100 }, DAY_MS, 1000)).toBe(DAY_MS / 10_000);
    expect(ReplayClock.ratio({ kind: 'speed', speed: 60 }, DAY_MS, 1000)).toBe(60);
  });
});

describe('case management on the replayed clock', () => {
  const fraud = (seq: number, eventTimeMs: number): FraudCase => ({
    seq,
    transactionId: `bt-1-${seq}/f${seq}`,
    customerId: 'c',
    terminalId: 'k',
    eventTimeMs,
    scenario: 2,
  });

  it('labels a flagged fraud a flagged delay after its event, a missed one a chargeback delay after', () => {
    const desk = new CaseDesk({ flaggedLabelDelayMs: DAY_MS, chargebackDelayMs: 7 * DAY_MS });
    const a = fraud(1, origin);
    const b = fraud(2, origin + 3_600_000);
    const c = fraud(3, origin + 2 * 3_600_000);
    for (const f of [a, b, c]) desk.fraudSent(f, f.eventTimeMs);
    // Verdicts arrive out of event-time order (other partitions); each is keyed by its event.
    desk.verdict(3, 'REVIEW', c.eventTimeMs);
    desk.verdict(1, 'DECLINE', a.eventTimeMs);
    desk.verdict(2, 'APPROVE', b.eventTimeMs);
    expect(desk.takeDue(origin + DAY_MS - 1)).toEqual([]);
    expect(desk.takeDue(origin + DAY_MS).map((l) => l.fraud.seq)).toEqual([1]);
    expect(desk.takeDue(origin + DAY_MS + 2 * 3_600_000).map((l) => l.fraud.seq)).toEqual([3]);
    expect(desk.takeDue(origin + 7 * DAY_MS)).toEqual([]);
    const late = desk.takeDue(origin + 7 * DAY_MS + 3_600_000);
    expect(late.map((l) => [l.fraud.seq, l.source])).toEqual([[2, 'CHARGEBACK']]);
    expect(desk.pending).toBe(0);
  });
});
