// Default trace context for transactions when the caller injects no tracer: a W3C
// `traceparent` per record (version 00, random trace and parent ids), marked sampled for a
// share of them, so workers that continue incoming traces have something to continue.
//
// On the sending hot path: headers are rendered 1,024 at a time into one buffer (one random
// fill, one hex conversion) and handed out as zero-copy slices, instead of two hex strings, a
// template string and a Buffer conversion per record.
import type { OutboundMessage } from '@fraudstream/workers/kafka';
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 24; // 16 trace id + 8 parent span id
const POOL_RECORDS = 1024;
/** `00-` + 32 hex + `-` + 16 hex + `-` + 2 flags. */
const HEADER_LENGTH = 55;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Makes `traceparent` headers from pools of 1,024 rendered at once. */
export class TraceparentFactory {
  private readonly random = Buffer.allocUnsafe(ID_BYTES * POOL_RECORDS);
  private pool = Buffer.alloc(0);
  private used = POOL_RECORDS;

  /** `sampleRatio` (0–1) of the headers carry the sampled flag; `draw` returns numbers in [0, 1). */
  constructor(
    private readonly sampleRatio: number,
    private readonly draw: () => number = Math.random,
  ) {}

  /** Headers of one record: `{ traceparent: '00-<32 hex>-<16 hex>-0x' }` (as bytes). */
  headers(): OutboundMessage['headers'] {
    if (this.used === POOL_RECORDS) this.refill();
    const at = this.used * HEADER_LENGTH;
    this.used += 1;
    const header = this.pool.subarray(at, at + HEADER_LENGTH);
    // The flags are drawn per record, so the sampled share holds however the pool is used.
    header[HEADER_LENGTH - 1] = this.draw() < this.sampleRatio ? 0x31 : 0x30;
    return { traceparent: header };
  }

  private refill(): void {
    randomFillSync(this.random);
    // A fresh buffer per pool: slices already handed out may still sit in a send queue.
    const pool = Buffer.allocUnsafe(HEADER_LENGTH * POOL_RECORDS);
    const hex = this.random.toString('hex');
    for (let i = 0; i < POOL_RECORDS; i += 1) {
      const h = i * ID_BYTES * 2;
      // All-zero ids are invalid in W3C trace context; with 128 random bits they never occur in
      // practice, but a reader would drop the header, so make it impossible.
      let trace = hex.slice(h, h + 32);
      let span = hex.slice(h + 32, h + 48);
      if (trace === ZERO_TRACE) trace = `${trace.slice(0, 31)}1`;
      if (span === ZERO_SPAN) span = `${span.slice(0, 15)}1`;
      pool.write(`00-${trace}-${span}-00`, i * HEADER_LENGTH, 'latin1');
    }
    this.pool = pool;
    this.used = 0;
  }
}
