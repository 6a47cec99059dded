// The machine a run was measured on: benchmark figures mean nothing without it.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';

/** Where and on what code a run was made. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly nodeVersion: string;
  readonly platform: string;
  /** 1-minute load average when the run started (other work competing for the cores). */
  readonly loadAverage1m: number;
  /** `git rev-parse HEAD`, or null outside a git checkout. */
  readonly gitCommit: string | null;
  /** Whether the working tree had uncommitted changes (null when unknown). */
  readonly gitDirty: boolean | null;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Describes this machine and the git checkout at `cwd` (default: the one this package lives in). */
export function describeMachine(cwd: string = __dirname): MachineInfo {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain'], cwd);
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    nodeVersion: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    gitCommit: git(['rev-parse', 'HEAD'], cwd),
    gitDirty: status === null ? null : status.length > 0,
  };
}
