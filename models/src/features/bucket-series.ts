/**
 * One entity's time buckets in a single growable Float64Array, sorted by bucket index:
 * [bucket, v0, v1, …] per entry. Appending the current bucket is the common case; pruning drops a
 * prefix. One contiguous block per card or terminal keeps the offline replay cache-friendly
 * (a Map of small arrays per bucket was several times slower).
 */
export class BucketSeries {
  private data: Float64Array;
  private start = 0;
  private end = 0;
  private readonly stride: number;

  /** `width` values per bucket. */
  constructor(readonly width: number) {
    this.stride = width + 1;
    this.data = new Float64Array(8 * this.stride);
  }

  /** Number of buckets held. */
  get size(): number {
    return (this.end - this.start) / this.stride;
  }

  /**
   * Drops the buckets below `before` (they are at the front) once they are at least half the
   * series, so the Redis script, which follows the same rule bucket for bucket, rewrites a long
   * series once per many transactions instead of on each. Until then they stay, and only a late
   * transaction whose windows reach back that far reads them. Returns how many remain.
   */
  prune(before: number): number {
    let dead = 0;
    for (let i = this.start; i < this.end && (this.data[i] ?? 0) < before; i += this.stride) {
      dead += 1;
    }
    if (dead === 0 || 2 * dead < this.size) return dead;
    this.start += dead * this.stride;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    return 0;
  }

  /** Index of the newest bucket (−Infinity when empty). */
  newest(): number {
    return this.end > this.start ? (this.data[this.end - this.stride] ?? -Infinity) : -Infinity;
  }

  /** Calls `fn(bucket, offset)` for each bucket, oldest first; values at `values()[offset + k]`. */
  forEach(fn: (bucket: number, offset: number) => void): void {
    const d = this.data;
    for (let i = this.start; i < this.end; i += this.stride) fn(d[i] ?? 0, i + 1);
  }

  /** The backing array (read values at the offsets `forEach` gives). */
  values(): Float64Array {
    return this.data;
  }

  /** Adds `delta[k]` to value k of `bucket`, creating the bucket in sorted position if needed. */
  add(bucket: number, delta: readonly number[]): void {
    const d = this.data;
    const s = this.stride;
    let i = this.end - s;
    while (i >= this.start && (d[i] ?? 0) > bucket) i -= s;
    if (i >= this.start && d[i] === bucket) {
      for (let k = 0; k < this.width; k += 1) d[i + 1 + k] = (d[i + 1 + k] ?? 0) + (delta[k] ?? 0);
      return;
    }
    const rel = i + s - this.start; // insert here, relative to start (makeRoom may compact)
    this.makeRoom();
    const at = this.start + rel;
    const data = this.data;
    if (at < this.end) data.copyWithin(at + s, at, this.end);
    data[at] = bucket;
    for (let k = 0; k < this.width; k += 1) data[at + 1 + k] = delta[k] ?? 0;
    this.end += s;
  }

  private makeRoom(): void {
    if (this.end + this.stride <= this.data.length) return;
    const used = this.end - this.start;
    const next = new Float64Array(Math.max(this.data.length, (used + this.stride) * 2));
    next.set(this.data.subarray(this.start, this.end));
    this.data = next;
    // Offsets moved: callers must not hold offsets across add().
    this.end = used;
    this.start = 0;
  }
}
