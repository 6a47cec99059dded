// `runChaos(options)`: the fault-injection benchmark (docs/benchmarks.md, "bench chaos"). For each
// Kafka client: fresh topics, a fleet of N worker processes, a steady load, the scripted faults
// with quiet periods between them, then the figures from the load generator's own ledger.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import { createKafka } from '../load/kafka-clients';
import { LoadKafkaError } from '../errors';
import { describeMachine, type MachineInfo } from '../measure/machine-info';
import { createRunTopics, deleteRunTopics, runTopicNames } from '../bench/bench-topics';
import { waitForGroup, workerEnv, type FleetSpec } from '../bench/fleet';
import type { LoadTopics } from '../load/load-options';
import { ChaosLedger } from './chaos-ledger';
import type { ChaosFigures, FaultWindow } from './chaos-figures';
import { reduceChaos } from './chaos-figures';
import { runFault } from './chaos-faults';
import { SteadyLoad } from './chaos-load';
import type { ChaosOptions, CompiledChaosOptions, GroupProtocol } from './chaos-options';
import { compileChaosOptions, settingsFor } from './chaos-options';
import { planFaults } from './fault-schedule';
import { WorkerSlots } from './worker-slots';

/** The run of one Kafka client. */
export interface ChaosClientRun {
  readonly client: KafkaClientName;
  /** FS_GROUP_INSTANCE_ID per slot (librdkafka runs only). */
  readonly staticMembership: boolean;
  /** FS_KAFKA_GROUP_PROTOCOL of the run (classic for kafkajs). */
  readonly groupProtocol: GroupProtocol;
  readonly groupId: string;
  readonly topics: LoadTopics;
  readonly figures: ChaosFigures;
  /** The faults as they happened (run clock, ms from sending's start). */
  readonly windows: readonly FaultWindow[];
  /** Seconds of sending. */
  readonly sendSeconds: number;
  /** Records the producer gave up on (counted in lost). */
  readonly sendFailures: number;
  /** Records read back that were no transaction of this run (or did not decode). */
  readonly unmatched: number;
  /** Set when the run stopped early (Ctrl-C or an error after sending began). */
  readonly stoppedEarly: string | null;
}

/** Everything a chaos benchmark measured. */
export interface ChaosResult {
  readonly kind: 'fraudstream.chaos-result';
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** One per client, in `clients` order. */
  readonly runs: readonly ChaosClientRun[];
}

