// The import graph of the packages' source, read from the files as text: what the architecture
// tests hold the code to (no cycles, folders that import one way, packages that follow the roles).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is tests/architecture/import-graph.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The workspace packages whose source the graph covers, lowest layer first. */
export const PACKAGES = [
  'settings',
  'schemas',
  'simulator',
  'charts',
  'models',
  'workers',
  'loadgen',
  'cli',
] as const;

/** One workspace package's folder name. */
export type PackageName = (typeof PACKAGES)[number];

/** One source file and what it imports: files of its own package, and other modules by name. */
export interface SourceFile {
  /** Path from the repository root, e.g. `workers/src/worker.ts`. */
  readonly file: string;
  readonly pkg: PackageName;
  /** Repository-relative paths of the files of the same package it imports. */
  readonly local: string[];
  /** Bare specifiers it imports, e.g. `@fraudstream/models/training`, `kafkajs`. */
  readonly external: string[];
}

const SPECIFIER =
  /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?|\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s+from\s+|\bimport\(\s*|\brequire\(\s*)['"]([^'"]+)['"]/g;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function resolveLocal(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every non-test TypeScript source file of every package, with its imports. */
export function readSourceGraph(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const pkg of PACKAGES) {
    const src = path.join(REPO_ROOT, pkg, 'src');
    for (const full of walk(src)) {
      if (!full.endsWith('.ts') || full.endsWith('.test.ts') || full.endsWith('.d.ts')) continue;
      const text = readFileSync(full, 'utf8');
      const local: string[] = [];
      const external: string[] = [];
      for (const match of text.matchAll(SPECIFIER)) {
        const spec = match[1] as string;
        if (spec.startsWith('.')) {
          const target = resolveLocal(full, spec);
          if (target === undefined) throw new Error(`${full}: cannot resolve import '${spec}'`);
          local.push(path.relative(REPO_ROOT, target));
        } else {
          external.push(spec);
        }
      }
      files.push({ file: path.relative(REPO_ROOT, full), pkg, local, external });
    }
  }
  return files;
}

/** The cycles of a directed graph (strongly connected components of more than one node, or a self-loop). */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indexOf.get(next) as number));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) {
        cycles.push(component.sort());
      }
    }
  };
  for (const node of edges.keys()) if (!indexOf.has(node)) visit(node);
  return cycles;
}

/** The package an `@fraudstream/…` specifier names (undefined for third-party modules). */
export function packageOf(spec: string): PackageName | undefined {
  const match = /^@fraudstream\/([^/]+)/.exec(spec);
  const name = match?.[1];
  return (PACKAGES as readonly string[]).includes(name ?? '') ? (name as PackageName) : undefined;
}

/** The folder of a file inside its package's `src/` ('' for files directly in `src/`). */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 3 ? (parts[2] as string) : '';
}
