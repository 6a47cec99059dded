// Ground truth of a chaos run, kept by the load generator alone (never the workers' metrics):
// every transaction sent, its input partition, when it was handed to the producer, and every
// verdict and dead letter read back for it, by transaction id.

/** What the ledger knows of one transaction. */
export interface LedgerEntry {
  /** Input partition of the transactions topic. */
  readonly partition: number;
  /**
   * When loadgen handed it to its producer (run clock, ms): latency counts from here, so time
   * spent waiting for the broker counts too.
   */
  readonly handedAtMs: number;
  /** Receive times of its verdicts, in arrival order. */
  readonly verdictAtMs: number[];
  /** The decision of each verdict, same order. */
  readonly bands: string[];
  /** Receive time and reason code of each dead letter. */
  readonly deadLetters: { readonly atMs: number; readonly reason: string }[];
}

/** The ledger of one run: entries by sequence number. */
export class ChaosLedger {
  private readonly list: LedgerEntry[] = [];
  /** Records read back that belong to no transaction of this run (or did not decode). */
  unmatched = 0;

  /** Every transaction sent so far, by sequence number. */
  get entries(): readonly LedgerEntry[] {
    return this.list;
  }

  /** Records transaction `seq` (the next sequence number) as handed over at `atMs`. */
  sent(seq: number, partition: number, atMs: number): void {
    if (seq !== this.list.length) {
      throw new RangeError(
        `transactions must be recorded in sequence: expected ${this.list.length}, got ${seq}`,
      );
    }
    this.list.push({ partition, handedAtMs: atMs, verdictAtMs: [], bands: [], deadLetters: [] });
  }

  /** A verdict for `seq` (-1: not ours) arrived at `atMs`. */
  verdict(seq: number, band: string, atMs: number): void {
    const e = this.list[seq];
    if (e === undefined) {
      this.unmatched += 1;
      return;
    }
    e.verdictAtMs.push(atMs);
    e.bands.push(band);
  }

  /** A dead letter for `seq` (-1: unknown) arrived at `atMs`. */
  deadLetter(seq: number, reason: string, atMs: number): void {
    const e = this.list[seq];
    if (e === undefined) {
      this.unmatched += 1;
      return;
    }
    e.deadLetters.push({ atMs, reason });
  }

  /** Transactions with neither a verdict nor a dead letter yet. */
  get outstanding(): number {
    let n = 0;
    for (const e of this.list) if (e.verdictAtMs.length === 0 && e.deadLetters.length === 0) n += 1;
    return n;
  }
}

/** When a transaction was settled (first verdict or dead letter), or undefined if never. */
export function settledAtMs(e: LedgerEntry): number | undefined {
  const v = e.verdictAtMs.length === 0 ? Infinity : Math.min(...e.verdictAtMs);
  const d = e.deadLetters.length === 0 ? Infinity : Math.min(...e.deadLetters.map((x) => x.atMs));
  const t = Math.min(v, d);
  return Number.isFinite(t) ? t : undefined;
}