/** Runs the fault sequence once per client against the Kafka at `options.brokers`. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const o = compileChaosOptions(options);
  const startedAt = new Date().toISOString();
  const admin = createKafka('fraudstream-chaos', o.brokers, true).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new LoadKafkaError('connect the chaos admin client', error);
  }
  const runs: ChaosClientRun[] = [];
  try {
    for (const client of o.clients) {
      if (o.signal?.aborted === true) break;
      runs.push(await runClient(o, admin, client));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return {
    kind: 'fraudstream.chaos-result',
    version: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    parameters: {
      smoke: o.smoke,
      rate_tps: o.rateTps,
      workers: o.workers,
      faults: o.faults,
      clients: o.clients,
      partitions: o.partitions,
      session_timeout_ms: o.sessionTimeoutMs,
      heartbeat_interval_ms: o.heartbeatIntervalMs,
      static_membership: o.staticMembership,
      group_protocol: o.groupProtocol,
      stop_ms: o.stopMs,
      stall_threshold_ms: o.stallThresholdMs,
      budget_ms: o.budgetMs,
      durations_ms: o.durations,
    },
    runs,
  };
}

/** Sleeps `ms`, waking early when `signal` aborts. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function runClient(
  o: CompiledChaosOptions,
  admin: Admin,
  client: KafkaClientName,
): Promise<ChaosClientRun> {
  const runTag = `chaos-${client}-${randomBytes(3).toString('hex')}`;
  const topics = runTopicNames(runTag);
  const groupId = `fraudstream-bench-${runTag}`;
  const now = (): number => performance.now();
  const log = (line: string): void => o.log(`[${client}] ${line}`);
  const { staticMembership, groupProtocol } = settingsFor(o, client);
  const spec: FleetSpec = {
    size: o.workers,
    brokers: o.brokers,
    kafkaClient: client,
    groupId,
    topics,
    runTag,
    readyTimeoutMs: o.readyTimeoutMs,
    env: (slot) => ({
      FS_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs),
      FS_HEARTBEAT_INTERVAL_MS: String(o.heartbeatIntervalMs),
      FS_KAFKA_GROUP_PROTOCOL: groupProtocol,
      // The slot's id, so that a replacement takes over the member it replaces.
      ...(staticMembership ? { FS_GROUP_INSTANCE_ID: `${groupId}-${slot}` } : {}),
    }),
  };
  log(`creating topics ${topics.transactions}, ...`);
  await createRunTopics(admin, topics, o.partitions);
  const ledger = new ChaosLedger();
  const slots = new WorkerSlots({
    start: o.startWorker,
    envOf: (slot) => workerEnv(spec, slot),
    readyTimeoutMs: o.readyTimeoutMs,
    now,
    log,
  });
  let load: SteadyLoad | undefined;
  const windows: FaultWindow[] = [];
  let stoppedEarly: string | null = null;
  try {
    load = await SteadyLoad.start({
      brokers: o.brokers,
      topics,
      partitions: o.partitions,
      rateTps: o.rateTps,
      ledger,
      now,
      readyTimeoutMs: o.readyTimeoutMs,
    });
    log(
      `starting ${o.workers} workers (${groupProtocol} protocol, ${staticMembership ? 'static' : 'dynamic'} membership)`,
    );
    await slots.startAll(o.workers);
    // The consumer protocol's groups are not described by the classic API: /readyz suffices.
    if (groupProtocol === 'classic') {
      await waitForGroup(admin, groupId, o.workers, o.readyTimeoutMs);
    }
    const schedule = planFaults(o);
    log(`sending ${o.rateTps} tx/s; faults: ${o.faults.join(', ')}`);
    const sendStartMs = load.begin();
    const wait = (ms: number): Promise<void> => abortableSleep(ms, o.signal);
    const aborted = (): boolean => o.signal?.aborted === true;
    await wait(schedule.leadInMs);
    try {
      for (const step of schedule.steps) {
        if (aborted()) break;
        windows.push(await runFault({ step, slots, workers: o.workers, now, wait, log, aborted }));
        await wait(step.quietAfterMs);
      }
    } catch (error) {
      // A fault that went wrong still leaves a run worth reporting; say why it is short.
      stoppedEarly = error instanceof Error ? error.message : String(error);
      log(`stopped early: ${stoppedEarly}`);
    }
    if (aborted()) stoppedEarly ??= 'aborted';
    if (load.error !== undefined) {
      stoppedEarly ??= `sending failed: ${load.error instanceof Error ? load.error.message : 'unknown error'}`;
    }
    log('sending stopped; waiting for the last verdicts');
    const end = await load.finish(o.durations.graceMs);
    const figures = reduceChaos(ledger.entries, windows, {
      budgetMs: o.budgetMs,
      stallThresholdMs: o.stallThresholdMs,
      sendStartMs,
      horizonMs: end.observedUntilMs,
    });
    return {
      client,
      staticMembership,
      groupProtocol,
      groupId,
      topics,
      figures,
      windows: windows.map((w) => ({
        ...w,
        startMs: w.startMs - sendStartMs,
        endMs: w.endMs - sendStartMs,
        actions: w.actions.map((a) => ({ ...a, atMs: a.atMs - sendStartMs })),
      })),
      sendSeconds: (end.sendEndMs - end.sendStartMs) / 1000,
      sendFailures: end.sendFailures,
      unmatched: ledger.unmatched,
      stoppedEarly,
    };
  } finally {
    await load?.close();
    await slots.stopAll();
    if (!o.keepTopics) await deleteRunTopics(admin, topics);
  }
}
