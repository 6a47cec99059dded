// kafkajs hands a fetch over one partition at a time: at 12 partitions and a few hundred
// transactions a second, most partition batches hold one or two records, and scoring each alone
// pays the fixed cost of a Redis round trip, an inference call and a produce request per record.
// The coalescer merges the chunks that concurrent partition handlers submit in the same turn of
// the event loop (and those that arrive while a run is in flight) into one pipeline run, up to
// the batch size: the fixed costs are paid once per fetch instead of once per partition.

/** One submitted chunk. */
interface Pending<C, R> {
  readonly chunk: C;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs submitted chunks in merged groups of at most `maxItems` items (a chunk is never split),
 * one group at a time, in submission order. Every submitter gets its group's result or error.
 */
export class ChunkCoalescer<C, R> {
  private readonly queue: Pending<C, R>[] = [];
  private running = false;
  private scheduled = false;

  /** `run` processes one merged group (the chunks in order); `sizeOf` counts a chunk's items. */
  constructor(
    private readonly run: (chunks: readonly C[]) => Promise<R>,
    private readonly sizeOf: (chunk: C) => number,
    private readonly maxItems: number,
  ) {}

  /** Queues `chunk` for the next group; resolves with that group's result. */
  submit(chunk: C): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ chunk, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: the other partitions of the same fetch submit first.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          const result = await this.run(group.map((p) => p.chunk));
          group.forEach((p) => p.resolve(result));
        } catch (error: unknown) {
          group.forEach((p) => p.reject(error));
        }
      }
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  /** The longest prefix of the queue that fits in `maxItems` (at least one chunk). */
  private take(): Pending<C, R>[] {
    let size = 0;
    let n = 0;
    while (n < this.queue.length) {
      const pending = this.queue[n];
      const next = pending === undefined ? 0 : this.sizeOf(pending.chunk);
      if (n > 0 && size + next > this.maxItems) break;
      size += next;
      n += 1;
    }
    return this.queue.splice(0, n);
  }
}
