// The structure docs/architecture.md draws, held against the code: packages depend one way
// (runtime below tooling), no import cycles, and no two folders of a package import each other.
import type { PackageName, SourceFile } from './import-graph';
import { findCycles, folderOf, packageOf, readSourceGraph, PACKAGES } from './import-graph';

/** What each package may import of the others: the graph of docs/architecture.md. */
const ALLOWED: Readonly<Record<PackageName, readonly PackageName[]>> = {
  settings: [],
  schemas: ['settings'],
  simulator: ['settings'],
  charts: [],
  models: ['settings', 'schemas', 'simulator', 'charts'],
  workers: ['settings', 'schemas', 'models'],
  loadgen: ['settings', 'schemas', 'simulator', 'charts', 'models', 'workers'],
  cli: ['settings', 'schemas', 'models', 'workers', 'loadgen'],
};

/** Modules the scoring worker's runtime must never reach: tooling, reports, training. */
const NOT_IN_WORKER_RUNTIME = [
  /^@fraudstream\/loadgen/,
  /^@fraudstream\/charts/,
  /^@fraudstream\/simulator/,
  /^@fraudstream\/cli/,
  /^@fraudstream\/models\/training/,
  /^@fraudstream\/schemas\/cli/,
  /^@resvg\//,
];

/** The files of models that only training, evaluation and backfill use. */
const TRAINING_FILES =
  /^models\/src\/(evaluation\/|backfill\/|cli\/|training\.ts$|model\/train\.ts$)/;

const graph = readSourceGraph();
const byFile = new Map(graph.map((f) => [f.file, f]));

/** Every file reachable from `entry` through local imports, with the entry itself. */
function reachable(entry: string): SourceFile[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(byFile.get(file)?.local ?? []));
  }
  return [...seen].map((f) => byFile.get(f)).filter((f): f is SourceFile => f !== undefined);
}

describe('architecture', () => {
  it('reads the source of every package', () => {
    for (const pkg of PACKAGES) expect(graph.some((f) => f.pkg === pkg)).toBe(true);
    expect(byFile.get('workers/src/worker.ts')?.local.length).toBeGreaterThan(3);
  });

  it('packages import only the packages below them', () => {
    const wrong = graph.flatMap((f) =>
      f.external
        .map(packageOf)
        .filter((p): p is PackageName => p !== undefined && p !== f.pkg)
        .filter((p) => !ALLOWED[f.pkg].includes(p))
        .map((p) => `${f.file} imports @fraudstream/${p}`),
    );
    expect(wrong).toEqual([]);
  });

  it('the package graph has no cycle', () => {
    const edges = new Map(Object.entries(ALLOWED).map(([k, v]) => [k, [...v] as string[]]));
    expect(findCycles(edges)).toEqual([]);
  });

  it('no file imports a file that imports it back, through any chain', () => {
    const edges = new Map(graph.map((f) => [f.file, f.local]));
    expect(findCycles(edges)).toEqual([]);
  });

  it('no two folders of one package import each other both ways', () => {
    const pairs = new Set<string>();
    for (const f of graph) {
      const from = folderOf(f.file);
      for (const target of f.local) {
        const to = folderOf(target);
        // Files directly in src/ (the entry point, errors.ts) sit above and below every folder.
        if (from !== '' && to !== '' && from !== to) pairs.add(`${f.pkg}:${from}->${to}`);
      }
    }
    const twoWay = [...pairs].filter((p) => {
      const [pkg, rest] = p.split(':') as [string, string];
      const [from, to] = rest.split('->') as [string, string];
      return from < to && pairs.has(`${pkg}:${to}->${from}`);
    });
    expect(twoWay).toEqual([]);
  });

  it('the worker runtime reaches no load generator, benchmark, report, chart or training code', () => {
    const entries = ['workers/src/index.ts', 'workers/src/cli/worker-command.ts'];
    const files = entries.flatMap(reachable);
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((f) =>
      f.external
        .filter((spec) => NOT_IN_WORKER_RUNTIME.some((re) => re.test(spec)))
        .map((spec) => `${f.file} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("models' runtime entry reaches no training, simulator or chart code", () => {
    const files = reachable('models/src/index.ts');
    const offending = files.flatMap((f) =>
      f.external
        .filter((spec) => /^@fraudstream\/(simulator|charts)/.test(spec))
        .map((spec) => `${f.file} imports ${spec}`),
    );
    expect(offending).toEqual([]);
    const training = files.map((f) => f.file).filter((f) => TRAINING_FILES.test(f));
    expect(training).toEqual([]);
  });
});

describe('findCycles', () => {
  it('finds a cycle through a chain and a self-import, and none in a tree', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(findCycles(cyclic)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
        ]),
      ),
    ).toEqual([]);
  });
});
