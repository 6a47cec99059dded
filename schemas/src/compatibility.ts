// Avro schema resolution rules (Avro 1.11 specification, "Schema Resolution"), checked
// statically so a breaking change fails the build with the offending field named. avsc's own
// createResolver enforces the same rules at run time but reports only the first failure and
// often without a path; tests keep the two in agreement.
import type * as avro from 'avsc';
import { type CompatibilityIssue, SchemaCompatibilityError } from './errors';
import type { RecordName, SchemaCatalog } from './schema-catalog';
import { RECORD_NAMES } from './schema-catalog';

/** A problem found when a reader schema reads a writer schema, before it gets a direction. */
export interface ResolutionProblem {
  readonly path: string;
  readonly message: string;
}

// Writer type -> reader types it may be promoted to (besides itself).
const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

interface RecordField {
  readonly name: string;
  readonly type: avro.Type;
  readonly aliases: string[];
  defaultValue(): unknown;
}

function shortName(type: avro.Type): string {
  const name = type.name ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

function typeLabel(type: avro.Type): string {
  if (PRIMITIVES.has(type.typeName)) return type.typeName;
  if (type.typeName.startsWith('union')) {
    return `union [${unionBranches(type).map(typeLabel).join(', ')}]`;
  }
  if (type.typeName === 'array')
    return `array<${typeLabel((type as avro.types.ArrayType).itemsType)}>`;
  if (type.typeName === 'map')
    return `map<${typeLabel((type as avro.types.MapType).valuesType as avro.Type)}>`;
  return `${type.typeName} ${shortName(type)}`;
}

function unionBranches(type: avro.Type): avro.Type[] {
  return (type as avro.types.UnwrappedUnionType).types;
}

function isUnion(type: avro.Type): boolean {
  return type.typeName.startsWith('union');
}

function namesMatch(reader: avro.Type, writer: avro.Type): boolean {
  // The spec compares unqualified names; the reader's aliases may name the writer's old name.
  const writerName = shortName(writer);
  if (shortName(reader) === writerName) return true;
  return (reader.aliases ?? []).some((a) => a.slice(a.lastIndexOf('.') + 1) === writerName);
}

/** True when a value written as `writer` could be read as `reader` without deeper checks failing at this level. */
function branchMatches(reader: avro.Type, writer: avro.Type): boolean {
  if (reader.typeName === writer.typeName) {
    return PRIMITIVES.has(reader.typeName) ||
      reader.typeName === 'array' ||
      reader.typeName === 'map'
      ? true
      : namesMatch(reader, writer);
  }
  return PROMOTIONS[writer.typeName]?.includes(reader.typeName) ?? false;
}

/**
 * Every reason why data written with `writer` cannot be read with `reader`; empty when it can.
 * `path` starts at `root` (the record name) and follows fields, `[]` for array items, `{}` for
 * map values and `<type>` for union branches.
 */
export function findResolutionProblems(
  reader: avro.Type,
  writer: avro.Type,
  root: string = shortName(reader) || reader.typeName,
): ResolutionProblem[] {
  const problems: ResolutionProblem[] = [];
  // Named types may recurse; each (reader, writer) pair is checked once.
  const seen = new Set<string>();
  visit(reader, writer, root);
  return problems;

  function visit(r: avro.Type, w: avro.Type, path: string): void {
    if (isUnion(w)) {
      // Every branch the writer may use must be readable.
      for (const branch of unionBranches(w)) {
        visit(r, branch, isUnion(r) ? path : `${path}<${typeLabel(branch)}>`);
      }
      return;
    }
    if (isUnion(r)) {
      const match =
        unionBranches(r).find((b) => b.typeName === w.typeName && branchMatches(b, w)) ??
        unionBranches(r).find((b) => branchMatches(b, w));
      if (!match) {
        problems.push({
          path,
          message: `writer type ${typeLabel(w)} matches no branch of reader ${typeLabel(r)}`,
        });
        return;
      }
      visit(match, w, path);
      return;
    }
    if (!branchMatches(r, w)) {
      const renamed = r.typeName === w.typeName && !PRIMITIVES.has(r.typeName);
      problems.push({
        path,
        message: renamed
          ? `${r.typeName} renamed from ${shortName(w)} to ${shortName(r)} without an alias`
          : `type changed from ${typeLabel(w)} (writer) to ${typeLabel(r)} (reader), which Avro cannot promote`,
      });
      return;
    }
    switch (r.typeName) {
      case 'record':
      case 'error':
        visitRecord(r as avro.types.RecordType, w as avro.types.RecordType, path);
        return;
      case 'enum':
        visitEnum(r as avro.types.EnumType, w as avro.types.EnumType, path);
        return;
      case 'fixed': {
        const rs = (r as unknown as { size: number }).size;
        const ws = (w as unknown as { size: number }).size;
        if (rs !== ws) problems.push({ path, message: `fixed size changed from ${ws} to ${rs}` });
        return;
      }
      case 'array':
        visit(
          (r as avro.types.ArrayType).itemsType,
          (w as avro.types.ArrayType).itemsType,
          `${path}[]`,
        );
        return;
      case 'map':
        visit(
          (r as avro.types.MapType).valuesType as avro.Type,
          (w as avro.types.MapType).valuesType as avro.Type,
          `${path}{}`,
        );
        return;
      default:
        return; // primitives: same type or a legal promotion
    }
  }

  function visitRecord(r: avro.types.RecordType, w: avro.types.RecordType, path: string): void {
    const key = `${r.name ?? ''}|${w.name ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const writerFields = new Map((w.fields as RecordField[]).map((f) => [f.name, f]));
    for (const field of r.fields as RecordField[]) {
      const names = [field.name, ...(field.aliases ?? [])];
      const matches = names.filter((n) => writerFields.has(n));
      const fieldPath = `${path}.${field.name}`;
      if (matches.length > 1) {
        problems.push({
          path: fieldPath,
          message: `aliases match several writer fields (${matches.join(', ')})`,
        });
        continue;
      }
      const writerField = matches[0] === undefined ? undefined : writerFields.get(matches[0]);
      if (!writerField) {
        if (field.defaultValue() === undefined) {
          problems.push({
            path: fieldPath,
            message: 'reader field is missing from the writer and has no default',
          });
        }
        continue;
      }
      visit(field.type, writerField.type, fieldPath);
    }
  }

  function visitEnum(r: avro.types.EnumType, w: avro.types.EnumType, path: string): void {
    const readerDefault = (r as unknown as { default?: string }).default;
    if (readerDefault !== undefined) return; // unknown symbols fall back to the default
    const missing = w.symbols.filter((s) => !r.symbols.includes(s));
    if (missing.length > 0) {
      problems.push({
        path,
        message: `writer symbols ${missing.join(', ')} are unknown to the reader, whose enum has no default`,
      });
    }
  }
}

/** Backward and forward problems between two versions of one record. */
export function checkVersionPair(
  record: string,
  older: { version: number; type: avro.Type },
  newer: { version: number; type: avro.Type },
): CompatibilityIssue[] {
  const subject = `${record} v${older.version} -> v${newer.version}`;
  const backward = findResolutionProblems(newer.type, older.type, record).map((p) => ({
    subject,
    direction: 'backward' as const,
    path: p.path,
    message: `v${newer.version} reader cannot read v${older.version} data: ${p.message}`,
  }));
  const forward = findResolutionProblems(older.type, newer.type, record).map((p) => ({
    subject,
    direction: 'forward' as const,
    path: p.path,
    message: `v${older.version} reader cannot read v${newer.version} data: ${p.message}`,
  }));
  return [...backward, ...forward];
}

/**
 * FULL_TRANSITIVE check of a catalog: every version of every record can read, and be read by,
 * every other version. Returns all issues (empty when the schemas may be released).
 */
export function checkCatalogCompatibility(catalog: SchemaCatalog): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  const records = new Set<RecordName>([...RECORD_NAMES, ...catalog.schemas.map((s) => s.record)]);
  for (const record of records) {
    const versions = catalog.versions(record);
    for (let i = 0; i < versions.length; i++) {
      for (let j = i + 1; j < versions.length; j++) {
        const older = versions[i];
        const newer = versions[j];
        if (older && newer) issues.push(...checkVersionPair(record, older, newer));
      }
    }
  }
  return issues;
}

/** Throw a SchemaCompatibilityError naming every offending field, if there is any. */
export function assertCatalogCompatible(catalog: SchemaCatalog): void {
  const issues = checkCatalogCompatibility(catalog);
  if (issues.length > 0) throw new SchemaCompatibilityError(issues);
}
