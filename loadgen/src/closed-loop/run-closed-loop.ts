// `fraudstream bench closed-loop`: several simulated weeks through a fleet of its own (fresh
// topics, consumer group and feature key prefix, the closed-loop model), on the simulator's clock
// compressed, with case management playing on that clock; the backtest engine does the streaming,
// the labels and the offline replay, and this reads its days as running totals against the target.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { DEFAULT_SIMULATION_PARAMS, compileSimulationParams } from '@fraudstream/simulator';
import { LoadAbortedError, LoadKafkaError } from '../errors';
import { createKafka } from '../load/kafka-clients';
import type { MachineInfo } from '../measure/machine-info';
import { describeMachine } from '../measure/machine-info';
import type { BacktestReport } from '../backtest/backtest-report';
import { runBacktest } from '../backtest/run-backtest';
import { simulatedTransactionSource } from '../backtest/transaction-source';
import { createRunTopics, deleteRunTopics, runTopicNames } from '../bench/bench-topics';
import { FLEET_FEATURE_RECORD_TTL_MS, fleetFeatureKeyPrefix, startFleet } from '../bench/fleet';
import type { ClosedLoopDay, TargetOutcome } from './closed-loop-days';
import { closedLoopDays, judgeTarget } from './closed-loop-days';
import type { ClosedLoopOptions, CompiledClosedLoopOptions } from './closed-loop-options';
import { compileClosedLoopOptions } from './closed-loop-options';

const DAY_MS = 86_400_000;

/** Everything a closed-loop run measured. */
export interface ClosedLoopResult {
  readonly kind: 'fraudstream.closed-loop-result';
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly parameters: CompiledClosedLoopOptions & {
    readonly modelDir: string;
    readonly kafkaClient: string | null;
  };
  /** The run's topics' tag (`transactions-<tag>`...) and its feature key prefix. */
  readonly runTag: string;
  readonly featureKeyPrefix: string;
  /** The simulated days, each with its running totals live and offline. */
  readonly days: readonly ClosedLoopDay[];
  readonly target: TargetOutcome;
  /** The backtest engine's report: window, backfill, totals, agreement, noise, findings, load. */
  readonly backtest: BacktestReport;
}

/** The models package's second model store: the model trained for a 1-day feedback delay. */
export async function closedLoopModelStore(): Promise<string> {
  const models = await import('@fraudstream/models');
  return path.join(path.dirname(models.defaultArtifactsRoot()), 'closed-loop');
}

/**
 * Runs the closed-loop benchmark and resolves to its result. LoadOptionsError for bad options,
 * LoadKafkaError when Kafka cannot be used, FleetNotReadyError when the workers never join.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const c = compileClosedLoopOptions(options);
  const log = options.log ?? ((): void => undefined);
  if (options.signal?.aborted === true) throw new LoadAbortedError('closed-loop');
  const modelDir = c.modelDir ?? (await closedLoopModelStore());
  const sim = compileSimulationParams({ ...c.simulation, days: c.backfillDays + c.days });
  const fromMs = sim.startMs + c.backfillDays * DAY_MS;
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const tag = `closed-loop-${randomBytes(3).toString('hex')}`;
  const topics = runTopicNames(tag);
  const groupId = `fraudstream-bench-${tag}`;
  const keyPrefix = fleetFeatureKeyPrefix(tag);
  const admin = createKafka('fraudstream-bench', options.brokers, true).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new LoadKafkaError('connect the benchmark admin client', error);
  }
  try {
    log(`creating topics *-${tag} (${c.partitions} partitions)`);
    await createRunTopics(admin, topics, c.partitions);
    try {
      log(`starting ${c.workers} worker(s) on the model store ${modelDir}`);
      const fleet = await startFleet(admin, options.startWorker, {
        size: c.workers,
        brokers: options.brokers,
        kafkaClient: options.kafkaClient,
        groupId,
        topics,
        runTag: tag,
        readyTimeoutMs: c.fleetReadyTimeoutMs,
        // The backfill writes into this Redis under the fleet's prefix: the workers must read it.
        env: () => ({ FS_MODEL_DIR: modelDir, FS_REDIS_URL: options.redisUrl }),
      });
      let backtest: BacktestReport;
      try {
        log(
          `fleet joined ${groupId}; backfilling ${c.backfillDays} simulated days, then streaming ${c.days} at ×${c.speed}`,
        );
        backtest = await runBacktest(
          {
            brokers: options.brokers,
            topics,
            source: simulatedTransactionSource({
              ...DEFAULT_SIMULATION_PARAMS,
              ...c.simulation,
              days: c.backfillDays + c.days,
            }),
            pace: { kind: 'speed', speed: c.speed },
            fromMs,
            toMs: fromMs + c.days * DAY_MS,
            backfillDays: c.backfillDays,
            flaggedLabelDelayMs: c.flaggedLabelDelayMs,
            chargebackDelayMs: c.chargebackDelayMs,
            labelLatencyAllowanceMs: c.labelLatencyAllowanceMs,
            modelDir,
            featureState: {
              redisUrl: options.redisUrl,
              keyPrefix,
              recordTtlMs: FLEET_FEATURE_RECORD_TTL_MS,
            },
            workerGroupId: groupId,
            graceMs: c.graceMs,
            watchProcesses: () => [...fleet.processes(), ...(options.watchProcesses?.() ?? [])],
            signal: options.signal,
          },
          options.observer,
        );
      } finally {
        log('stopping the fleet');
        await fleet.stop();
      }
      const days = closedLoopDays(backtest.days, backtest.noise);
      return {
        kind: 'fraudstream.closed-loop-result',
        version: 1,
        startedAt,
        finishedAt: new Date().toISOString(),
        machine,
        parameters: { ...c, modelDir, kafkaClient: options.kafkaClient ?? null },
        runTag: tag,
        featureKeyPrefix: keyPrefix,
        days,
        target: judgeTarget(days),
        backtest,
      };
    } finally {
      if (options.keepTopics !== true) await deleteRunTopics(admin, topics);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
