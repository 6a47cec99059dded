// Summary of a V8 CPU profile (the .cpuprofile a `node --cpu-prof` process writes on exit): how
// much of the wall time the thread was busy, which functions took the most self time, and self
// time rolled up by package — enough to say what limits a worker without opening DevTools.
import { fileURLToPath } from 'node:url';
import { CpuProfileFormatError } from '../errors';

/** One function of a profile's call tree (the fields the summary reads). */
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    /** 0-based, -1 when unknown. */
    readonly lineNumber: number;
  };
}

/** The fields of a .cpuprofile the summary reads (times in microseconds). */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  /** Node id of each sample. */
  readonly samples: readonly number[];
  /** Microseconds from the previous sample to each sample. */
  readonly timeDeltas: readonly number[];
}

/** Self time of one function. */
export interface FunctionTime {
  /** Function name, `(anonymous)` when it has none. */
  readonly name: string;
  /** Relative to the repository, `node_modules/<pkg>/...`, `node:...`, or '' (native). */
  readonly file: string;
  /** 1-based; null when V8 does not know it. */
  readonly line: number | null;
  readonly package: string;
  readonly selfMs: number;
  /** Share of the busy time, 0..1. */
  readonly busyShare: number;
}

/** Self time of one package (see {@link packageOf}). */
export interface PackageTime {
  readonly package: string;
  readonly selfMs: number;
  /** Share of the busy time, 0..1. */
  readonly busyShare: number;
}

/** What a profile says about where a thread's time went. */
export interface CpuProfileSummary {
  /** From the profile's start to its end. */
  readonly wallMs: number;
  /** Not idle: JS, GC and native work on the thread. */
  readonly busyMs: number;
  /** busyMs / wallMs (0 for an empty profile). */
  readonly busyShare: number;
  readonly idleMs: number;
  readonly gcMs: number;
  readonly samples: number;
  /** Functions by self time, highest first (idle left out). */
  readonly topFunctions: readonly FunctionTime[];
  /** Every package with self time, highest first (idle left out). */
  readonly packages: readonly PackageTime[];
}

/** Options of {@link summariseCpuProfile}. */
export interface CpuProfileSummaryOptions {
  /** Absolute path of the repository; files under it are shown relative to it. */
  readonly repoRoot: string;
  /** How many functions to list. @defaultValue 15 */
  readonly topFunctions?: number;
}

/** Package groups of the roll-up that are not a package of their own. */
export const PROFILE_GROUPS = Object.freeze({
  node: 'node internals',
  gc: 'GC',
  native: 'native/program',
  other: 'other',
});

// Scopes whose packages are one concern each: summing them keeps the roll-up short.
const GROUPED_SCOPES = new Set(['@tensorflow', '@opentelemetry']);

const IDLE = '(idle)';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function numberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'number');
}

/** Checks that `raw` (parsed JSON) has the shape of a .cpuprofile; `source` names it in errors. */
export function parseCpuProfile(raw: unknown, source: string): CpuProfile {
  const bad = (what: string): CpuProfileFormatError => new CpuProfileFormatError(source, what);
  if (!isRecord(raw)) throw bad('not a JSON object');
  const { nodes, startTime, endTime, samples, timeDeltas } = raw;
  if (typeof startTime !== 'number' || typeof endTime !== 'number') {
    throw bad('startTime and endTime must be numbers');
  }
  if (!numberArray(samples) || !numberArray(timeDeltas)) {
    throw bad('samples and timeDeltas must be arrays of numbers');
  }
  if (samples.length !== timeDeltas.length) {
    throw bad(`${samples.length} samples but ${timeDeltas.length} timeDeltas`);
  }
  if (!Array.isArray(nodes)) throw bad('nodes must be an array');
  const parsed = nodes.map((n: unknown, i): CpuProfileNode => {
    const frame = isRecord(n) ? n.callFrame : undefined;
    if (!isRecord(n) || typeof n.id !== 'number' || !isRecord(frame)) {
      throw bad(`nodes[${i}] has no id or callFrame`);
    }
    return {
      id: n.id,
      callFrame: {
        functionName: typeof frame.functionName === 'string' ? frame.functionName : '',
        url: typeof frame.url === 'string' ? frame.url : '',
        lineNumber: typeof frame.lineNumber === 'number' ? frame.lineNumber : -1,
      },
    };
  });
  return { nodes: parsed, startTime, endTime, samples, timeDeltas };
}

