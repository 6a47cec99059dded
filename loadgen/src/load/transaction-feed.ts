// The simulator's stream as live traffic: each transaction gets a run-unique id (so runs never
// collide in the workers' idempotency keys or in the shared decisions topic), an amount in
// minor units, and optionally a wall-clock event time. The ground truth stays here.
import { simulateTransactions } from '@fraudstream/simulator';
import type { SimulationParams } from '@fraudstream/simulator';
import { compileSimulationParams } from '@fraudstream/simulator';
import type { SimulatedTransaction } from '@fraudstream/simulator';
import type { EventTimeMode } from './load-options';
import type { TransactionRecord } from '../wire/wire-codec';

const DAY_MS = 86_400_000;

/** The currency of every simulated amount (the book's amounts are in euros). */
export const SIMULATED_CURRENCY = 'EUR';

/** One transaction ready to send, with its sequence number and ground truth. */
export interface FedTransaction {
  readonly seq: number;
  readonly record: TransactionRecord;
  /** Simulator fraud scenario: 0 genuine, 1–3 fraud. */
  readonly scenario: number;
}

/** Turns a sequence number back into the id the feed gave it (and back). */
export class TransactionIds {
  /** `prefix` is the run id, e.g. `lg-3f9a2c-`. */
  constructor(readonly prefix: string) {}

  /**
   * The transaction id of sequence number `seq`; a source's own id, when given, follows it
   * after a `/` (`lg-3f9a2c-41/tx-9001`), so the run's id still names the run and the row.
   */
  idOf(seq: number, sourceId?: string): string {
    return sourceId === undefined ? `${this.prefix}${seq}` : `${this.prefix}${seq}/${sourceId}`;
  }

  /** The sequence number of a transaction id of this run, or -1 for anyone else's. */
  seqOf(id: string): number {
    if (!id.startsWith(this.prefix)) return -1;
    const match = /^(\d{1,15})(?:\/|$)/.exec(id.slice(this.prefix.length));
    return match === null ? -1 : Number(match[1]);
  }
}

/** Pulls simulated transactions one at a time, in simulated time order. */
export class TransactionFeed {
  private readonly source: Iterator<SimulatedTransaction>;
  private nextSeq = 0;
  private done = false;
  private ahead: SimulatedTransaction | undefined;
  private skipUntilMs: number;

  /**
   * `ids` names the run's transactions; `eventTime` chooses the time written in them; the
   * first `skipDays` simulated days are generated and dropped (their transactions get no id).
   */
  constructor(
    simulation: Partial<SimulationParams>,
    readonly ids: TransactionIds,
    private readonly eventTime: EventTimeMode,
    skipDays = 0,
  ) {
    this.source = simulateTransactions(simulation)[Symbol.iterator]();
    this.skipUntilMs = compileSimulationParams(simulation).startMs + skipDays * DAY_MS;
  }

  /**
   * Runs the simulator's set-up (customer and terminal profiles: seconds of CPU with the
   * defaults) now, by drawing the first transaction ahead, so it does not stall the first tick
   * of a timed run.
   */
  prime(): void {
    if (this.ahead === undefined && !this.done) this.ahead = this.pull();
  }

  // The simulator's next transaction after the skipped days; undefined once it is over.
  private pull(): SimulatedTransaction | undefined {
    for (;;) {
      if (this.done) return undefined;
      const step = this.source.next();
      if (step.done === true) {
        this.done = true;
        return undefined;
      }
      if (step.value.tx.event_time >= this.skipUntilMs) {
        this.skipUntilMs = Number.NEGATIVE_INFINITY;
        return step.value;
      }
    }
  }

  /** Transactions produced so far. */
  get produced(): number {
    return this.nextSeq;
  }

  /** True once the simulation has no more days to give. */
  get exhausted(): boolean {
    return this.done && this.ahead === undefined;
  }

  /** The next transaction, stamped `nowMs` in `now` mode; undefined when the simulation is over. */
  next(nowMs: number): FedTransaction | undefined {
    const next = this.ahead ?? this.pull();
    this.ahead = undefined;
    if (next === undefined) return undefined;
    const { tx, truth } = next;
    const seq = this.nextSeq;
    this.nextSeq += 1;
    return {
      seq,
      scenario: truth.scenario,
      record: {
        transaction_id: this.ids.idOf(seq),
        event_time: this.eventTime === 'now' ? nowMs : tx.event_time,
        customer_id: tx.customer_id,
        terminal_id: tx.terminal_id,
        amount_minor: Math.round(tx.amount * 100),
        currency: SIMULATED_CURRENCY,
      },
    };
  }
}
