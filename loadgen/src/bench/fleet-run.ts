// One load run of a benchmark on a fleet of its own: fresh topics, N workers in a fresh group,
// the load, then everything torn down again, whatever happened.
import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { LoadAbortedError, LoadOptionsError } from '../errors';
import type { PhaseCheck } from '../load/load-options';
import type { RateProfile } from '../load/rate-profile';
import { runLoad } from '../load/run-load';
import type { CompiledBenchOptions } from './bench-options';
import type { BenchRun } from './bench-result';
import type { StartWorker } from './bench-types';
import { createRunTopics, deleteRunTopics, runTopicNames } from './bench-topics';
import { startFleet } from './fleet';
import { passthroughLauncher } from './passthrough-process';

/** Shared state of one benchmark invocation. */
export interface BenchContext {
  readonly options: CompiledBenchOptions;
  readonly admin: Admin;
  readonly scenario: string;
}

/** One run to make. */
export interface FleetRunSpec {
  readonly label: string;
  readonly worker: 'scoring' | 'passthrough';
  readonly workers: number;
  readonly profile: RateProfile;
  readonly durationMs?: number;
  readonly stopWhen?: (check: PhaseCheck) => boolean;
}

function slugOf(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function launcherFor(ctx: BenchContext, worker: FleetRunSpec['worker']): StartWorker {
  const o = ctx.options;
  if (worker === 'passthrough') {
    return typeof o.passthrough === 'function' ? o.passthrough : passthroughLauncher(o.passthrough);
  }
  if (o.startWorker === undefined) {
    throw new LoadOptionsError(
      'startWorker',
      `a scoring-worker launcher for the ${ctx.scenario} scenario`,
      undefined,
    );
  }
  return o.startWorker;
}

/** Makes one run on a fleet of its own and returns its report. */
export async function runOnFleet(ctx: BenchContext, spec: FleetRunSpec): Promise<BenchRun> {
  const o = ctx.options;
  if (o.signal?.aborted === true) throw new LoadAbortedError(spec.label);
  const start = launcherFor(ctx, spec.worker);
  const tag = `${ctx.scenario}-${randomBytes(3).toString('hex')}`;
  const topics = runTopicNames(tag);
  const groupId = `fraudstream-bench-${tag}`;
  o.log(`[${spec.label}] creating topics *-${tag} (${o.partitions} partitions)`);
  await createRunTopics(ctx.admin, topics, o.partitions);
  try {
    o.log(
      `[${spec.label}] starting ${spec.workers} ${spec.worker} worker${spec.workers > 1 ? 's' : ''}`,
    );
    const fleet = await startFleet(ctx.admin, start, {
      size: spec.workers,
      brokers: o.brokers,
      groupId,
      topics,
      runTag: tag,
      readyTimeoutMs: o.fleetReadyTimeoutMs,
    });
    try {
      o.log(`[${spec.label}] fleet joined group ${groupId}; sending`);
      const report = await runLoad(
        {
          ...o.load,
          brokers: o.brokers,
          topics,
          profile: spec.profile,
          durationMs: spec.durationMs,
          workerGroupId: groupId,
          stopWhen: spec.stopWhen,
          watchProcesses: () => [...fleet.processes(), ...o.watchProcesses()],
          signal: o.signal,
        },
        o.observer(spec.label),
      );
      return {
        label: spec.label,
        slug: slugOf(spec.label),
        worker: spec.worker,
        workers: spec.workers,
        report,
      };
    } finally {
      o.log(`[${spec.label}] stopping the fleet`);
      await fleet.stop();
    }
  } finally {
    if (!o.keepTopics) await deleteRunTopics(ctx.admin, topics);
  }
}
