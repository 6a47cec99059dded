import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  commandHelp,
  flag,
  int,
  readFlags,
  switchFlag,
  type CliCommand,
} from '@fraudstream/settings';
import { DEFAULT_HISTORY_DAYS } from '@fraudstream/simulator';
import { loadServiceEndpoints, runDoctor, traceSendFor } from '@fraudstream/workers';
import { applyKafkajsIdleFix } from '@fraudstream/workers/kafka';
import { backfillFleetHistory, startFleet } from '../bench/fleet';
import type { LoadOptions } from '../load/load-options';
import type { LoadReport } from '../load/load-report';
import { runLoad } from '../load/run-load';
import { readStackEnv } from '../load/stack-env';
import { loadSummaryLines, terminalProgress } from './progress';
import { warmBenchFeatureState, withLoadTelemetry } from './load-commands';
import { processWorkerLauncher } from './worker-launcher';

/** Simulated days the demo backfills: the days `fraudstream loadgen` skips by default. */
const DEFAULT_DEMO_BACKFILL_DAYS = DEFAULT_HISTORY_DAYS;

/** The flags of `fraudstream demo`, declared once: parsing and `--help` come from here. */
export const DEMO_FLAGS = {
  workers: flag(
    'workers',
    int({ min: 1, max: 12 }),
    2,
    'scoring worker processes (at most the 12 partitions of transactions)',
  ),
  rate: flag('rate', int({ min: 1 }), 100, 'transactions per second'),
  duration: flag('duration', int({ min: 1 }), 60, 'seconds of traffic'),
  backfillDays: flag(
    'backfill-days',
    int({ min: 0 }),
    DEFAULT_DEMO_BACKFILL_DAYS,
    'simulated days of history loaded first (0: every card looks new)',
  ),
  json: switchFlag('json', 'print the load report as JSON instead of the summary'),
};

const ABOUT = `Backfills the feature state with the simulator's first --backfill-days days, starts N scoring
workers (separate processes, one consumer group), streams the simulated days that follow at a
steady rate with fraud labels flowing back, shows live progress, prints a summary, and stops the
workers. Needs the local stack: npm run stack:up (npm run demo does it).`;

/** `fraudstream demo`: the whole fleet on the local stack for about a minute, then a summary. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run a small fleet against simulated traffic with live progress and a summary',
  async run(argv) {
    const { values, help } = readFlags(DEMO_FLAGS, argv);
    if (help) {
      console.log(commandHelp('fraudstream demo [options]', ABOUT, DEMO_FLAGS));
      return 0;
    }
    const { workers, rate: tps, backfillDays } = values;
    const durationMs = values.duration * 1000;

    const endpoints = loadServiceEndpoints(process.env);
    const doctor = await runDoctor(endpoints, 3000);
    console.log(
      `TF backend: ${doctor.tfjs.backend ?? 'none'} (libtensorflow ${doctor.tfjs.tensorflow ?? '?'}), Kafka ${doctor.kafka.ok ? 'up' : 'DOWN'}, Redis ${doctor.redis.ok ? 'up' : 'DOWN'}`,
    );
    if (!doctor.ok) {
      console.error(
        'the demo needs the native TF backend, Kafka and Redis: see `fraudstream doctor`',
      );
      return 1;
    }

    // Each run is its own consumer group and feature namespace, so a demo never resumes an
    // earlier one's offsets or counts its customers' history twice.
    const runTag = Date.now().toString(36);
    const groupId = `fraudstream-demo-${runTag}`;
    const { topics, kafkaClient } = readStackEnv(process.env);
    const logDir = path.join(process.env.FRAUDSTREAM_HOME ?? '.fraudstream', 'logs');
    mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, `demo-workers-${runTag}.log`);
    const logFd = openSync(logFile, 'a');
    // startFleet gives the run a feature namespace of its own (fleetFeatureKeyPrefix).
    const launcher = processWorkerLauncher({ logFd, env: { FS_LOG_LEVEL: 'info' } });
    const continueHistory: Pick<LoadOptions, 'skipDays' | 'eventTime'> =
      backfillDays > 0
        ? await backfillFleetHistory(warmBenchFeatureState, {
            runTag,
            simulation: {},
            days: backfillDays,
            log: (line) => console.log(line),
          })
        : {};

    applyKafkajsIdleFix();
    const kafka = new Kafka({
      clientId: 'fraudstream-demo',
      brokers: [...endpoints.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    // The scoring group reads from the beginning when it has no offsets (a new fleet must not
    // skip what was sent before it joined); a demo wants only its own traffic, so its fresh group
    // starts at the end of whatever earlier runs left in the topic.
    // (Explicit offsets: kafkajs' resetOffsets commits -1, which its consumers read as "none".)
    const ends = await admin.fetchTopicOffsets(topics.transactions);
    await admin.setOffsets({
      groupId,
      topic: topics.transactions,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
    console.log(`starting ${workers} workers in group ${groupId} (logs: ${logFile})`);
    const fleet = await startFleet(admin, launcher, {
      size: workers,
      brokers: endpoints.kafkaBrokers,
      groupId,
      topics,
      runTag,
      readyTimeoutMs: 120_000,
    });
    let report: LoadReport;
    try {
      console.log(`streaming ${tps} tx/s for ${durationMs / 1000} s, labels flowing back`);
      const progress = terminalProgress({
        write: (t) => process.stdout.write(t),
        isTTY: process.stdout.isTTY === true,
      });
      report = await withLoadTelemetry((telemetry) =>
        runLoad(
          {
            traceSend: traceSendFor(telemetry.tracer),
            brokers: endpoints.kafkaBrokers,
            kafkaClient,
            profile: { kind: 'constant', tps },
            durationMs,
            topics,
            workerGroupId: groupId,
            runId: `demo-${runTag}-`,
            ...continueHistory,
            watchProcesses: () => fleet.processes(),
          },
          progress,
        ),
      );
      progress.done();
    } finally {
      console.log('stopping the workers (SIGTERM: finish the batch, commit, leave the group)');
      await fleet.stop();
      await admin.disconnect();
      closeSync(logFd);
    }
    if (values.json) {
      console.log(JSON.stringify(report));
    } else {
      console.log('\nsummary');
      for (const line of loadSummaryLines(report)) console.log(`  ${line}`);
      console.log(`  scored by ${workers} workers on the "${doctor.tfjs.backend}" TF backend`);
    }
    return report.verdicts.lost === 0 ? 0 : 1;
  },
};
