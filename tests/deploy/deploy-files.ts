// The deploy files as data for the deploy checks: the Kubernetes manifests parsed, the Dockerfile's
// instructions, the local stack's topics.conf. Only the fields the checks read are typed; a
// manifest missing one of them fails the check that reads it, not this reader.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');
export const K8S_DIR = join(ROOT, 'deploy', 'k8s');

/** One Kubernetes object of deploy/k8s, with the file it came from. */
export interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** Every YAML file of deploy/k8s, by name (`worker.yaml`). */
export function k8sFiles(): string[] {
  return readdirSync(K8S_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** Every object of every file of deploy/k8s (kustomization.yaml included). */
export function readManifests(): Manifest[] {
  return k8sFiles().flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8'))
      .map((doc) => doc.toJS() as Record<string, unknown> | null)
      .filter((m): m is Record<string, unknown> => m !== null)
      .map((m) => ({ ...m, file }) as Manifest),
  );
}

/** The objects of one kind. */
export function ofKind(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The object of `kind` named `name`; throws when deploy/k8s has none. */
export function theOne(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`deploy/k8s has no ${kind} ${name}`);
  return found;
}

/** A field by path (`spec.template.spec`), or undefined when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const step of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

/** `at`, for a field that must be an array (an absent one is empty). */
export function listAt(value: unknown, path: string): Record<string, unknown>[] {
  const v = at(value, path);
  return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
}

/** A Dockerfile instruction: its keyword (upper case) and the rest of its (joined) line. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The instructions of deploy/docker/Dockerfile, comments dropped, continuations joined. */
export function dockerfileInstructions(): Instruction[] {
  const text = readFileSync(join(ROOT, 'deploy', 'docker', 'Dockerfile'), 'utf8');
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => /^\s*([A-Za-z]+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ keyword: (m[1] ?? '').toUpperCase(), args: (m[2] ?? '').trim() }));
}

/** A topic line of deploy/local/topics.conf: its variable (if any), default name, partitions. */
export interface TopicLine {
  readonly variable: string | undefined;
  readonly name: string;
  readonly partitions: number;
}

export function topicsConf(): TopicLine[] {
  return readFileSync(join(ROOT, 'deploy', 'local', 'topics.conf'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const f = line.split(/\s+/);
      return f.length === 3
        ? { variable: f[0], name: f[1] ?? '', partitions: Number(f[2]) }
        : { variable: undefined, name: f[0] ?? '', partitions: Number(f[1]) };
    });
}
