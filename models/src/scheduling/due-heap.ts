// A min-heap of entries by due time: what a case desk or a replay needs when items become due
// in an order other than the one they were scheduled in (a flagged fraud's label is scheduled
// when its verdict arrives, and verdicts arrive out of event-time order across partitions).

/** One scheduled item. */
export interface DueEntry<T> {
  readonly dueAtMs: number;
  readonly item: T;
}

/** Entries by due time, earliest first; equal due times come out in scheduling order. */
export class DueHeap<T> {
  private readonly entries: { dueAtMs: number; order: number; item: T }[] = [];
  private scheduled = 0;

  /** Number of entries not taken yet. */
  get size(): number {
    return this.entries.length;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekDueMs(): number {
    return this.entries[0]?.dueAtMs ?? Infinity;
  }

  /** Schedules `item` at `dueAtMs`. */
  push(dueAtMs: number, item: T): void {
    const e = this.entries;
    e.push({ dueAtMs, order: this.scheduled, item });
    this.scheduled += 1;
    let i = e.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the earliest entry if it is due by `nowMs`. */
  takeDue(nowMs: number): DueEntry<T> | undefined {
    const e = this.entries;
    const top = e[0];
    if (top === undefined || top.dueAtMs > nowMs) return undefined;
    const last = e.pop() as (typeof e)[number];
    if (e.length > 0) {
      e[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < e.length && this.before(l, m)) m = l;
        if (r < e.length && this.before(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return { dueAtMs: top.dueAtMs, item: top.item };
  }

  private before(a: number, b: number): boolean {
    const x = this.entries[a];
    const y = this.entries[b];
    if (x === undefined || y === undefined) return false;
    return x.dueAtMs < y.dueAtMs || (x.dueAtMs === y.dueAtMs && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const e = this.entries;
    const x = e[a];
    const y = e[b];
    if (x === undefined || y === undefined) return;
    e[a] = y;
    e[b] = x;
  }
}
