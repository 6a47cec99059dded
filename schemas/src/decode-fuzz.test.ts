import * as fc from 'fast-check';
import { checkBodyBounds } from './body-guard';
import { createEmbeddedRegistry } from './embedded-registry';
import { SchemaDecodeError } from './errors';
import {
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
} from './sample-records';
import { RECORD_NAMES, type RecordName } from './schema-catalog';
import { AvroSerde } from './serde';
import { frame } from './wire-format';

// Whatever a producer puts on the topic, decoding either succeeds or throws our typed
// SchemaDecodeError, and always returns promptly (a hang would blow the test timeout).
const serde = new AvroSerde(createEmbeddedRegistry());
const ids = serde.catalog.schemas.map((s) => s.embeddedId);
let valid: { record: RecordName; bytes: Buffer }[] = [];

beforeAll(async () => {
  valid = [];
  for (let n = 0; n < 8; n++) {
    valid.push({
      record: 'Transaction',
      bytes: await serde.encode('Transaction', sampleTransaction(n)),
    });
    valid.push({
      record: 'Transaction',
      bytes: await serde.encode('Transaction', sampleTransaction(n), { version: 1 }),
    });
    valid.push({ record: 'Verdict', bytes: await serde.encode('Verdict', sampleVerdict(n)) });
    valid.push({
      record: 'FraudLabel',
      bytes: await serde.encode('FraudLabel', sampleFraudLabel(n)),
    });
    valid.push({
      record: 'DeadLetter',
      bytes: await serde.encode('DeadLetter', sampleDeadLetter(n)),
    });
  }
});

/** Decode with every reader; the only acceptable failure is a SchemaDecodeError. */
async function decodesOrTypedError(bytes: Uint8Array): Promise<boolean> {
  for (const reader of [...RECORD_NAMES, undefined]) {
    try {
      await (reader ? serde.decode(bytes, reader) : serde.decode(bytes));
    } catch (err) {
      if (!(err instanceof SchemaDecodeError)) throw err;
    }
    const [outcome] = await serde.decodeBatch([bytes], reader ?? 'Transaction');
    if (!outcome) return false;
  }
  return true;
}

const RUNS = { numRuns: 400 };

describe('decode fuzzing', () => {
  jest.setTimeout(60_000);

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), decodesOrTypedError), RUNS);
  });

  it('random bodies behind a valid header with a known schema id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 300 }), (id, body) =>
        decodesOrTypedError(frame(id, body)),
      ),
      RUNS,
    );
  });

  it('truncated valid records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), async (pick, cut) => {
        const { bytes } = valid[pick % valid.length] as { bytes: Buffer };
        return decodesOrTypedError(bytes.subarray(0, cut % bytes.length));
      }),
      RUNS,
    );
  });

  it('bit-flipped valid records', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        async (pick, flips) => {
          const bytes = Buffer.from((valid[pick % valid.length] as { bytes: Buffer }).bytes);
          for (const flip of flips) {
            const bit = flip % (bytes.length * 8);
            bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
          }
          return decodesOrTypedError(bytes);
        },
      ),
      RUNS,
    );
  });

  it('random valid values of every record round-trip (avsc type.random)', async () => {
    for (const schema of serde.catalog.schemas) {
      for (let i = 0; i < 50; i++) {
        const value: unknown = schema.type.random();
        const bytes = frame(schema.embeddedId, schema.type.toBuffer(value));
        const decoded = await serde.decode(bytes);
        expect(schema.type.compare(decoded.value, value)).toBe(0);
      }
    }
  });

  // Regression: avsc trusts array block counts, so a count of 2^31 in a 60-byte record used to
  // loop two billion times. The body guard must turn it into FS_DECODE_BODY at once.
  it('a huge array block count is a corrupt body, not a hang', async () => {
    const verdict = serde.catalog.latest('Verdict');
    const good = await serde.encode('Verdict', sampleVerdict(1, { reason_codes: [] }));
    // reason_codes is written as a single 0 byte when empty; replace it with a count of 2^31.
    const body = good.subarray(5);
    const prefix = verdict.type.toBuffer(sampleVerdict(1, { reason_codes: [] }));
    expect(body).toEqual(prefix);
    const emptyArrayAt = findEmptyArrayOffset(body);
    const hugeCount = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10]); // zig-zag 2^31
    const corrupt = frame(
      201,
      Buffer.concat([body.subarray(0, emptyArrayAt), hugeCount, body.subarray(emptyArrayAt + 1)]),
    );
    expect(checkBodyBounds(verdict.type, corrupt, 5)).toMatch(/cannot fit/);
    await expect(serde.decode(corrupt, 'Verdict')).rejects.toMatchObject({
      code: 'FS_DECODE_BODY',
    });
  });
});

// Offset of reason_codes (an empty array) in a Verdict body: the byte after model_version.
function findEmptyArrayOffset(body: Buffer): number {
  const marker = Buffer.from('ffnn-2018-08-15-a1b2c3d');
  return body.indexOf(marker) + marker.length;
}
