// `runBench(scenario, options)`: one end-to-end benchmark of docs/benchmarks.md, from set-up to
// its result (figures, targets, limits and every run's report). Writing the report files is
// the caller's (see writeBenchReport).
import { createKafka } from '../load/kafka-clients';
import { LoadKafkaError, LoadOptionsError } from '../errors';
import { describeMachine } from '../measure/machine-info';
import type { BenchOptions, BenchScenario } from './bench-options';
import { CLIENT_SCENARIOS, compileBenchOptions } from './bench-options';
import type { BenchResult } from './bench-result';
import type { BenchContext } from './fleet-run';
import type { ScenarioOutcome } from './scenarios';
import {
  burstScenario,
  capacityScenario,
  fleetScenario,
  passthroughScenario,
  seedScenario,
} from './scenarios';
import { tracingScenario } from './tracing-scenario';
import { compactProfile } from './worker-profiles';

const SCENARIOS: Readonly<Record<BenchScenario, (ctx: BenchContext) => Promise<ScenarioOutcome>>> =
  {
    seed: seedScenario,
    capacity: capacityScenario,
    passthrough: passthroughScenario,
    burst: burstScenario,
    fleet: fleetScenario,
    tracing: tracingScenario,
  };

/** Runs one scenario against the Kafka at `options.brokers`. */
export async function runBench(
  scenario: BenchScenario,
  options: BenchOptions,
): Promise<BenchResult> {
  const o = compileBenchOptions(options);
  if (scenario !== 'passthrough' && o.startWorker === undefined) {
    // Checked before anything runs: capacity would otherwise fail only after its passthrough ramp.
    throw new LoadOptionsError(
      'startWorker',
      `a scoring-worker launcher for the ${scenario} scenario`,
      undefined,
    );
  }
  if (o.clients.length > 1 && !CLIENT_SCENARIOS.includes(scenario)) {
    throw new LoadOptionsError(
      'clients',
      `one client for the ${scenario} scenario (several: ${CLIENT_SCENARIOS.join(', ')})`,
      o.clients.join(','),
    );
  }
  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  const admin = createKafka('fraudstream-bench', o.brokers, true).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new LoadKafkaError('connect the benchmark admin client', error);
  }
  try {
    const outcome = await SCENARIOS[scenario]({ options: o, admin, scenario });
    return {
      kind: 'fraudstream.bench-result',
      version: 1,
      scenario,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine,
      parameters: {
        smoke: o.smoke,
        partitions: o.partitions,
        cpuProfile: o.profileDir !== undefined,
        // The Kafka client(s) the workers ran on (FS_KAFKA_CLIENT).
        clients: o.clients,
        ...outcome.parameters,
      },
      figures: { scenario, smoke: o.smoke, ...outcome.figures },
      ...(outcome.clients === undefined ? {} : { clients: outcome.clients }),
      targets: outcome.targets,
      limits: outcome.limits,
      ...(outcome.tables === undefined ? {} : { tables: outcome.tables }),
      ...(o.profileDir === undefined
        ? {}
        : { cpuProfile: compactProfile(outcome.runs.flatMap((r) => r.profiles ?? [])) }),
      runs: outcome.runs,
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
