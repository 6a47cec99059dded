// Where the CPU went during a run: the whole machine's busy share, this process's cores, and
// the cores of watched processes (workers) read from /proc. On a 2-core machine running Kafka,
// Redis, workers and the load generator together, this is usually what limits the figures,
// so the report shows it next to them. Outside Linux the per-process figures are null.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** A process to watch, by name. */
export interface WatchedProcess {
  readonly label: string;
  readonly pid: number;
}

/** CPU use over one interval. */
export interface CpuSample {
  /** Share of all cores busy (0–1). */
  readonly machineBusy: number;
  /** Cores used by this process (1 = one full core). */
  readonly selfCores: number;
  /** Cores used by each watched process; null when it could not be read. */
  readonly processCores: Readonly<Record<string, number | null>>;
}

function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/** utime + stime of a process in clock ticks, from /proc/<pid>/stat; null if unreadable. */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Linux's USER_HZ; 100 on every mainstream kernel configuration. */
const TICKS_PER_SECOND = 100;

/** Samples CPU use between successive calls to `sample()`. */
export class CpuSampler {
  private lastMachine = machineTimes();
  private lastSelf = process.cpuUsage();
  private lastAt = performance.now();
  private lastTicks = new Map<number, number | null>();

  /** `watched` are read on every sample (a list that can change, e.g. workers restarting). */
  constructor(private readonly watched: () => readonly WatchedProcess[] = () => []) {
    for (const p of watched()) this.lastTicks.set(p.pid, processTicks(p.pid));
  }

  /** CPU use since the previous sample (or the construction). */
  sample(): CpuSample {
    const now = performance.now();
    const seconds = Math.max(1e-3, (now - this.lastAt) / 1000);
    const machine = machineTimes();
    const dTotal = machine.total - this.lastMachine.total;
    const machineBusy = dTotal <= 0 ? 0 : (machine.busy - this.lastMachine.busy) / dTotal;
    const self = process.cpuUsage();
    const selfCores =
      (self.user - this.lastSelf.user + self.system - this.lastSelf.system) / 1e6 / seconds;
    const processCores: Record<string, number | null> = {};
    const ticks = new Map<number, number | null>();
    for (const p of this.watched()) {
      const t = processTicks(p.pid);
      const before = this.lastTicks.get(p.pid);
      ticks.set(p.pid, t);
      processCores[p.label] =
        t === null || before === undefined || before === null
          ? null
          : (t - before) / TICKS_PER_SECOND / seconds;
    }
    this.lastMachine = machine;
    this.lastSelf = self;
    this.lastAt = now;
    this.lastTicks = ticks;
    return { machineBusy, selfCores, processCores };
  }
}
