// What happened to every transaction of a run, indexed by its sequence number: when Kafka
// acknowledged it, when its first verdict arrived, how many verdicts came, the decision, the
// ground truth and whether it was dead-lettered. Typed arrays keep a million transactions in
// about 20 MB, with no per-transaction object for the garbage collector to trace.

/** Decision of a verdict, or COPY for a passthrough worker's copy of the transaction. */
export type DecisionBand = 'APPROVE' | 'REVIEW' | 'DECLINE' | 'COPY';

/** Every band, in report order. */
export const DECISION_BANDS: readonly DecisionBand[] = ['APPROVE', 'REVIEW', 'DECLINE', 'COPY'];

/** Called when a transaction has both its ack and its first verdict: the end-to-end latency. */
export type LatencySink = (seq: number, latencyMs: number, ackAtMs: number) => void;

/** Outcome of registering a verdict. */
export type VerdictOutcome = 'first' | 'duplicate' | 'unknown';

const DEAD_LETTERED = 1;
const SEND_FAILED = 2;

/** Per-transaction bookkeeping of one run; times are one monotonic clock's milliseconds. */
export class RunLedger {
  private readonly ackAt: Float64Array;
  private readonly recvAt: Float64Array;
  private readonly verdictCount: Uint8Array;
  private readonly band: Int8Array;
  private readonly truthScenario: Int8Array;
  private readonly flags: Uint8Array;
  private ackedCount = 0;
  private failedCount = 0;
  private firstVerdicts = 0;
  private firstVerdictsOfAcked = 0;
  private duplicateCount = 0;
  private deadLetterCount = 0;
  private earlyVerdicts = 0;

  /** `capacity` is the most transactions the run can send; `onLatency` gets every match. */
  constructor(
    readonly capacity: number,
    private readonly onLatency: LatencySink,
  ) {
    this.ackAt = new Float64Array(capacity).fill(Number.NaN);
    this.recvAt = new Float64Array(capacity).fill(Number.NaN);
    this.verdictCount = new Uint8Array(capacity);
    this.band = new Int8Array(capacity).fill(-1);
    this.truthScenario = new Int8Array(capacity).fill(-1);
    this.flags = new Uint8Array(capacity);
  }

  /** Records the simulator's fraud scenario of a transaction (0 = genuine). */
  setTruth(seq: number, scenario: number): void {
    this.truthScenario[seq] = scenario;
  }

  /** Fraud scenario of a transaction (0 genuine), or -1 if unknown. */
  truth(seq: number): number {
    return this.truthScenario[seq] ?? -1;
  }

  /**
   * Kafka acknowledged transactions `[fromSeq, toSeq)` at `atMs` (one send, one ack). Verdicts
   * that arrived before the ack was processed are matched now.
   */
  acked(fromSeq: number, toSeq: number, atMs: number): void {
    for (let seq = fromSeq; seq < toSeq; seq += 1) {
      this.ackAt[seq] = atMs;
      const recv = this.recvAt[seq] as number;
      if (!Number.isNaN(recv)) {
        this.firstVerdictsOfAcked += 1;
        this.onLatency(seq, recv - atMs, atMs);
      }
    }
    this.ackedCount += toSeq - fromSeq;
  }

  /** The send of `[fromSeq, toSeq)` failed for good: they are not expected to get verdicts. */
  sendFailed(fromSeq: number, toSeq: number): void {
    for (let seq = fromSeq; seq < toSeq; seq += 1) this.flags[seq]! |= SEND_FAILED;
    this.failedCount += toSeq - fromSeq;
  }

  /** A verdict for `seq` was received at `atMs`. Only the first one counts for latency and quality. */
  verdict(seq: number, atMs: number, band: DecisionBand): VerdictOutcome {
    if (!(seq >= 0 && seq < this.capacity)) return 'unknown';
    const n = this.verdictCount[seq] as number;
    if (n < 255) this.verdictCount[seq] = n + 1;
    if (n > 0) {
      this.duplicateCount += 1;
      return 'duplicate';
    }
    this.firstVerdicts += 1;
    this.recvAt[seq] = atMs;
    this.band[seq] = DECISION_BANDS.indexOf(band);
    const ack = this.ackAt[seq] as number;
    if (Number.isNaN(ack)) {
      this.earlyVerdicts += 1;
    } else {
      this.firstVerdictsOfAcked += 1;
      this.onLatency(seq, atMs - ack, ack);
    }
    return 'first';
  }

  /** `seq` reached the dead-letter topic; false if it had already (a duplicate dead letter). */
  deadLetter(seq: number): boolean {
    if (!(seq >= 0 && seq < this.capacity)) return false;
    if ((this.flags[seq]! & DEAD_LETTERED) !== 0) return false;
    this.flags[seq]! |= DEAD_LETTERED;
    this.deadLetterCount += 1;
    return true;
  }

  /** When `seq` was acknowledged (run clock), NaN if not (yet). */
  ackAtOf(seq: number): number {
    return this.ackAt[seq] ?? Number.NaN;
  }

  /** Decision of the first verdict of `seq`, if any. */
  decisionOf(seq: number): DecisionBand | undefined {
    const i = this.band[seq] ?? -1;
    return i < 0 ? undefined : DECISION_BANDS[i];
  }

  /** Acknowledged by Kafka. */
  get acknowledged(): number {
    return this.ackedCount;
  }

  /** Sends that failed for good. */
  get failed(): number {
    return this.failedCount;
  }

  /** Transactions with at least one verdict. */
  get withVerdict(): number {
    return this.firstVerdicts;
  }

  /** Verdicts beyond the first for the same transaction. */
  get duplicates(): number {
    return this.duplicateCount;
  }

  /** Transactions that reached the dead-letter topic. */
  get deadLettered(): number {
    return this.deadLetterCount;
  }

  /** Verdicts that arrived before the producer had processed the ack (latency counted as ≤ 0). */
  get verdictsBeforeAck(): number {
    return this.earlyVerdicts;
  }

  /** Acknowledged transactions still waiting for a verdict or a dead letter. */
  get outstanding(): number {
    return Math.max(0, this.ackedCount - this.firstVerdictsOfAcked - this.deadLetterCount);
  }

  /** Acknowledged transactions with neither a verdict nor a dead letter: lost, once the grace period is over. */
  lost(limit: number): { count: number; seqs: number[] } {
    const seqs: number[] = [];
    let count = 0;
    for (let seq = 0; seq < this.capacity; seq += 1) {
      if (
        !Number.isNaN(this.ackAt[seq]) &&
        this.verdictCount[seq] === 0 &&
        (this.flags[seq]! & DEAD_LETTERED) === 0
      ) {
        count += 1;
        if (seqs.length < limit) seqs.push(seq);
      }
    }
    return { count, seqs };
  }

  /** Transactions that got more than one verdict, with how many (saturating at 255). */
  duplicated(limit: number): { count: number; entries: { seq: number; verdicts: number }[] } {
    const entries: { seq: number; verdicts: number }[] = [];
    let count = 0;
    for (let seq = 0; seq < this.capacity; seq += 1) {
      const n = this.verdictCount[seq] as number;
      if (n > 1) {
        count += 1;
        if (entries.length < limit) entries.push({ seq, verdicts: n });
      }
    }
    return { count, entries };
  }
}
