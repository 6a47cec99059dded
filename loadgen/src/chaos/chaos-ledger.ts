// Ground truth of a chaos run, kept by the load generator alone (never the workers' metrics):
// every transaction sent, its input partition, when it was handed to the producer, and every
// verdict and dead letter read back for it, by transaction id; and apart from them every
// malformed record the poison fault injected, with the dead letters read back for it (matched by
// the sha256 of its key, which every dead letter keeps, by reference or not).

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
  /** The model version of each verdict that names one (a passthrough copy names none). */
  readonly models: string[];
  /** Receive time and reason code of each dead letter. */
  readonly deadLetters: { readonly atMs: number; readonly reason: string }[];
  /**
   * How many times loadgen handed it to Kafka: 1, plus one for each resend of its batch after
   * an ambiguous failure (the first try may have been written too). Each copy on the input
   * topic rightly gets its own outcome; only outcomes beyond the copies are duplicates.
   */
  copies: number;
}

/** A malformed record the poison fault sent, and what it should become. */
export interface PoisonSpec {
  /** What is wrong with it, e.g. `wrong-magic-byte`. */
  readonly kind: string;
  /** The dead letter's reason code the workers must give it. */
  readonly expectedReason: string;
  readonly partition: number;
  /** sha256 (hex) of its key, unique to the record. */
  readonly keySha256: string;
  /** Key, value and headers, bytes (as FS_MAX_RECORD_BYTES counts them). */
  readonly sizeBytes: number;
}

/** What the ledger knows of one poison record. */
export interface PoisonEntry extends PoisonSpec {
  /** When it was handed to the producer (run clock, ms). */
  readonly handedAtMs: number;
  /** Its dead letters: receive time, reason code and the partition they name. */
  readonly deadLetters: {
    readonly atMs: number;
    readonly reason: string;
    readonly partition: number | undefined;
  }[];
}

/** The ledger of one run: entries by sequence number. */
export class ChaosLedger {
  private readonly list: LedgerEntry[] = [];
  private readonly poisonList: PoisonEntry[] = [];
  private readonly poisonByKey = new Map<string, PoisonEntry>();
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
    this.list.push({
      partition,
      handedAtMs: atMs,
      verdictAtMs: [],
      bands: [],
      models: [],
      deadLetters: [],
      copies: 1,
    });
  }

  /** Transactions [fromSeq, toSeq) were handed to Kafka once more (a resend of their batch). */
  resent(fromSeq: number, toSeq: number): void {
    for (let seq = fromSeq; seq < toSeq; seq += 1) {
      const e = this.list[seq];
      if (e !== undefined) e.copies += 1;
    }
  }

  /** Every poison record sent so far, in order. */
  get poison(): readonly PoisonEntry[] {
    return this.poisonList;
  }

  /** Records poison record `spec` as handed over at `atMs` (before it is sent: no dead letter can precede it). */
  poisonSent(spec: PoisonSpec, atMs: number): void {
    if (this.poisonByKey.has(spec.keySha256)) {
      throw new RangeError(`poison record key sha256 ${spec.keySha256} is already in the ledger`);
    }
    const e: PoisonEntry = { ...spec, handedAtMs: atMs, deadLetters: [] };
    this.poisonList.push(e);
    this.poisonByKey.set(spec.keySha256, e);
  }

  /**
   * A dead letter whose original key has sha256 `keySha256` arrived at `atMs`; false when that
   * is no poison record's key (the dead letter is then a transaction's, or not ours).
   */
  poisonDeadLetter(
    keySha256: string,
    reason: string,
    partition: number | undefined,
    atMs: number,
  ): boolean {
    const e = this.poisonByKey.get(keySha256);
    if (e === undefined) return false;
    e.deadLetters.push({ atMs, reason, partition });
    return true;
  }

  /** A verdict for `seq` (-1: not ours) arrived at `atMs`, scored by `modelVersion` when given. */
  verdict(seq: number, band: string, atMs: number, modelVersion?: string): void {
    const e = this.list[seq];
    if (e === undefined) {
      this.unmatched += 1;
      return;
    }
    e.verdictAtMs.push(atMs);
    e.bands.push(band);
    if (modelVersion !== undefined) e.models.push(modelVersion);
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

  /** Transactions with neither a verdict nor a dead letter yet, and poison records without a dead letter. */
  get outstanding(): number {
    let n = 0;
    for (const e of this.list) if (e.verdictAtMs.length === 0 && e.deadLetters.length === 0) n += 1;
    for (const e of this.poisonList) if (e.deadLetters.length === 0) n += 1;
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
