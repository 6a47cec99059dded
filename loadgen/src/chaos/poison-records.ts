// The malformed transaction records the poison fault injects beside the steady load, one of each
// kind, each with the dead letter's reason code the workers must give it. The bytes are built
// from a real encoded transaction where a kind needs one (a wrong magic byte on an otherwise
// valid record tells more than on noise), so each record is wrong in exactly one way.
import { createHash, randomBytes } from 'node:crypto';
import type { DecodeErrorCode } from '@fraudstream/schemas';
import { WIRE_HEADER_LENGTH } from '@fraudstream/schemas';
import type { WorkerErrorCode } from '@fraudstream/workers';
import type { OutboundMessage } from '@fraudstream/workers/kafka';
import type { PoisonSpec } from './chaos-ledger';

/**
 * The broker's default message.max.bytes (Kafka's 1,048,588), less room for the record batch's
 * framing: the largest oversized record must still be accepted by Kafka, or it would measure the
 * producer, not the workers.
 */
export const BROKER_MESSAGE_BYTES = 1_048_588 - 65_536;

/**
 * A schema id no registry of the project hands out (the embedded registry numbers from 1, a
 * Confluent registry from 1 upwards): FS_DECODE_UNKNOWN_SCHEMA_ID, never a lucky decode.
 */
export const UNKNOWN_SCHEMA_ID = 0x7fff_fff0;

/** One poison record: what goes to Kafka and what the ledger expects of it. */
export interface PoisonRecord {
  readonly spec: PoisonSpec;
  readonly message: OutboundMessage;
}

/** What every kind of poison record is built from. */
export interface PoisonInput {
  /** A valid framed Transaction (Confluent framing), the base of the kinds that need one. */
  readonly validRecord: Buffer;
  /** The workers' FS_MAX_RECORD_BYTES. */
  readonly maxRecordBytes: number;
  /** Partitions of the input topic: the records are spread over them. */
  readonly partitions: number;
  /** Makes every key unique to the run and the injection (the ledger matches dead letters by key). */
  readonly keyPrefix: string;
}

type PoisonReason = DecodeErrorCode | Extract<WorkerErrorCode, 'FS_RECORD_TOO_LARGE'>;

interface PoisonKind {
  readonly kind: string;
  readonly expectedReason: PoisonReason;
  /** The value, for a record whose key is `keyBytes` bytes long. */
  readonly value: (input: PoisonInput, keyBytes: number) => Buffer;
}

/** Random bytes whose first byte is never the magic byte 0 (so the reason is certain). */
function noise(length: number): Buffer {
  const b = randomBytes(length);
  if (length > 0) b[0] = 1 + ((b[0] ?? 0) % 255);
  return b;
}

/** The kinds, in the order they are sent. */
const POISON_KINDS: readonly PoisonKind[] = [
  { kind: 'random-bytes', expectedReason: 'FS_DECODE_MAGIC_BYTE', value: () => noise(64) },
  {
    kind: 'wrong-magic-byte',
    expectedReason: 'FS_DECODE_MAGIC_BYTE',
    value: ({ validRecord }) => {
      const b = Buffer.from(validRecord);
      b[0] = 1;
      return b;
    },
  },
  {
    kind: 'unknown-schema-id',
    expectedReason: 'FS_DECODE_UNKNOWN_SCHEMA_ID',
    value: ({ validRecord }) => {
      const b = Buffer.from(validRecord);
      b.writeUInt32BE(UNKNOWN_SCHEMA_ID, 1);
      return b;
    },
  },
  { kind: 'empty-value', expectedReason: 'FS_DECODE_TOO_SHORT', value: () => Buffer.alloc(0) },
  {
    // The right header, half of the Avro body: the writer schema resolves, the body does not.
    kind: 'undecodable-body',
    expectedReason: 'FS_DECODE_BODY',
    value: ({ validRecord }) => {
      const body = validRecord.length - WIRE_HEADER_LENGTH;
      return Buffer.from(validRecord.subarray(0, WIRE_HEADER_LENGTH + (body >> 1)));
    },
  },
  {
    // One byte over the limit: the boundary itself.
    kind: 'oversized-just-over',
    expectedReason: 'FS_RECORD_TOO_LARGE',
    value: ({ maxRecordBytes }, keyBytes) => noise(maxRecordBytes + 1 - keyBytes),
  },
  {
    // Near what the broker takes: a dead letter that copied it could not be produced at all.
    kind: 'oversized-far-over',
    expectedReason: 'FS_RECORD_TOO_LARGE',
    value: ({ maxRecordBytes }, keyBytes) =>
      noise(
        Math.max(maxRecordBytes + 1, Math.min(3 * maxRecordBytes, BROKER_MESSAGE_BYTES)) - keyBytes,
      ),
  },
];

/** The kinds of poison record and the reason each must be dead-lettered with. */
export const POISON_REASONS: Readonly<Record<string, PoisonReason>> = Object.fromEntries(
  POISON_KINDS.map((k) => [k.kind, k.expectedReason]),
);

/** One record of every kind, each on its own partition where there are enough. */
export function poisonRecords(input: PoisonInput): PoisonRecord[] {
  if (input.validRecord[0] !== 0 || input.validRecord.length <= WIRE_HEADER_LENGTH) {
    throw new TypeError('poisonRecords needs a framed record (magic byte 0, header and body)');
  }
  return POISON_KINDS.map((k, i) => {
    const key = Buffer.from(`${input.keyPrefix}${k.kind}`);
    const value = k.value(input, key.length);
    const partition = i % input.partitions;
    return {
      spec: {
        kind: k.kind,
        expectedReason: k.expectedReason,
        partition,
        keySha256: createHash('sha256').update(key).digest('hex'),
        sizeBytes: key.length + value.length,
      },
      message: { key, value, partition, headers: {} },
    };
  });
}
