// Consumer lag of the worker group on the transactions topic: the topic's end offsets minus
// the group's committed offsets, summed over partitions, sampled on a timer. A partition the
// group has never committed counts from where the topic ended when the run started. Sampling
// never throws: a failed sample is counted and the last good value kept.
import type { KafkaAdmin, PartitionPosition } from '@fraudstream/workers/kafka';

/** One lag sample. */
export interface LagSample {
  /** Run clock, ms. */
  readonly atMs: number;
  /** Records on the topic not yet committed by the group. */
  readonly lag: number;
}

/** Sums `end - committed` over partitions; `startOffsets` stand in for never-committed ones. */
export function computeLag(
  ends: readonly PartitionPosition[],
  committed: readonly PartitionPosition[],
  startOffsets: ReadonlyMap<number, number>,
): number {
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  let lag = 0;
  for (const { partition, offset } of ends) {
    const c = byPartition.get(partition) ?? -1;
    const from = c >= 0 ? c : (startOffsets.get(partition) ?? 0);
    lag += Math.max(0, Number(offset) - from);
  }
  return lag;
}

/** Samples a group's lag every `intervalMs` until stopped. */
export class LagSampler {
  private timer: NodeJS.Timeout | undefined;
  private startOffsets = new Map<number, number>();
  private latestSample: LagSample | undefined;
  private errors = 0;
  private lastError: unknown;
  private inFlight = false;

  /** `now` is the run clock. */
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Reads the starting offsets, takes a first sample and starts the timer. */
  async start(): Promise<void> {
    const ends = await this.admin.topicEndOffsets(this.topic);
    this.startOffsets = new Map(ends.map((e) => [e.partition, Number(e.offset)]));
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  /** The newest sample, if any succeeded. */
  get latest(): LagSample | undefined {
    return this.latestSample;
  }

  /** Samples that failed, and the last failure. */
  failures(): { count: number; last: string | undefined } {
    return {
      count: this.errors,
      last:
        this.lastError instanceof Error
          ? this.lastError.message
          : this.lastError === undefined
            ? undefined
            : JSON.stringify(this.lastError),
    };
  }

  /** Stops the timer; safe to call twice. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    if (this.inFlight) return; // a slow admin call must not pile up behind itself
    this.inFlight = true;
    try {
      const [ends, committed] = await Promise.all([
        this.admin.topicEndOffsets(this.topic),
        this.admin.groupOffsets(this.groupId, this.topic),
      ]);
      this.latestSample = { atMs: this.now(), lag: computeLag(ends, committed, this.startOffsets) };
    } catch (error) {
      this.errors += 1;
      this.lastError = error;
    } finally {
      this.inFlight = false;
    }
  }
}
