// Renders src/record-types.ts from the newest version of each record, so the TypeScript shapes
// can never drift from the .avsc files: a test renders again and compares with the file.
import type * as avro from 'avsc';
import { RECORD_NAMES, type SchemaCatalog } from '../schema-catalog';

/** Path of the generated file, relative to the package root. */
export const RECORD_TYPES_FILE = 'src/record-types.ts';

const MAX_LINE = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The TypeScript source of record-types.ts for a catalog. */
export function renderRecordTypes(catalog: SchemaCatalog): string {
  const out: string[] = [
    '// GENERATED from schemas/avro/*.avsc by `npm run codegen -w @fraudstream/schemas`. Do not edit:',
    '// change the .avsc files and run it again (a test fails while this file is stale).',
    '//',
    '// Shapes of the newest version of each record as AvroSerde decodes them: long and',
    '// timestamp-millis are numbers (epoch milliseconds), bytes are Buffers, nullable unions are',
    '// `T | null`, enums are string unions.',
    '',
  ];
  const emitted = new Set<string>();
  const latest = RECORD_NAMES.map((r) => catalog.latest(r));
  for (const schema of latest) {
    emitNamed(
      JSON.parse(schema.text) as JsonObject,
      `${schema.record} v${schema.version}`,
      out,
      emitted,
    );
  }
  out.push('/** Record name -> decoded shape, for typed encode/decode. */');
  out.push('export interface RecordTypes {');
  for (const schema of latest) out.push(`  ${schema.record}: ${schema.record};`);
  out.push('}');
  out.push('');
  out.push('/** Newest version of each record, the one these types describe. */');
  out.push('export const RECORD_TYPE_VERSIONS = {');
  for (const schema of latest) out.push(`  ${schema.record}: ${schema.version},`);
  out.push('} as const;');
  return `${out.join('\n')}\n`;
}

// Named types are emitted before the type that uses them, each once.
function emitNamed(schema: JsonObject, source: string, out: string[], emitted: Set<string>): void {
  const name = str(schema['name']);
  if (emitted.has(name)) return;
  emitted.add(name);
  if (schema['type'] === 'enum') {
    const symbols = (schema['symbols'] as string[]).map((s) => `'${s}'`);
    const constName = `${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_SYMBOLS`;
    out.push(...docLines(`${str(schema['doc'] ?? name)} (from ${source})`, ''));
    out.push(...wrapList(`export const ${constName} = [`, symbols, '] as const;'));
    out.push(`/** One of ${constName}. */`);
    out.push(`export type ${name} = (typeof ${constName})[number];`);
    out.push('');
    return;
  }
  const fields = schema['fields'] as JsonObject[];
  for (const field of fields) collectNamed(field['type'] ?? null, source, out, emitted);
  out.push(...docLines(`${str(schema['doc'] ?? name)} (from ${source})`, ''));
  out.push(`export interface ${name} {`);
  for (const field of fields) {
    const type = field['type'] ?? null;
    const logical = logicalOf(type);
    const doc = `${str(field['doc'] ?? '')}${logical ? ` (Avro ${logical})` : ''}`;
    out.push(...docLines(doc, '  '));
    out.push(`  ${str(field['name'])}: ${tsType(type)};`);
  }
  out.push('}');
  out.push('');
}

function collectNamed(type: Json, source: string, out: string[], emitted: Set<string>): void {
  if (Array.isArray(type)) {
    type.forEach((t) => collectNamed(t, source, out, emitted));
    return;
  }
  if (typeof type !== 'object' || type === null) return;
  const kind = type['type'];
  if (kind === 'record' || kind === 'enum') emitNamed(type, source, out, emitted);
  else if (kind === 'array') collectNamed(type['items'] ?? null, source, out, emitted);
  else if (kind === 'map') collectNamed(type['values'] ?? null, source, out, emitted);
}

function str(value: Json | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function tsType(type: Json): string {
  if (Array.isArray(type)) {
    // `T | null` reads better than Avro's null-first order.
    const branches = type.map(tsType);
    return [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')].join(
      ' | ',
    );
  }
  if (typeof type === 'string') return primitive(type);
  if (typeof type !== 'object' || type === null)
    throw new Error(`unsupported schema ${JSON.stringify(type)}`);
  const kind = type['type'];
  switch (kind) {
    case 'record':
    case 'enum':
    case 'fixed':
      return kind === 'fixed' ? 'Buffer' : str(type['name']);
    case 'array':
      return `${wrapUnion(tsType(type['items'] ?? null))}[]`;
    case 'map':
      return `Record<string, ${tsType(type['values'] ?? null)}>`;
    default:
      return typeof kind === 'string' ? primitive(kind) : tsType(kind ?? null);
  }
}

function primitive(name: string): string {
  switch (name) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'string':
      return 'string';
    case 'bytes':
      return 'Buffer';
    default:
      return name; // a named type referenced by name
  }
}

function wrapUnion(ts: string): string {
  return ts.includes(' | ') ? `(${ts})` : ts;
}

function logicalOf(type: Json): string | undefined {
  if (Array.isArray(type)) return type.map(logicalOf).find((l) => l !== undefined);
  if (typeof type === 'object' && type !== null && typeof type['logicalType'] === 'string') {
    return `${type['logicalType']}: epoch milliseconds as a number`;
  }
  return undefined;
}

function docLines(text: string, indent: string): string[] {
  const width = MAX_LINE - indent.length - 3;
  const words = text.replace(/\*\//g, '*\\/').split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length === 1 && indent.length + 7 + (lines[0] ?? '').length <= MAX_LINE) {
    return [`${indent}/** ${lines[0] ?? ''} */`];
  }
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function wrapList(open: string, items: string[], close: string): string[] {
  const oneLine = `${open}${items.join(', ')}${close}`;
  if (oneLine.length <= MAX_LINE) return [oneLine];
  return [open, ...items.map((i) => `  ${i},`), close];
}

/** Avro types used by a record's fields, for tests that cross-check the generated shapes. */
export function fieldNames(type: avro.Type): string[] {
  return (type as avro.types.RecordType).fields.map((f) => f.name);
}
