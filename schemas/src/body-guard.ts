// A bounds check of an Avro body before avsc decodes it. avsc trusts array and map block
// counts: a corrupt count of 2^31 makes it loop (and allocate) two billion times past the end of
// a 200-byte buffer. This walk skips through the body with the writer schema and rejects any
// count or length that cannot fit in the bytes that are left, in time linear in the body size.
// The serde runs it only for writer schemas that contain an array or a map.
// Hand-written because avsc has no decode option that bounds block counts or lengths.
import type * as avro from 'avsc';

/** Most items an array or map of zero-byte items (null, empty record) may claim. */
const MAX_ZERO_SIZE_ITEMS = 1_000_000;

class GuardFailure extends Error {}

const minSizes = new WeakMap<avro.Type, number>();

/** True when decoding with `type` needs the guard: it has an array or map somewhere. */
export function needsBodyGuard(type: avro.Type, seen = new Set<avro.Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  switch (type.typeName) {
    case 'array':
    case 'map':
      return true;
    case 'record':
    case 'error':
      return (type as avro.types.RecordType).fields.some((f) => needsBodyGuard(f.type, seen));
    default:
      return type.typeName.startsWith('union')
        ? (type as avro.types.UnwrappedUnionType).types.some((t) => needsBodyGuard(t, seen))
        : false;
  }
}

/** Position in the buffer being checked. */
interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
}

/** Skips one value of a type, throwing GuardFailure when a size cannot be right. */
type Skipper = (c: Cursor) => void;

// One skipper per type, built once: the check runs per record on the hot path, so it must not
// re-dispatch on type names for every field.
const skippers = new WeakMap<avro.Type, Skipper>();

/**
 * Check that `buf[start..]` can be a value of `type` as far as sizes go. Returns undefined when
 * it can, else a description of the first impossible count or length.
 */
export function checkBodyBounds(
  type: avro.Type,
  buf: Uint8Array,
  start: number,
): string | undefined {
  const cursor: Cursor = { buf, pos: start };
  try {
    skipperFor(type)(cursor);
    return undefined;
  } catch (err) {
    if (err instanceof GuardFailure) return err.message;
    throw err;
  }
}

function fail(c: Cursor, message: string): never {
  throw new GuardFailure(`${message} at byte ${c.pos}`);
}

function readLong(c: Cursor): number {
  const { buf } = c;
  let result = 0;
  let factor = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= buf.length) fail(c, 'truncated varint');
    const b = buf[c.pos++] as number;
    result += (b & 0x7f) * factor;
    if ((b & 0x80) === 0) {
      // Zig-zag decoding in float arithmetic: exact up to 2^53, enough to compare sizes.
      return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    }
    factor *= 128;
  }
  return fail(c, 'varint longer than 10 bytes');
}

function advance(c: Cursor, n: number): void {
  if (n < 0 || c.pos + n > c.buf.length)
    fail(c, `length ${n} runs past the end of the ${c.buf.length}-byte record`);
  c.pos += n;
}

const skipNothing: Skipper = () => undefined;
const skipLong: Skipper = (c) => {
  readLong(c);
};
const skipSized: Skipper = (c) => advance(c, readLong(c));
const fixedSkipper =
  (n: number): Skipper =>
  (c) =>
    advance(c, n);

function skipperFor(type: avro.Type): Skipper {
  const known = skippers.get(type);
  if (known) return known;
  // Recursive types reach themselves while being built: route through the map until done.
  skippers.set(type, (c) => (skippers.get(type) as Skipper)(c));
  const built = buildSkipper(type);
  skippers.set(type, built);
  return built;
}

function buildSkipper(type: avro.Type): Skipper {
  switch (type.typeName) {
    case 'null':
      return skipNothing;
    case 'boolean':
      return fixedSkipper(1);
    case 'int':
    case 'long':
    case 'enum':
      return skipLong;
    case 'float':
      return fixedSkipper(4);
    case 'double':
      return fixedSkipper(8);
    case 'string':
    case 'bytes':
      return skipSized;
    case 'fixed':
      return fixedSkipper((type as unknown as { size: number }).size);
    case 'record':
    case 'error': {
      const fields = (type as avro.types.RecordType).fields.map((f) => skipperFor(f.type));
      return (c) => {
        for (let i = 0; i < fields.length; i++) (fields[i] as Skipper)(c);
      };
    }
    case 'array':
      return blockSkipper((type as avro.types.ArrayType).itemsType, false);
    case 'map':
      return blockSkipper((type as avro.types.MapType).valuesType as avro.Type, true);
    default: {
      if (!type.typeName.startsWith('union'))
        return (c) => fail(c, `unsupported type ${type.typeName}`);
      const branches = (type as avro.types.UnwrappedUnionType).types.map((t) => skipperFor(t));
      return (c) => {
        const index = readLong(c);
        const branch = branches[index];
        if (!branch) fail(c, `union branch ${index} does not exist`);
        branch(c);
      };
    }
  }
}

function blockSkipper(items: avro.Type, isMap: boolean): Skipper {
  const itemSize = (isMap ? 1 : 0) + minSize(items);
  const skipItem = skipperFor(items);
  return (c) => {
    for (;;) {
      let count = readLong(c);
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        readLong(c); // block size in bytes, a hint we do not need
      }
      const left = c.buf.length - c.pos;
      if (itemSize > 0 ? count * itemSize > left : count > MAX_ZERO_SIZE_ITEMS) {
        fail(c, `block of ${count} items cannot fit in the ${left} bytes left`);
      }
      for (let i = 0; i < count; i++) {
        if (isMap) advance(c, readLong(c));
        skipItem(c);
      }
    }
  };
}

/** Fewest bytes any value of `type` takes in Avro binary. */
function minSize(type: avro.Type, seen = new Set<avro.Type>()): number {
  const cached = minSizes.get(type);
  if (cached !== undefined) return cached;
  if (seen.has(type)) return 0; // recursive type: be conservative
  seen.add(type);
  let size: number;
  switch (type.typeName) {
    case 'null':
      size = 0;
      break;
    case 'float':
      size = 4;
      break;
    case 'double':
      size = 8;
      break;
    case 'fixed':
      size = (type as unknown as { size: number }).size;
      break;
    case 'record':
    case 'error':
      size = (type as avro.types.RecordType).fields.reduce(
        (sum, f) => sum + minSize(f.type, seen),
        0,
      );
      break;
    default:
      // boolean, int, long, enum, string, bytes, array, map, union: at least one byte
      size = 1;
  }
  minSizes.set(type, size);
  return size;
}
