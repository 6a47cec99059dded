// House rules for the .avsc files beyond what Avro itself requires: producers read the schemas
// as the contract's documentation, so every record, enum and field explains itself.
import { SCHEMA_NAMESPACE, type SchemaCatalog } from './schema-catalog';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Problems with one schema's documentation and naming, as `file: path: message` lines. */
export function lintSchemaJson(label: string, schema: unknown): string[] {
  const problems: string[] = [];
  const root = schema as Json;
  if (!isObject(root) || root['namespace'] !== SCHEMA_NAMESPACE) {
    problems.push(`${label}: the top-level record must declare "namespace": "${SCHEMA_NAMESPACE}"`);
  }
  walk(root, isObject(root) && typeof root['name'] === 'string' ? root['name'] : '<root>');
  return problems;

  function walk(node: Json, path: string): void {
    if (Array.isArray(node)) {
      node.forEach((branch) => walk(branch, path));
      return;
    }
    if (!isObject(node)) return;
    const kind = node['type'];
    if (kind === 'record' || kind === 'enum' || kind === 'fixed') {
      if (!isNonEmptyString(node['doc']))
        problems.push(`${label}: ${path}: ${kind} ${JSON.stringify(node['name'])} needs a "doc"`);
    }
    if (kind === 'record' && Array.isArray(node['fields'])) {
      for (const field of node['fields']) {
        if (!isObject(field)) continue;
        const name =
          typeof field['name'] === 'string' ? field['name'] : JSON.stringify(field['name']);
        const fieldPath = `${path}.${name}`;
        if (!SNAKE_CASE.test(name))
          problems.push(`${label}: ${fieldPath}: field names are snake_case`);
        if (!isNonEmptyString(field['doc']))
          problems.push(`${label}: ${fieldPath}: every field needs a "doc"`);
        walk(field['type'] ?? null, fieldPath);
      }
      return;
    }
    if (kind === 'array') walk(node['items'] ?? null, `${path}[]`);
    if (kind === 'map') walk(node['values'] ?? null, `${path}{}`);
    if (isObject(kind) || Array.isArray(kind)) walk(kind, path);
  }
}

/** Lint every schema of a catalog; empty when all follow the house rules. */
export function lintCatalog(catalog: SchemaCatalog): string[] {
  return catalog.schemas.flatMap((s) => lintSchemaJson(s.file, JSON.parse(s.text)));
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyString(v: Json | undefined): boolean {
  return typeof v === 'string' && v.trim().length > 0;
}
