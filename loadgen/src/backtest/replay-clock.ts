// The replayed clock of an event-time replay: which of the source's rows are due now, and what
// time it is on the source's own clock (case management's labels are due on that clock).

/** How fast the source's clock runs: a compression of it, or a fixed rate of rows. */
export type ReplayPace =
  | {
      readonly kind: 'speed';
      /** Replayed ms per wall ms (1440: a day a minute). */ readonly speed: number;
    }
  | {
      readonly kind: 'rate';
      /** Rows per wall second, whatever their timestamps. */ readonly tps: number;
    };

/**
 * At `speed`, the replayed time is `originMs + (wall − start) × speed` and a row is due when its
 * event time is reached. At a `rate`, row i is due at `start + i / tps` and the replayed time is
 * the event time of the last row released: the clock advances with the stream it replays.
 */
export class ReplayClock {
  private releasedEventMs: number;
  private released = 0;

  /** `originMs` is the replayed time at `startWallMs` (the window's start). */
  constructor(
    readonly pace: ReplayPace,
    private readonly originMs: number,
    private readonly startWallMs: number,
  ) {
    this.releasedEventMs = originMs;
  }

  /** The replayed time at wall time `wallMs`. */
  nowMs(wallMs: number): number {
    if (this.pace.kind === 'speed') {
      return this.originMs + Math.max(0, wallMs - this.startWallMs) * this.pace.speed;
    }
    return this.releasedEventMs;
  }

  /** Wall ms from `wallMs` until the next row (event time `eventMs`) is due; ≤ 0 when due. */
  waitMs(eventMs: number, wallMs: number): number {
    if (this.pace.kind === 'speed') {
      return this.startWallMs + (eventMs - this.originMs) / this.pace.speed - wallMs;
    }
    return this.startWallMs + (this.released * 1000) / this.pace.tps - wallMs;
  }

  /** The next row, at event time `eventMs`, is being sent. */
  release(eventMs: number): void {
    this.released += 1;
    if (eventMs > this.releasedEventMs) this.releasedEventMs = eventMs;
  }

  /** Replayed ms per wall ms: the speed, or at a rate the window's span over its sending time. */
  static ratio(pace: ReplayPace, spanMs: number, rows: number): number {
    if (pace.kind === 'speed') return pace.speed;
    return spanMs / Math.max(1, (rows * 1000) / pace.tps);
  }
}
