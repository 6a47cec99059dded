// Confluent wire format, the framing of every record on every fraudstream topic:
//
//   byte 0      magic byte, always 0
//   bytes 1..4  schema id, unsigned 32-bit big-endian (the registry's id of the writer schema)
//   bytes 5..   Avro binary encoding of the value with that writer schema (no container header)
import { SchemaDecodeError } from './errors';

/** Value of the first byte of every framed record. */
export const MAGIC_BYTE = 0;
/** Bytes before the Avro body: magic byte + 4-byte schema id. */
export const WIRE_HEADER_LENGTH = 5;
/** Largest schema id the 4-byte header can carry. */
export const MAX_SCHEMA_ID = 0xffffffff;

/**
 * Read the writer schema id from a framed record, checking the header only.
 * @throws SchemaDecodeError FS_DECODE_TOO_SHORT or FS_DECODE_MAGIC_BYTE
 */
export function readSchemaId(bytes: Uint8Array | null | undefined): number {
  if (!bytes || bytes.length < WIRE_HEADER_LENGTH) {
    throw new SchemaDecodeError(
      'FS_DECODE_TOO_SHORT',
      `record value is ${bytes ? `${bytes.length} bytes` : 'null'}; a framed Avro record has at least the ${WIRE_HEADER_LENGTH}-byte header`,
    );
  }
  const magic = bytes[0];
  if (magic !== MAGIC_BYTE) {
    throw new SchemaDecodeError(
      'FS_DECODE_MAGIC_BYTE',
      `first byte is ${String(magic)}, expected the Confluent magic byte ${MAGIC_BYTE}: the record is not Avro in the Confluent wire format`,
    );
  }
  // Manual big-endian read: works on any Uint8Array, and `>>> 0` keeps ids above 2^31 positive.
  return (
    (((bytes[1] as number) << 24) |
      ((bytes[2] as number) << 16) |
      ((bytes[3] as number) << 8) |
      (bytes[4] as number)) >>>
    0
  );
}

/** Write the 5-byte header for `schemaId` into `target` at `offset`. */
export function writeWireHeader(target: Buffer, schemaId: number, offset = 0): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > MAX_SCHEMA_ID) {
    throw new RangeError(`schema id must be an integer in [0, ${MAX_SCHEMA_ID}], got ${schemaId}`);
  }
  target[offset] = MAGIC_BYTE;
  target.writeUInt32BE(schemaId, offset + 1);
}

/** Frame an already encoded Avro body: header + body, in one new buffer. */
export function frame(schemaId: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_LENGTH + body.length);
  writeWireHeader(out, schemaId);
  out.set(body, WIRE_HEADER_LENGTH);
  return out;
}

/** Split a framed record into its schema id and Avro body (a view, not a copy). */
export function unframe(bytes: Uint8Array): { schemaId: number; body: Buffer } {
  const schemaId = readSchemaId(bytes);
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { schemaId, body: buf.subarray(WIRE_HEADER_LENGTH) };
}
