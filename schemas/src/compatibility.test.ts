import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { schemasCommand } from './cli/schemas-command';
import {
  assertCatalogCompatible,
  checkCatalogCompatibility,
  findResolutionProblems,
} from './compatibility';
import { SchemaCompatibilityError } from './errors';
import { createAvroType, DEFAULT_AVRO_DIR, loadSchemaCatalog } from './schema-catalog';

type SchemaJson = {
  fields: { name: string; type: unknown; default?: unknown; doc?: string }[];
} & Record<string, unknown>;

function readSchema(file: string): SchemaJson {
  return JSON.parse(fs.readFileSync(path.join(DEFAULT_AVRO_DIR, file), 'utf8')) as SchemaJson;
}

describe('compatibility check of the released schemas', () => {
  it('finds every version pair FULL compatible (backward and forward)', () => {
    const catalog = loadSchemaCatalog();
    expect(checkCatalogCompatibility(catalog)).toEqual([]);
    expect(() => assertCatalogCompatible(catalog)).not.toThrow();
  });

  it('agrees with avsc: every pair it accepts, avsc can resolve', () => {
    const catalog = loadSchemaCatalog();
    for (const reader of catalog.schemas) {
      for (const writer of catalog.versions(reader.record)) {
        expect(() => reader.type.createResolver(writer.type)).not.toThrow();
      }
    }
  });
});

// The done-when of issue #3: a deliberately breaking change, made on a copy of the schemas, is
// reported by the check with the field named.
describe('a breaking change on a copy of the schemas', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-compat-'));
    for (const f of fs.readdirSync(DEFAULT_AVRO_DIR))
      fs.copyFileSync(path.join(DEFAULT_AVRO_DIR, f), path.join(dir, f));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeV3(change: (schema: SchemaJson) => void): void {
    const schema = readSchema('transaction-v2.avsc');
    change(schema);
    fs.writeFileSync(path.join(dir, 'transaction-v3.avsc'), JSON.stringify(schema, null, 2));
  }

  const cases: [string, (s: SchemaJson) => void, string, 'backward' | 'forward', RegExp][] = [
    [
      'a field removed (old readers have no default for it)',
      (s) => {
        s.fields = s.fields.filter((f) => f.name !== 'terminal_id');
      },
      'Transaction.terminal_id',
      'forward',
      /missing from the writer and has no default/,
    ],
    [
      'a field changed from long to string',
      (s) => {
        const f = s.fields.find((x) => x.name === 'amount_minor');
        if (f) f.type = 'string';
      },
      'Transaction.amount_minor',
      'backward',
      /type changed from long \(writer\) to string \(reader\)/,
    ],
    [
      'a required field added without a default',
      (s) => {
        s.fields.push({ name: 'card_country', type: 'string', doc: 'x' });
      },
      'Transaction.card_country',
      'backward',
      /no default/,
    ],
    [
      'a field narrowed from long to int',
      (s) => {
        const f = s.fields.find((x) => x.name === 'amount_minor');
        if (f) f.type = 'int';
      },
      'Transaction.amount_minor',
      'backward',
      /cannot promote/,
    ],
  ];

  it.each(cases)(
    '%s is reported with the field named',
    (_name, change, field, direction, message) => {
      writeV3(change);
      const issues = checkCatalogCompatibility(loadSchemaCatalog(dir));
      const match = issues.find((i) => i.path === field && i.direction === direction);
      expect(match?.message).toMatch(message);
      expect(() => assertCatalogCompatible(loadSchemaCatalog(dir))).toThrow(
        SchemaCompatibilityError,
      );
      expect(() => assertCatalogCompatible(loadSchemaCatalog(dir))).toThrow(field);
    },
  );

  it('the check command fails and prints the field', async () => {
    writeV3((s) => {
      s.fields = s.fields.filter((f) => f.name !== 'customer_id');
    });
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => {
      errors.push(line);
    });
    try {
      expect(await schemasCommand.run(['check', '--dir', dir])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toContain('Transaction.customer_id');
  });

  it('the check command passes on the untouched copy', async () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await schemasCommand.run(['check', '--dir', dir])).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('resolution rules', () => {
  const record = (fields: unknown[], name = 'R'): ReturnType<typeof createAvroType> =>
    createAvroType({ type: 'record', name, fields } as never);

  it.each([
    ['int -> long promotion', 'int', 'long', []],
    ['long -> double promotion', 'long', 'double', []],
    ['string <-> bytes', 'string', 'bytes', []],
    ['double -> float is not allowed', 'double', 'float', ['R.x']],
    ['string -> nullable string', 'string', ['null', 'string'], []],
    [
      'nullable string -> string (null branch unreadable)',
      ['null', 'string'],
      'string',
      ['R.x<null>'],
    ],
  ])('%s', (_name, writerType, readerType, paths) => {
    const problems = findResolutionProblems(
      record([{ name: 'x', type: readerType }]),
      record([{ name: 'x', type: writerType }]),
    );
    expect(problems.map((p) => p.path)).toEqual(paths);
  });

  it('accepts new enum symbols when the reader enum has a default', () => {
    const enumType = (symbols: string[], dflt?: string): unknown => ({
      type: 'enum',
      name: 'E',
      symbols,
      default: dflt,
    });
    const reader = record([{ name: 'e', type: enumType(['A', 'Z'], 'Z') }]);
    const readerNoDefault = record([{ name: 'e', type: enumType(['A', 'Z']) }]);
    const writer = record([{ name: 'e', type: enumType(['A', 'B', 'Z']) }]);
    expect(findResolutionProblems(reader, writer)).toEqual([]);
    expect(findResolutionProblems(readerNoDefault, writer)).toEqual([
      { path: 'R.e', message: expect.stringContaining('B') as string },
    ]);
  });

  it('follows arrays into their items', () => {
    const item = (t: string): unknown => ({
      type: 'array',
      items: { type: 'record', name: 'I', fields: [{ name: 'v', type: t }] },
    });
    const problems = findResolutionProblems(
      record([{ name: 'xs', type: item('boolean') }]),
      record([{ name: 'xs', type: item('int') }]),
    );
    expect(problems.map((p) => p.path)).toEqual(['R.xs[].v']);
  });

  it('reports a renamed record without alias', () => {
    expect(findResolutionProblems(record([], 'New'), record([], 'Old'))[0]?.message).toMatch(
      /renamed from Old to New/,
    );
    const aliased = createAvroType({
      type: 'record',
      name: 'New',
      aliases: ['Old'],
      fields: [],
    } as never);
    expect(findResolutionProblems(aliased, record([], 'Old'))).toEqual([]);
  });
});
