import type { CliCommand } from '@fraudstream/settings';
import { simulateTransactions } from '@fraudstream/simulator';
import {
  initTelemetry,
  loadWorkerConfig,
  telemetryOptionsFromEnv,
  traceSendFor,
} from '@fraudstream/workers';
import type { Telemetry } from '@fraudstream/workers';
import type { WarmFeatureState } from '../bench/bench-types';
import type { MicroBenchmark } from './bench-command';
import { benchCommand } from './bench-command';
import { chaosBenchmark } from '../chaos/chaos-command';
import { closedLoopBenchmark } from './closed-loop-command';
import { loadgenCommand } from './loadgen-command';
import { processWorkerLauncher } from './worker-launcher';

/**
 * Runs `body` with the producer-side telemetry of a load run: loadgen starts each transaction's
 * trace, so its spans (service `fraudstream-loadgen`) are flushed before the process exits.
 */
export async function withLoadTelemetry<T>(body: (telemetry: Telemetry) => Promise<T>): Promise<T> {
  const telemetry = initTelemetry(
    telemetryOptionsFromEnv(process.env, { serviceName: 'fraudstream-loadgen' }),
  );
  try {
    return await body(telemetry);
  } finally {
    await telemetry.shutdown();
  }
}

// The commands take the tracer and a way to start worker processes as arguments, so their tests
// can run them with in-process workers.

/** `fraudstream loadgen`, with trace context from this process's tracer. */
export const loadgenCliCommand: CliCommand = {
  name: 'loadgen',
  summary: loadgenCommand().summary,
  run: (argv) =>
    withLoadTelemetry((t) => loadgenCommand({ traceSend: traceSendFor(t.tracer) }).run(argv)),
};

/**
 * The micro-benchmarks: of @fraudstream/models, and of the Kafka client APIs. Each is imported on
 * first use, as the worker's adapter does, so that `fraudstream --help` and the end-to-end
 * scenarios never load TF or the librdkafka addon.
 */
export const MICRO_BENCHMARKS: Readonly<
  Record<'features' | 'inference' | 'kafka-api', MicroBenchmark>
> = {
  features: async (argv) =>
    (await import('../micro-bench/micro-bench-commands')).featuresBenchmark(argv),
  inference: async (argv) =>
    (await import('../micro-bench/micro-bench-commands')).inferenceBenchmark(argv),
  'kafka-api': async (argv) =>
    (await import('../micro-bench/micro-bench-commands')).kafkaApiBenchmark(argv),
};

/**
 * Backfills a bench run's feature state with the simulator's first days, into the Redis and with
 * the model the bench's workers use (their FS_REDIS_URL and FS_MODEL_DIR come from this
 * process's environment).
 */
export const warmBenchFeatureState: WarmFeatureState = async (spec) => {
  const models = await import('@fraudstream/models/training');
  const config = loadWorkerConfig(process.env);
  const summary = await models.backfillRedis(
    simulateTransactions({ ...spec.simulation, days: spec.days }),
    {
      redisUrl: config.redisUrl,
      keyPrefix: spec.keyPrefix,
      modelDir: config.modelDir,
      recordTtlMs: spec.recordTtlMs,
    },
  );
  return { transactions: summary.transactions, seconds: summary.seconds };
};

/** `fraudstream bench <scenario>`, starting real `fraudstream worker` processes. */
export const benchCliCommand: CliCommand = {
  name: 'bench',
  summary: benchCommand().summary,
  run: (argv) =>
    withLoadTelemetry((t) =>
      benchCommand({
        traceSend: traceSendFor(t.tracer),
        startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
        warmFeatureState: warmBenchFeatureState,
        microBenchmarks: {
          ...MICRO_BENCHMARKS,
          // The fault-injection benchmark has flags of its own, so it is routed the same way.
          chaos: chaosBenchmark({
            startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
          }),
          'closed-loop': closedLoopBenchmark({
            startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
          }),
        },
      }).run(argv),
    ),
};
