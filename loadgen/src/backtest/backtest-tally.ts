// Live against offline, transaction by transaction and day by day. Each sent row is held here
// only until both its live verdict and the offline replay's have been seen; then it is counted
// in its replayed day's tallies and in the agreement matrix, and forgotten.
import type { QualitySummary } from '../measure/quality-tally';
import { QualityTally } from '../measure/quality-tally';
import type { DecisionBand } from '../measure/run-ledger';

const DAY_MS = 86_400_000;

/** A decision of a scoring model (a verdict without a decision is a passthrough COPY). */
export type ScoredBand = Exclude<DecisionBand, 'COPY'>;

/** The decisions compared, in table order. */
export const SCORED_BANDS: readonly ScoredBand[] = ['APPROVE', 'REVIEW', 'DECLINE'];

/** One replayed day's figures. */
export interface DayFigures {
  /** The day, YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly transactions: number;
  readonly frauds: number;
  readonly live: QualitySummary;
  readonly offline: QualitySummary;
  /** Transactions whose live and offline decisions are the same band. */
  readonly agreeing: number;
}

/** Per-transaction agreement over the whole window. */
export interface AgreementFigures {
  /** Transactions with both a live and an offline verdict. */
  readonly compared: number;
  /** Same band live and offline. */
  readonly agreeing: number;
  readonly share: number | null;
  /** Flagged (REVIEW/DECLINE) on one side and approved on the other. */
  readonly flaggedDiffering: number;
  /** matrix[live][offline]: counts by band pair. */
  readonly matrix: Readonly<Record<ScoredBand, Readonly<Record<ScoredBand, number>>>>;
  /** Of the differing transactions, those the offline replay marked exposed or near a threshold. */
  readonly differingExplained: number;
  /** Rows with an offline verdict but no live one at the end (lost or dead-lettered). */
  readonly withoutLiveVerdict: number;
}

interface Held {
  readonly day: number;
  /** Ground truth: 0 genuine, > 0 fraud (UNKNOWN_FRAUD_SCENARIO when the data does not say). */
  readonly scenario: number;
  live?: ScoredBand;
  offline?: { band: ScoredBand; explained: boolean };
}

interface Day {
  readonly live: QualityTally;
  readonly offline: QualityTally;
  transactions: number;
  frauds: number;
  agreeing: number;
}

/** Tallies a backtest's verdicts by replayed day, live and offline, and their agreement. */
export class BacktestTally {
  private readonly held = new Map<number, Held>();
  private readonly days = new Map<number, Day>();
  readonly offlineTotal = new QualityTally();
  private readonly matrix: Record<ScoredBand, Record<ScoredBand, number>> = {
    APPROVE: { APPROVE: 0, REVIEW: 0, DECLINE: 0 },
    REVIEW: { APPROVE: 0, REVIEW: 0, DECLINE: 0 },
    DECLINE: { APPROVE: 0, REVIEW: 0, DECLINE: 0 },
  };
  private compared = 0;
  private agreeing = 0;
  private flaggedDiffering = 0;
  private explained = 0;

  /** Row `seq` was sent: event time and ground truth. */
  sent(seq: number, eventTimeMs: number, scenario: number): void {
    this.held.set(seq, { day: Math.floor(eventTimeMs / DAY_MS), scenario });
  }

  /** The first live verdict of row `seq` (a COPY or another run's verdict is ignored). */
  live(seq: number, band: DecisionBand): void {
    const h = this.held.get(seq);
    if (h === undefined || band === 'COPY' || h.live !== undefined) return;
    h.live = band;
    this.settle(seq, h);
  }

  /** The offline replay's verdict on row `seq`; `explained`: exposed or near a threshold. */
  offline(seq: number, band: ScoredBand, explained: boolean): void {
    const h = this.held.get(seq);
    if (h === undefined) return;
    h.offline = { band, explained };
    this.offlineTotal.record(band, h.scenario);
    this.settle(seq, h);
  }

  /** Rows still held: sent and missing a live or an offline verdict. */
  get outstanding(): number {
    return this.held.size;
  }

  /** The agreement over everything compared. */
  agreement(): AgreementFigures {
    let withoutLive = 0;
    for (const h of this.held.values()) if (h.offline !== undefined) withoutLive += 1;
    return {
      compared: this.compared,
      agreeing: this.agreeing,
      share: this.compared === 0 ? null : this.agreeing / this.compared,
      flaggedDiffering: this.flaggedDiffering,
      matrix: {
        APPROVE: { ...this.matrix.APPROVE },
        REVIEW: { ...this.matrix.REVIEW },
        DECLINE: { ...this.matrix.DECLINE },
      },
      differingExplained: this.explained,
      withoutLiveVerdict: withoutLive,
    };
  }

  /** Figures per replayed day, in day order. */
  dayFigures(): DayFigures[] {
    return [...this.days.entries()]
      .sort(([a], [b]) => a - b)
      .map(([day, d]) => ({
        day: new Date(day * DAY_MS).toISOString().slice(0, 10),
        transactions: d.transactions,
        frauds: d.frauds,
        live: d.live.summary(),
        offline: d.offline.summary(),
        agreeing: d.agreeing,
      }));
  }

  private settle(seq: number, h: Held): void {
    if (h.live === undefined || h.offline === undefined) return;
    this.held.delete(seq);
    let d = this.days.get(h.day);
    if (d === undefined) {
      d = {
        live: new QualityTally(),
        offline: new QualityTally(),
        transactions: 0,
        frauds: 0,
        agreeing: 0,
      };
      this.days.set(h.day, d);
    }
    const off = h.offline.band;
    d.live.record(h.live, h.scenario);
    d.offline.record(off, h.scenario);
    d.transactions += 1;
    if (h.scenario > 0) d.frauds += 1;
    this.matrix[h.live][off] += 1;
    this.compared += 1;
    if (h.live === off) {
      this.agreeing += 1;
      d.agreeing += 1;
      return;
    }
    if ((h.live === 'APPROVE') !== (off === 'APPROVE')) this.flaggedDiffering += 1;
    if (h.offline.explained) this.explained += 1;
  }
}
