// A retry job carries the original Kafka record, byte for byte (base64, since BullMQ stores JSON),
// so that the retry processor runs the very same pipeline on the very same input. Its id is the
// record's position, which makes adding it idempotent: a record redelivered by Kafka after a
// crash does not get a second job.
import type { SourceRecord } from '../pipeline/types';

/** The JSON a retry job holds. */
export interface RetryJobData {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** base64, or null for a record without a key. */
  readonly key: string | null;
  /** base64, or null for a tombstone. */
  readonly value: string | null;
  /** Headers in order, values base64 (a repeated key appears twice). */
  readonly headers: readonly (readonly [string, string | null])[];
  readonly timestamp: string | null;
  /** When processing first failed, epoch ms. */
  readonly firstFailedAt: number;
  /** The first failure's code, for operators looking at the queue. */
  readonly firstErrorCode: string;
  /**
   * W3C trace context (`traceparent`, `tracestate`) of the failed attempt's transaction span, so
   * that the retries continue that trace — also for a record that arrived without one. Kept
   * apart from `headers`, which stay the record's own bytes (the dead letter keeps them).
   * Absent from jobs of workers without tracing.
   */
  readonly trace?: Readonly<Record<string, string>>;
  /**
   * Set once the job's record got its verdict or its dead letter (acknowledged by Kafka), before
   * the job is completed: a run of the same job after a stall, or BullMQ failing it for stalling,
   * then produces nothing more. Absent until then.
   */
  readonly outcome?: RetryJobOutcome;
}

/** What a retry job's record ended as, recorded in its data. */
export interface RetryJobOutcome {
  readonly kind: 'verdict' | 'dead-letter';
  /** When it was acknowledged, epoch ms. */
  readonly at: number;
  /** The dead letter's reason code (dead letters only). */
  readonly reasonCode?: string;
}

/** The job data with `outcome` recorded. */
export function withOutcome(data: RetryJobData, outcome: RetryJobOutcome): RetryJobData {
  return { ...data, outcome };
}

/** The job id of a record: `${topic}:${partition}:${offset}` (Kafka topic names have no colon). */
export function retryJobId(topic: string, partition: number, offset: string): string {
  return `${topic}:${partition}:${offset}`;
}

/** The job data of a record that failed at `failedAt` with `errorCode`; `trace`: see {@link RetryJobData.trace}. */
export function toRetryJobData(
  record: SourceRecord,
  errorCode: string,
  failedAt: number,
  trace?: Readonly<Record<string, string>>,
): RetryJobData {
  const headers: [string, string | null][] = [];
  for (const [name, raw] of Object.entries(record.headers)) {
    const values = Array.isArray(raw)
      ? (raw as readonly (Buffer | string)[])
      : [raw as Buffer | string | undefined];
    for (const v of values)
      headers.push([name, v === undefined ? null : Buffer.from(v).toString('base64')]);
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : record.key.toString('base64'),
    value: record.value === null ? null : record.value.toString('base64'),
    headers,
    timestamp: record.timestamp,
    firstFailedAt: record.firstFailedAt ?? failedAt,
    firstErrorCode: errorCode,
    ...(trace === undefined || Object.keys(trace).length === 0 ? {} : { trace: { ...trace } }),
  };
}

/** The record back from its job, as attempt `attempt` (2 for the first retry). */
export function fromRetryJobData(
  data: RetryJobData,
  attempt: number,
  receivedAt: number,
): SourceRecord {
  const headers: Record<string, Buffer | Buffer[] | undefined> = {};
  for (const [name, value] of data.headers) {
    const buf = value === null ? undefined : Buffer.from(value, 'base64');
    const existing = headers[name];
    if (existing === undefined || buf === undefined) headers[name] = existing ?? buf;
    else headers[name] = Array.isArray(existing) ? [...existing, buf] : [existing, buf];
  }
  return {
    topic: data.topic,
    partition: data.partition,
    offset: data.offset,
    key: data.key === null ? null : Buffer.from(data.key, 'base64'),
    value: data.value === null ? null : Buffer.from(data.value, 'base64'),
    headers,
    timestamp: data.timestamp,
    attempt,
    receivedAt,
    firstFailedAt: data.firstFailedAt,
  };
}
