/**
 * Seeded pseudo-random numbers for the simulator.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator) seeded through splitmix32 from a
 * hash of integer keys. Every draw the simulator makes comes from a stream named by such keys
 * (seed, purpose, day, customer...), so any customer-day can be regenerated on its own: that is
 * what lets the stream look ahead 14 days for scenario 3 without holding the run in memory.
 *
 * The draws differ from numpy's Mersenne Twister, so a dataset matches the book's statistically
 * (totals, rates, distributions), never transaction for transaction.
 */

/** splitmix32 step: a good 32-bit mixer, used to expand a key hash into generator state. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [next, z >>> 0];
}

/** Hashes a list of 32-bit integers (murmur3-style mixing) into one 32-bit value. */
export function hashInts(keys: readonly number[]): number {
  let h = 0x811c9dc5 ^ keys.length;
  for (const key of keys) {
    let k = Math.imul(key | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** A seeded random stream: uniforms, normals (Box–Muller), Poisson counts and sampling. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Creates the stream named by `keys` (e.g. `[seed, PURPOSE, day, customer]`). */
  constructor(keys: readonly number[]) {
    let s = hashInts(keys);
    const words: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const [next, out] = splitmix32(s);
      s = next;
      words.push(out);
    }
    this.a = words[0] ?? 0;
    this.b = words[1] ?? 0;
    this.c = words[2] ?? 0;
    this.d = words[3] ?? 1;
    // sfc32 needs a few rounds before its output is well mixed.
    for (let i = 0; i < 12; i += 1) this.nextUint32();
  }

  /** Next raw 32-bit output. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform in [low, high). */
  uniformBetween(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (n <= TWO_POW_32) return Math.floor((this.nextUint32() / TWO_POW_32) * n);
    return Math.floor(this.uniform() * n);
  }

  /** Normal draw (Box–Muller; the second value of the pair is discarded to keep draws simple). */
  normal(mean: number, std: number): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log(u1) is finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Poisson draw: Knuth's product method, split into chunks of mean ≤ 30 so it never underflows. */
  poisson(lambda: number): number {
    let remaining = lambda;
    let count = 0;
    while (remaining > 0) {
      const chunk = Math.min(remaining, 30);
      remaining -= chunk;
      const limit = Math.exp(-chunk);
      let product = this.uniform();
      while (product > limit) {
        count += 1;
        product *= this.uniform();
      }
    }
    return count;
  }

  /** `k` distinct indices from [0, n), in draw order (partial Fisher–Yates over a sparse map). */
  sampleIndices(n: number, k: number): number[] {
    const take = Math.min(k, n);
    const swapped = new Map<number, number>();
    const out: number[] = [];
    for (let i = 0; i < take; i += 1) {
      const j = i + this.int(n - i);
      const atJ = swapped.get(j) ?? j;
      const atI = swapped.get(i) ?? i;
      swapped.set(j, atI);
      out.push(atJ);
    }
    return out;
  }
}
