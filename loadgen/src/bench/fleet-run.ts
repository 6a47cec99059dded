// One load run of a benchmark on a fleet of its own: fresh topics, N workers in a fresh group,
// the load, then everything torn down again, whatever happened.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Admin } from 'kafkajs';
import { DataIoError } from '@fraudstream/simulator';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import { LoadAbortedError, LoadOptionsError } from '../errors';
import type { PhaseCheck } from '../load/load-options';
import type { RateProfile } from '../load/rate-profile';
import { runLoad } from '../load/run-load';
import type { BenchLoadOptions, CompiledBenchOptions } from './bench-options';
import type { BenchRun } from './bench-result';
import type { StartWorker, WorkerCpuProfile } from './bench-types';
import { createRunTopics, deleteRunTopics, runTopicNames } from './bench-topics';
import { backfillFleetHistory, startFleet } from './fleet';
import { passthroughLauncher } from './passthrough-process';
import { readWorkerProfile, workerProfileSpec } from './worker-profiles';

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
  /** The Kafka client the workers run on. @defaultValue the benchmark's first client */
  readonly client?: KafkaClientName;
  readonly profile: RateProfile;
  readonly durationMs?: number;
  readonly stopWhen?: (check: PhaseCheck) => boolean;
  /** Settings of worker `index` on top of the fleet's (see {@link FleetSpec.env}). */
  readonly workerEnv?: (index: number) => Readonly<Record<string, string>>;
  /** Load options of this run on top of the benchmark's. */
  readonly load?: BenchLoadOptions;
  /** Runs after the load, while the fleet still runs (e.g. to scrape the workers' /metrics). */
  readonly beforeStop?: () => Promise<void>;
  /**
   * Backfill this many simulated days into the run's feature state first (when the bench has a
   * {@link WarmFeatureState}), then send from the day after them with the simulator's own event
   * times, so the workers see the history the model was trained on.
   */
  readonly warmDays?: number;
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

/** Where each worker of the run writes its profile, or undefined when not profiling. */
async function profileSpecs(
  ctx: BenchContext,
  slug: string,
  tag: string,
  workers: number,
): Promise<WorkerCpuProfile[] | undefined> {
  const dir = ctx.options.profileDir;
  if (dir === undefined) return undefined;
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new DataIoError(dir, error);
  }
  // Two runs with one label (repeats) must not overwrite each other's profiles.
  const taken = existsSync(path.join(dir, workerProfileSpec(dir, slug, 0).name));
  const stem = taken ? `${slug}-${tag}` : slug;
  return Array.from({ length: workers }, (_, i) => workerProfileSpec(dir, stem, i));
}

/**
 * Backfills the days the run's load skips when the spec asks for it and the bench can; returns
 * the load options that continue that history (nothing when the run starts cold).
 */
async function backfillHistory(
  ctx: BenchContext,
  spec: FleetRunSpec,
  tag: string,
): Promise<Pick<BenchLoadOptions, 'skipDays' | 'eventTime'>> {
  const o = ctx.options;
  if (spec.warmDays === undefined) return {};
  if (o.warmFeatureState === undefined) {
    o.log(`[${spec.label}] no feature backfill available: the workers start on an empty state`);
    return {};
  }
  return backfillFleetHistory(o.warmFeatureState, {
    runTag: tag,
    simulation: { ...o.load.simulation, ...spec.load?.simulation },
    days: spec.warmDays,
    log: (line) => o.log(`[${spec.label}] ${line}`),
  });
}

/** Makes one run on a fleet of its own and returns its report. */
export async function runOnFleet(ctx: BenchContext, spec: FleetRunSpec): Promise<BenchRun> {
  const o = ctx.options;
  if (o.signal?.aborted === true) throw new LoadAbortedError(spec.label);
  const start = launcherFor(ctx, spec.worker);
  const tag = `${ctx.scenario}-${randomBytes(3).toString('hex')}`;
  const topics = runTopicNames(tag);
  const groupId = `fraudstream-bench-${tag}`;
  const slug = slugOf(spec.label);
  const profiles = await profileSpecs(ctx, slug, tag, spec.workers);
  o.log(`[${spec.label}] creating topics *-${tag} (${o.partitions} partitions)`);
  await createRunTopics(ctx.admin, topics, o.partitions);
  try {
    const warm = await backfillHistory(ctx, spec, tag);
    const client: KafkaClientName | undefined = spec.client ?? o.clients[0];
    o.log(
      `[${spec.label}] starting ${spec.workers} ${spec.worker} worker${spec.workers > 1 ? 's' : ''} on ${client ?? 'the default Kafka client'}`,
    );
    const fleet = await startFleet(ctx.admin, start, {
      size: spec.workers,
      brokers: o.brokers,
      kafkaClient: client,
      groupId,
      topics,
      runTag: tag,
      readyTimeoutMs: o.fleetReadyTimeoutMs,
      env: spec.workerEnv,
      cpuProfile: profiles === undefined ? undefined : (i) => profiles[i],
    });
    let report: BenchRun['report'];
    try {
      o.log(`[${spec.label}] fleet joined group ${groupId}; sending`);
      report = await runLoad(
        {
          ...o.load,
          ...spec.load,
          ...warm,
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
      await spec.beforeStop?.();
    } finally {
      o.log(`[${spec.label}] stopping the fleet`);
      await fleet.stop();
    }
    // Only now: a worker writes its profile as it exits.
    const written =
      profiles === undefined
        ? undefined
        : await Promise.all(
            profiles.map((p, i) =>
              readWorkerProfile(
                p,
                { run: spec.label, worker: spec.worker, index: i + 1 },
                undefined,
                fleet.workers[i]?.exitStatus?.(),
              ),
            ),
          );
    return {
      label: spec.label,
      slug,
      worker: spec.worker,
      workers: spec.workers,
      client,
      report,
      ...(written === undefined ? {} : { profiles: written }),
    };
  } finally {
    if (!o.keepTopics) await deleteRunTopics(ctx.admin, topics);
  }
}
