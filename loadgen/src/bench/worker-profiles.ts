// The CPU profiles of a benchmark's workers (`bench --profile`): where each worker writes its
// .cpuprofile, reading and summarising them once the fleet has stopped (V8 writes the file
// only when the process exits cleanly), and the compact roll-up `--json` prints.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CpuProfileFormatError, LoadgenError } from '../errors';
import type { WorkerCpuProfile, WorkerExit } from './bench-types';
import type { CpuProfileSummary, PackageTime } from './cpu-profile';
import { parseCpuProfile, summariseCpuProfile } from './cpu-profile';

/** The CPU profile of one worker of one run. */
export interface WorkerProfile {
  /** Label of the run (see BenchRun.label). */
  readonly run: string;
  readonly worker: 'scoring' | 'passthrough';
  /** 1-based number of the worker in its fleet. */
  readonly index: number;
  /** The .cpuprofile, relative to the report directory (open it in Chrome DevTools). */
  readonly file: string;
  /** Null when there is no usable profile (see `missing`). */
  readonly summary: CpuProfileSummary | null;
  /** Why there is no summary, e.g. "no profile written (...)"; null when there is one. */
  readonly missing: string | null;
}

/** The compact profile figures of `bench --json` (snake_case, like the other figures). */
export interface CompactProfile {
  /** Which workers' profiles are summed: the scoring workers', or else the passthrough ones'. */
  readonly worker: 'scoring' | 'passthrough';
  readonly profiles: number;
  /** Workers that wrote no (usable) profile. */
  readonly no_profile: number;
  readonly wall_ms: number;
  readonly busy_ms: number;
  readonly busy_share: number;
  /** Self time by package: ms, and share of the busy time. */
  readonly packages: Readonly<Record<string, { readonly ms: number; readonly share: number }>>;
}

/** Packages under this share of the busy time are summed into one "other packages" line. */
export const MINOR_PACKAGE_SHARE = 0.005;

/** Packages at or above {@link MINOR_PACKAGE_SHARE}, the rest summed into `(N other packages)`. */
export function foldMinorPackages(packages: readonly PackageTime[]): PackageTime[] {
  const major = packages.filter((p) => p.busyShare >= MINOR_PACKAGE_SHARE);
  const minor = packages.filter((p) => p.busyShare < MINOR_PACKAGE_SHARE);
  if (minor.length === 0) return major;
  return [
    ...major,
    {
      package: `(${minor.length} other package${minor.length > 1 ? 's' : ''})`,
      selfMs: minor.reduce((n, p) => n + p.selfMs, 0),
      busyShare: minor.reduce((n, p) => n + p.busyShare, 0),
    },
  ];
}

/** The repository root, from this file's place in loadgen/dist/bench. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Profile file of worker `index` (0-based) of the run `slug`, under `dir`. */
export function workerProfileSpec(dir: string, slug: string, index: number): WorkerCpuProfile {
  return { dir, name: `${slug}.worker-${index + 1}.cpuprofile` };
}

function isNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT'
  );
}

function exitText(exit: WorkerExit): string {
  const how = exit.signal ?? `exit code ${String(exit.code)}`;
  return exit.beforeStop ? `the worker died during the run (${how})` : `the worker ended by ${how}`;
}

/**
 * Reads and summarises one worker's profile; a missing or unreadable one is said, not thrown.
 * `exit` (from the launcher, when it knows) says why a profile is missing.
 */
export async function readWorkerProfile(
  spec: WorkerCpuProfile,
  identity: Pick<WorkerProfile, 'run' | 'worker' | 'index'>,
  repoRoot: string = REPO_ROOT,
  exit?: WorkerExit,
): Promise<WorkerProfile> {
  const full = path.join(spec.dir, spec.name);
  const file = path.join(path.basename(spec.dir), spec.name);
  const without = (missing: string): WorkerProfile => ({
    ...identity,
    file,
    summary: null,
    missing,
  });
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    if (isNotFound(error)) {
      // V8 writes the profile only on a clean exit.
      return without(
        exit === undefined
          ? 'no profile written (the worker was killed, e.g. by SIGKILL after its stop timeout, or its launcher runs it in-process)'
          : `no profile written: ${exitText(exit)}`,
      );
    }
    return without(
      `profile not readable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CpuProfileFormatError(file, 'not JSON, probably truncated', error);
    }
    return {
      ...identity,
      file,
      summary: summariseCpuProfile(parseCpuProfile(raw, file), { repoRoot }),
      missing: null,
    };
  } catch (error) {
    if (error instanceof LoadgenError) return without(`${error.code}: ${error.message}`);
    throw error;
  }
}

/** The `profile` field of `--json`: busy share and package roll-up summed over the workers. */
export function compactProfile(profiles: readonly WorkerProfile[]): CompactProfile | null {
  if (profiles.length === 0) return null;
  // The scoring workers are what the benchmark is about; passthrough only has its own.
  const worker = profiles.some((p) => p.worker === 'scoring') ? 'scoring' : 'passthrough';
  const mine = profiles.filter((p) => p.worker === worker);
  const summaries = mine.flatMap((p) => (p.summary === null ? [] : [p.summary]));
  const wallMs = summaries.reduce((n, s) => n + s.wallMs, 0);
  const busyMs = summaries.reduce((n, s) => n + s.busyMs, 0);
  const byPackage = new Map<string, number>();
  for (const s of summaries) {
    for (const p of s.packages)
      byPackage.set(p.package, (byPackage.get(p.package) ?? 0) + p.selfMs);
  }
  const share = (ms: number): number => (busyMs > 0 ? ms / busyMs : 0);
  const packages = foldMinorPackages(
    [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => ({ package: name, selfMs: ms, busyShare: share(ms) })),
  );
  const round = (x: number, digits: number): number => Number(x.toFixed(digits));
  return {
    worker,
    profiles: summaries.length,
    no_profile: mine.length - summaries.length,
    wall_ms: round(wallMs, 1),
    busy_ms: round(busyMs, 1),
    busy_share: wallMs > 0 ? round(busyMs / wallMs, 4) : 0,
    packages: Object.fromEntries(
      packages.map((p) => [p.package, { ms: round(p.selfMs, 1), share: round(p.busyShare, 4) }]),
    ),
  };
}
