// The records that cross the Kafka seam, in the client-neutral shape both clients are mapped to.
// The pipeline's types are these (pipeline/types.ts re-exports them), so a stage never sees
// which client fetched or produced a record.

/** One header value (a repeated key gives an array). */
export type HeaderValue = Buffer | string | readonly (Buffer | string)[] | undefined;

/** Kafka record headers. */
export type RecordHeaders = Readonly<Record<string, HeaderValue>>;

/** A message to produce. */
export interface OutboundMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, Buffer | string>>;
  /** The partition to write to; unset: the key's partition (Java-compatible murmur2). */
  readonly partition?: number;
}

/** Messages for one topic. */
export interface TopicMessages {
  readonly topic: string;
  readonly messages: readonly OutboundMessage[];
}

/** A consumed record. */
export interface ConsumedRecord {
  /** Kafka offset, as a decimal string (offsets can pass 2^53). */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Record timestamp, epoch ms as a decimal string; null when the client gave none. */
  readonly timestamp: string | null;
}

/** Records of one partition, in offset order, as one fetch handed them over. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** Records behind the last one of this batch (metrics); 0 when the client cannot tell. */
  readonly lag: number;
}

/** A consumer position to commit: `offset` is the next record to read (Kafka's convention). */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}