/** A script URL as a path: file:// URLs decoded, anything else as it is. */
function pathOf(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

/** `kafkajs` or `@scope/name` from the part of a path after `node_modules/`. */
function packageName(afterNodeModules: string): string {
  const parts = afterNodeModules.split('/');
  const first = parts[0] ?? '';
  return first.startsWith('@') ? `${first}/${parts[1] ?? ''}` : first;
}

/** The file of a frame as shown in the summary (see {@link FunctionTime.file}). */
export function displayFile(url: string, repoRoot: string): string {
  const file = pathOf(url);
  // The last node_modules wins: a dependency's own nested dependency is what ran.
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + 1);
  const root = repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`;
  if (file.startsWith(root)) return file.slice(root.length);
  return file;
}

/**
 * The roll-up group of a frame: a dependency by package name (the `@tensorflow` and
 * `@opentelemetry` scopes as one group each), `@fraudstream/<folder>` for the repository's own
 * code (the monorepo's packages run from `<folder>/dist`), node internals, GC, or native.
 */
export function packageOf(functionName: string, url: string, repoRoot: string): string {
  if (url === '') {
    return functionName === '(garbage collector)' ? PROFILE_GROUPS.gc : PROFILE_GROUPS.native;
  }
  if (url.startsWith('node:') || url.startsWith('internal/')) return PROFILE_GROUPS.node;
  const file = displayFile(url, repoRoot);
  if (file.startsWith('node_modules/')) {
    const name = packageName(file.slice('node_modules/'.length));
    const scope = name.split('/')[0] ?? name;
    return GROUPED_SCOPES.has(scope) ? `${scope}/*` : name;
  }
  if (file !== pathOf(url) && file.includes('/')) {
    const folder = file.split('/')[0] ?? '';
    return `@fraudstream/${folder}`;
  }
  return PROFILE_GROUPS.other;
}

function byMsDesc<T extends { readonly selfMs: number }>(a: T, b: T): number {
  return b.selfMs - a.selfMs;
}

/** Busy time, top functions by self time, and self time by package, of one profile. */
export function summariseCpuProfile(
  profile: CpuProfile,
  options: CpuProfileSummaryOptions,
): CpuProfileSummary {
  const top = options.topFunctions ?? 15;
  // Self time of a node = the time deltas of the samples taken in it (V8 attributes each delta
  // to the sample it precedes, as DevTools does).
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
  });
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<
    string,
    { name: string; file: string; line: number | null; package: string; us: number }
  >();
  const packages = new Map<string, number>();
  let idleUs = 0;
  let gcUs = 0;
  let sampledUs = 0;
  for (const [id, us] of selfUs) {
    sampledUs += us;
    const frame = nodes.get(id)?.callFrame ?? {
      functionName: '(unknown)',
      url: '',
      lineNumber: -1,
    };
    if (frame.functionName === IDLE && frame.url === '') {
      idleUs += us;
      continue;
    }
    const pkg = packageOf(frame.functionName, frame.url, options.repoRoot);
    if (pkg === PROFILE_GROUPS.gc) gcUs += us;
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const file = frame.url === '' ? '' : displayFile(frame.url, options.repoRoot);
    const line = frame.lineNumber >= 0 ? frame.lineNumber + 1 : null;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const key = `${name}\u0000${file}\u0000${String(line)}`;
    const f = functions.get(key);
    if (f === undefined) functions.set(key, { name, file, line, package: pkg, us });
    else f.us += us;
  }
  const busyUs = sampledUs - idleUs;
  const share = (us: number): number => (busyUs > 0 ? us / busyUs : 0);
  const wallMs = Math.max(0, profile.endTime - profile.startTime) / 1000;
  const busyMs = busyUs / 1000;
  return {
    wallMs,
    busyMs,
    busyShare: wallMs > 0 ? Math.min(1, busyMs / wallMs) : 0,
    idleMs: idleUs / 1000,
    gcMs: gcUs / 1000,
    samples: profile.samples.length,
    topFunctions: [...functions.values()]
      .map((f) => ({
        name: f.name,
        file: f.file,
        line: f.line,
        package: f.package,
        selfMs: f.us / 1000,
        busyShare: share(f.us),
      }))
      .sort(byMsDesc)
      .slice(0, top),
    packages: [...packages]
      .map(([name, us]) => ({ package: name, selfMs: us / 1000, busyShare: share(us) }))
      .sort(byMsDesc),
  };
}
