import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SchemaConfigError } from './errors';
import {
  DEFAULT_AVRO_DIR,
  EMBEDDED_ID_BLOCKS,
  loadSchemaCatalog,
  RECORD_NAMES,
  recordFileStem,
} from './schema-catalog';
import { lintCatalog, lintSchemaJson } from './schema-lint';

describe('schema catalog', () => {
  const catalog = loadSchemaCatalog();

  it('holds every record, versions from 1', () => {
    for (const record of RECORD_NAMES) {
      const versions = catalog.versions(record).map((s) => s.version);
      expect(versions[0]).toBe(1);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
    }
  });

  // These ids are inside every record ever produced with the embedded registry and inside the
  // fixtures: changing one strands data.
  it('gives the released versions their pinned embedded ids', () => {
    expect(catalog.schemas.map((s) => [s.record, s.version, s.embeddedId])).toEqual(
      expect.arrayContaining([
        ['Transaction', 1, 101],
        ['Transaction', 2, 102],
        ['Verdict', 1, 201],
        ['FraudLabel', 1, 301],
        ['DeadLetter', 1, 401],
        ['DeadLetter', 2, 402],
      ]),
    );
    expect(EMBEDDED_ID_BLOCKS).toEqual({
      Transaction: 100,
      Verdict: 200,
      FraudLabel: 300,
      DeadLetter: 400,
    });
  });

  it('has a namespace and a doc on every record, enum and field', () => {
    expect(lintCatalog(catalog)).toEqual([]);
  });

  it('lint names an undocumented field', () => {
    const schema = {
      type: 'record',
      name: 'Transaction',
      namespace: 'io.fraudstream',
      doc: 'x',
      fields: [{ name: 'amount_minor', type: 'long' }],
    };
    expect(lintSchemaJson('t.avsc', schema)).toEqual([
      't.avsc: Transaction.amount_minor: every field needs a "doc"',
    ]);
  });

  it('names files after their record', () => {
    expect(recordFileStem('FraudLabel')).toBe('fraud-label');
    expect(recordFileStem('Transaction')).toBe('transaction');
  });

  describe('refuses a folder that would make ids unstable', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-catalog-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const copy = (from: string, to: string): void =>
      fs.copyFileSync(path.join(DEFAULT_AVRO_DIR, from), path.join(dir, to));

    it.each([
      [
        'a gap in versions',
        () => copy('transaction-v1.avsc', 'transaction-v2.avsc'),
        /v2 where v1 was expected/,
      ],
      [
        'a file named after another record',
        () => copy('verdict-v1.avsc', 'transaction-v1.avsc'),
        /must be named verdict-v1.avsc/,
      ],
      [
        'a file without a version',
        () => copy('verdict-v1.avsc', 'verdict.avsc'),
        /<record>-v<N>\.avsc/,
      ],
      [
        'invalid JSON',
        () => fs.writeFileSync(path.join(dir, 'verdict-v1.avsc'), '{'),
        /not valid JSON/,
      ],
    ])('%s', (_name, setUp, message) => {
      setUp();
      expect(() => loadSchemaCatalog(dir)).toThrow(SchemaConfigError);
      expect(() => loadSchemaCatalog(dir)).toThrow(message);
    });
  });
});
