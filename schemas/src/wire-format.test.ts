import { SchemaDecodeError } from './errors';
import {
  frame,
  MAGIC_BYTE,
  readSchemaId,
  unframe,
  WIRE_HEADER_LENGTH,
  writeWireHeader,
} from './wire-format';

describe('Confluent wire format', () => {
  it('frames a body as magic byte 0, big-endian id, body', () => {
    const framed = frame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect([...framed]).toEqual([MAGIC_BYTE, 1, 2, 3, 4, 0xaa, 0xbb]);
    expect(readSchemaId(framed)).toBe(0x01020304);
  });

  it('reads ids above 2^31 as positive numbers', () => {
    expect(readSchemaId(frame(0xfffffffe, Buffer.alloc(0)))).toBe(0xfffffffe);
  });

  it('unframes into the id and a view of the body', () => {
    const { schemaId, body } = unframe(new Uint8Array([0, 0, 0, 0, 102, 9, 8]));
    expect(schemaId).toBe(102);
    expect([...body]).toEqual([9, 8]);
  });

  it.each([
    ['null', null, 'FS_DECODE_TOO_SHORT'],
    ['empty', Buffer.alloc(0), 'FS_DECODE_TOO_SHORT'],
    ['4 bytes', Buffer.from([0, 0, 0, 1]), 'FS_DECODE_TOO_SHORT'],
    ['JSON', Buffer.from('{"a":1}'), 'FS_DECODE_MAGIC_BYTE'],
    ['magic byte 1', Buffer.from([1, 0, 0, 0, 1]), 'FS_DECODE_MAGIC_BYTE'],
  ])('rejects %s with %s', (_name, bytes, code) => {
    let caught: unknown;
    try {
      readSchemaId(bytes);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SchemaDecodeError);
    expect((caught as SchemaDecodeError).code).toBe(code);
    expect((caught as SchemaDecodeError).retriable).toBe(false);
  });

  it('refuses ids that do not fit the header', () => {
    const buf = Buffer.alloc(WIRE_HEADER_LENGTH);
    expect(() => writeWireHeader(buf, -1)).toThrow(RangeError);
    expect(() => writeWireHeader(buf, 2 ** 32)).toThrow(RangeError);
    expect(() => writeWireHeader(buf, 1.5)).toThrow(RangeError);
  });
});
