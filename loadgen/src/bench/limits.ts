// Plain-sentence explanations of what limited a run, from the CPU it used and how it failed:
// the machine's cores, one saturated worker process, the load generator itself, or waits that
// are not CPU at all. Heuristics, stated with the numbers they rest on.
import type { LoadReport, PhaseReport } from '../load/load-report';
import type { CpuSample } from '../measure/cpu-sampler';
import type { LatencySummary } from '../measure/latency-histogram';
import { meanCpu } from '../load/run-monitor';

/** Busy share from which the machine counts as CPU-bound. */
const MACHINE_BUSY = 0.9;
/** Cores from which one Node process counts as saturated (it runs JavaScript on one thread). */
const PROCESS_SATURATED = 0.85;

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}

function cores(x: number): string {
  return `${x.toFixed(2)} cores`;
}

/** Explains one CPU picture; `label` names the stretch of the run it covers. */
export function explainCpu(cpu: CpuSample, machineCores: number, label: string): string[] {
  const out: string[] = [];
  const watched = Object.entries(cpu.processCores).filter(
    (e): e is [string, number] => e[1] !== null,
  );
  const workers = watched.filter(([name]) => name.startsWith('worker'));
  const others = watched.filter(([name]) => !name.startsWith('worker'));
  const workerCores = workers.reduce((n, [, c]) => n + c, 0);
  const busyCores = cpu.machineBusy * machineCores;
  const rest = Math.max(0, busyCores - cpu.selfCores - watched.reduce((n, [, c]) => n + c, 0));
  const named = others.map(([name, c]) => `, ${name} ${cores(c)}`).join('');
  const restIs = others.length > 0 ? 'everything else' : 'the rest (Kafka, Redis, other processes)';
  const split = `load generator ${cores(cpu.selfCores)}${workers.length > 0 ? `, workers ${cores(workerCores)}` : ''}${named}, ${restIs} ${cores(rest)}`;
  if (cpu.machineBusy >= MACHINE_BUSY) {
    out.push(
      `${label}: CPU-bound — the ${machineCores} cores were ${pct(cpu.machineBusy)} busy (${split}).`,
    );
  } else {
    out.push(`${label}: the ${machineCores} cores were ${pct(cpu.machineBusy)} busy (${split}).`);
  }
  for (const [name, c] of workers) {
    if (c >= PROCESS_SATURATED) {
      out.push(
        `${label}: ${name} used ${cores(c)}: one Node process runs its JavaScript on one core, so this worker was saturated; more worker processes (up to the partition count) or less work per transaction would raise it.`,
      );
    }
  }
  if (cpu.selfCores >= PROCESS_SATURATED) {
    out.push(
      `${label}: the load generator used ${cores(cpu.selfCores)} and is itself near its single-core limit at this rate.`,
    );
  }
  return out;
}

/** What limited a phase that was not held (or the last phase of the run). */
export function explainPhase(report: LoadReport, phase: PhaseReport): string[] {
  const label = `${phase.name}`;
  const out = phase.notHeldBecause.map((r) => `${label}: not held — ${r}.`);
  if (phase.cpu !== null) out.push(...explainCpu(phase.cpu, report.machine.cores, label));
  if (
    phase.cpu !== null &&
    phase.cpu.machineBusy < MACHINE_BUSY &&
    phase.notHeldBecause.length > 0
  ) {
    out.push(
      `${label}: not CPU-bound, so the time goes to waits: fetch waits, produce batching and commits in the worker, and the produce round trip (p99 ${report.sending.requestP99Ms?.toFixed(1) ?? '?'} ms here).`,
    );
  }
  return out;
}

/** What limited a whole run (CPU over all its samples, sender shortfall, delivery problems). */
export function explainRun(report: LoadReport, label: string): string[] {
  const out: string[] = [];
  const cpu = meanCpu(report.series.map((p) => p.cpu));
  if (cpu !== null) out.push(...explainCpu(cpu, report.machine.cores, label));
  const s = report.sending;
  if (s.achievedTps < 0.95 * s.targetTps) {
    out.push(
      `${label}: the sender offered ${s.achievedTps.toFixed(0)} of ${s.targetTps.toFixed(0)} tx/s (most due and unsent: ${s.maxDueUnsent}).`,
    );
  }
  if (report.machine.loadAverage1m > report.machine.cores) {
    out.push(
      `${label}: the machine was already loaded when the run started (1-minute load average ${report.machine.loadAverage1m} on ${report.machine.cores} cores): other work competed for the CPU.`,
    );
  }
  const v = report.verdicts;
  if (v.lost > 0)
    out.push(
      `${label}: ${v.lost} transactions got no verdict within the ${report.parameters.graceMs} ms grace period.`,
    );
  if (v.duplicates > 0)
    out.push(
      `${label}: ${v.duplicates} duplicate verdicts (redeliveries after a rebalance or a retried send).`,
    );
  if (v.deadLetters > 0) out.push(`${label}: ${v.deadLetters} transactions were dead-lettered.`);
  return out;
}

/**
 * What the transport alone took at the same rate (a passthrough run of the same invocation),
 * against the p99 target: whether the target is within reach of any scoring at all.
 */
export function explainAgainstTransport(
  s: LatencySummary,
  t: LatencySummary,
  p99TargetMs: number,
): string[] {
  if (s.p99Ms === null || t.p99Ms === null) return [];
  const alone = `the transport alone (passthrough workers at the same rate and length, this invocation) had p50 ${t.p50Ms?.toFixed(1) ?? '?'} ms and p99 ${t.p99Ms.toFixed(1)} ms`;
  const added = s.p99Ms - t.p99Ms;
  const scoringPart =
    added > 0
      ? `scoring added ${added.toFixed(1)} ms at p99`
      : `the scoring run's p99 was ${(-added).toFixed(1)} ms lower still (the difference is the machine's noise)`;
  if (t.p99Ms > p99TargetMs) {
    return [
      `${alone}: over the ${p99TargetMs} ms target before anything is scored, so this p99 is set by Kafka's two hops and how quickly this machine wakes idle processes; ${scoringPart}.`,
    ];
  }
  return [`${alone}, within the ${p99TargetMs} ms target; ${scoringPart}.`];
}
