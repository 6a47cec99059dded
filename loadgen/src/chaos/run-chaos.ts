// `runChaos(options)`: the fault-injection benchmark (docs/benchmarks.md, "bench chaos"). For each
// Kafka client: fresh topics, a fleet of N worker processes, a steady load, the scripted faults
// (on the workers, or on the local stack's Kafka and Redis) with quiet periods between them, then
// the figures from the load generator's own ledger. A run with a bad-model fault gives its workers
// a model store of its own (FS_MODEL_DIR), a copy of the current version.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import { createKafka } from '../load/kafka-clients';
import { FaultNotRestoredError, LoadKafkaError, StackUnavailableError } from '../errors';
import { describeMachine, type MachineInfo } from '../measure/machine-info';
import { createRunTopics, deleteRunTopics, runTopicNames } from '../bench/bench-topics';
import { waitForGroup, workerEnv, type FleetSpec } from '../bench/fleet';
import type { LoadTopics } from '../load/load-options';
import { ChaosLedger } from './chaos-ledger';
import { ChaosModelStore } from './chaos-model-store';
import type { ChaosFigures, FaultWindow } from './chaos-figures';
import { reduceChaos } from './chaos-figures';
import { runFault } from './chaos-faults';
import { SteadyLoad } from './chaos-load';
import type { ChaosOptions, CompiledChaosOptions, GroupProtocol } from './chaos-options';
import { STACK_FAULT_KINDS, compileChaosOptions, faultTarget, settingsFor } from './chaos-options';
import { planFaults } from './fault-schedule';
import { LocalStack } from './local-stack';
import { RedisControl } from './redis-control';
import { StackSentinels } from './redis-failover';
import type { StackTools } from './stack-faults';
import type { InputTools } from './fault-context';
import { WorkerSlots, type UnexpectedExit } from './worker-slots';

/** The run of one Kafka client. */
export interface ChaosClientRun {
  readonly client: KafkaClientName;
  /** FS_GROUP_INSTANCE_ID per slot (librdkafka runs only). */
  readonly staticMembership: boolean;
  /** FS_KAFKA_GROUP_PROTOCOL of the run (classic for kafkajs). */
  readonly groupProtocol: GroupProtocol;
  /** FS_EXACTLY_ONCE of the workers: they committed in Kafka transactions. */
  readonly exactlyOnce: boolean;
  readonly groupId: string;
  readonly topics: LoadTopics;
  readonly figures: ChaosFigures;
  /** The faults as they happened (run clock, ms from sending's start). */
  readonly windows: readonly FaultWindow[];
  /** Seconds of sending. */
  readonly sendSeconds: number;
  /** Records the producer gave up on (counted in lost). */
  readonly sendFailures: number;
  /** Sends the producer gave up on that were made again (a broker fault's outage). */
  readonly resends: number;
  /** Workers that exited on their own (a fault they could not recover from in-process), started again as an orchestrator would. */
  readonly workerExits: readonly UnexpectedExit[];
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

/**
 * The local stack and the Redis of the workers, when the run has stack faults: checked before
 * anything starts, so that a fault can only hit the Kafka and Redis the workers use.
 */
async function openStack(o: CompiledChaosOptions): Promise<LocalStack | undefined> {
  const kinds = o.faults.filter((k) => STACK_FAULT_KINDS.includes(k));
  if (kinds.length === 0) return undefined;
  const stack = LocalStack.open({
    env: o.stackEnv,
    brokers: o.brokers,
    redisUrl: o.redisUrl,
    needsKafka: kinds.some((k) => faultTarget(k) === 'kafka'),
    needsRedis: kinds.some((k) => faultTarget(k) === 'redis'),
    log: o.log,
  });
  if (
    kinds.some((k) => faultTarget(k) === 'redis') &&
    !(await new RedisControl(o.redisUrl).answers())
  ) {
    throw new StackUnavailableError(
      `the local stack's Redis (127.0.0.1:${stack.layout.redisPort}) does not answer PING`,
    );
  }
  return stack;
}

/** Runs the fault sequence once per client against the Kafka at `options.brokers`. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const o = compileChaosOptions(options);
  const stack = await openStack(o);
  const startedAt = new Date().toISOString();
  const admin = createKafka('fraudstream-chaos', o.brokers, true).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new LoadKafkaError('connect the chaos admin client', error);
  }
  const runs: ChaosClientRun[] = [];
  let models: ChaosModelStore | undefined;
  try {
    if (o.faults.includes('bad-model')) {
      models = await ChaosModelStore.create(o.modelStore);
      o.log(`model store ${models.dir}: ${models.goodVersion}`);
    }
    for (const client of o.clients) {
      if (o.signal?.aborted === true) break;
      runs.push(await runClient(o, admin, client, stack, models));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await models?.destroy();
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
      exactly_once: o.exactlyOnce,
      clients: o.clients,
      partitions: o.partitions,
      max_record_bytes: o.maxRecordBytes,
      model_version: models?.goodVersion ?? null,
      session_timeout_ms: o.sessionTimeoutMs,
      heartbeat_interval_ms: o.heartbeatIntervalMs,
      static_membership: o.staticMembership,
      group_protocol: o.groupProtocol,
      stop_ms: o.stopMs,
      restore_timeout_ms: o.restoreTimeoutMs,
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

/** Settles `p`, or undefined after `ms` (a call to a broker that is not back yet). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The stack faults' tools for one client's run (its admin client and input topic). */
function stackTools(
  o: CompiledChaosOptions,
  stack: LocalStack,
  sentinels: StackSentinels | undefined,
  admin: Admin,
  topics: LoadTopics,
  runTag: string,
): StackTools {
  return {
    stack,
    redis: new RedisControl(o.redisUrl),
    redisAt: (port) => {
      const url = new URL(o.redisUrl);
      url.port = String(port);
      return new RedisControl(url.toString());
    },
    restoreTimeoutMs: o.restoreTimeoutMs,
    probeKey: `fs:bench:${runTag}:oom-probe`,
    sentinels,
    // The node leading most of the run's input partitions: its loss moves the most leaders.
    pickKafkaNode: async () => {
      if (stack.layout.kafkaNodes === 1) return 1;
      const meta = await admin.fetchTopicMetadata({ topics: [topics.transactions] });
      const led = new Map<number, number>();
      for (const p of meta.topics[0]?.partitions ?? [])
        led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
      let best = 1;
      for (const [node, n] of led) {
        const bestN = led.get(best) ?? 0;
        if (
          node >= 1 &&
          node <= stack.layout.kafkaNodes &&
          (n > bestN || (n === bestN && node < best))
        ) {
          best = node;
        }
      }
      return best;
    },
    kafkaNodeAnswers: async (node, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const cluster = await within(
          admin.describeCluster().catch(() => undefined),
          5000,
        );
        if (cluster?.brokers.some((b) => b.nodeId === node) === true) return true;
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };
}

async function runClient(
  o: CompiledChaosOptions,
  admin: Admin,
  client: KafkaClientName,
  stack: LocalStack | undefined,
  models: ChaosModelStore | undefined,
): Promise<ChaosClientRun> {
  const runTag = `chaos-${client}-${randomBytes(3).toString('hex')}`;
  const topics = runTopicNames(runTag);
  const groupId = `fraudstream-bench-${runTag}`;
  const now = (): number => performance.now();
  const log = (line: string): void => o.log(`[${client}] ${line}`);
  const { staticMembership, groupProtocol } = settingsFor(o, client);
  const sentinels = StackSentinels.find(o.stackEnv);
  const spec: FleetSpec = {
    size: o.workers,
    brokers: o.brokers,
    kafkaClient: client,
    groupId,
    topics,
    runTag,
    readyTimeoutMs: o.readyTimeoutMs,
    env: (slot) => ({
      // The Redis the faults act on, and the delivery mode the report names.
      FS_REDIS_URL: o.redisUrl,
      // With the stack's sentinels, through them: a redis-failover moves the primary.
      ...(sentinels === undefined ? {} : { FS_REDIS_SENTINELS: sentinels.setting }),
      FS_EXACTLY_ONCE: String(o.exactlyOnce),
      FS_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs),
      FS_HEARTBEAT_INTERVAL_MS: String(o.heartbeatIntervalMs),
      FS_KAFKA_GROUP_PROTOCOL: groupProtocol,
      // The limit the poison fault's oversized records are built against.
      FS_MAX_RECORD_BYTES: String(o.maxRecordBytes),
      ...(models === undefined ? {} : { FS_MODEL_DIR: models.dir }),
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
      // Through a whole broker outage and its restart: a payment gateway would not drop a
      // transaction because Kafka was away for half a minute.
      resendForMs: o.restoreTimeoutMs + 30_000,
    });
    log(
      `starting ${o.workers} workers (${groupProtocol} protocol, ${staticMembership ? 'static' : 'dynamic'} membership)`,
    );
    await slots.startAll(o.workers);
    slots.supervise();
    // The consumer protocol's groups are not described by the classic API: /readyz suffices.
    if (groupProtocol === 'classic') {
      await waitForGroup(admin, groupId, o.workers, o.readyTimeoutMs);
    }
    const schedule = planFaults(o);
    log(`sending ${o.rateTps} tx/s; faults: ${o.faults.join(', ')}`);
    const sendStartMs = load.begin();
    const wait = (ms: number): Promise<void> => abortableSleep(ms, o.signal);
    const aborted = (): boolean => o.signal?.aborted === true;
    const tools =
      stack === undefined ? undefined : stackTools(o, stack, sentinels, admin, topics, runTag);
    const steady = load;
    const input: InputTools = {
      poisonInput: (tag) => ({
        validRecord: steady.foreignTransaction(`${runTag}-poison-${tag}`),
        maxRecordBytes: o.maxRecordBytes,
        partitions: o.partitions,
        keyPrefix: `${runTag}-poison-${tag}`,
      }),
      inject: (records) => steady.inject(records),
    };
    await wait(schedule.leadInMs);
    try {
      for (const step of schedule.steps) {
        if (aborted()) break;
        windows.push(
          await runFault({
            step,
            slots,
            workers: o.workers,
            now,
            wait,
            log,
            aborted,
            input,
            ...(tools === undefined ? {} : { stack: tools }),
            ...(models === undefined ? {} : { models }),
          }),
        );
        await wait(step.quietAfterMs);
      }
    } catch (error) {
      // The stack is still broken: no figure is worth more than saying so, loudly.
      if (error instanceof FaultNotRestoredError) throw error;
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
      poison: ledger.poison,
      ...(models === undefined ? {} : { expectedModelVersion: models.goodVersion }),
    });
    return {
      client,
      staticMembership,
      groupProtocol,
      exactlyOnce: o.exactlyOnce,
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
      resends: load.resends,
      workerExits: slots.unexpectedExits.map((e) => ({ ...e, atMs: e.atMs - sendStartMs })),
      unmatched: ledger.unmatched,
      stoppedEarly,
    };
  } finally {
    await load?.close();
    await slots.stopAll();
    if (!o.keepTopics) await deleteRunTopics(admin, topics);
  }
}
