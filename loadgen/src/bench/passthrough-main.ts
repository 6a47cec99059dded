// Entry point of a passthrough worker as a process of its own (forked by
// forkPassthroughWorker): settings from the FS_* environment of WorkerEnv.env (FS_KAFKA_CLIENT
// among them), read by the scoring worker's own declarations (same names, defaults and checks),
// "ready" over IPC once consuming, a graceful stop on SIGTERM or an IPC "stop".
import { readSettings } from '@fraudstream/settings';
import { WORKER_SETTINGS, defaultInstanceId } from '@fraudstream/workers';
import { readStackEnv } from '../load/stack-env';
import { startPassthroughWorker } from './passthrough-worker';

/** The settings a passthrough worker reads besides Kafka's brokers, its topics and its group. */
const PASSTHROUGH_SETTINGS = {
  instanceId: WORKER_SETTINGS.instanceId,
  kafkaClient: WORKER_SETTINGS.kafkaClient,
};

async function main(): Promise<void> {
  // A bad value throws a ConfigError naming the variable: reported below, exit code 1.
  const stack = readStackEnv(process.env);
  const { instanceId, kafkaClient } = readSettings(PASSTHROUGH_SETTINGS, process.env);
  const handle = await startPassthroughWorker(
    {
      index: 0,
      brokers: stack.brokers,
      groupId: stack.workerGroupId,
      instanceId: instanceId ?? defaultInstanceId(),
      kafkaClient,
      topics: stack.topics,
      env: {},
    },
    {
      // Like the scoring worker: a consumer that stopped for good ends the process.
      onCrash: (error) => {
        console.error('passthrough worker failed:', error);
        process.exit(1);
      },
    },
  );
  const stop = (): void => {
    void handle.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('message', (m) => {
    if (m === 'stop') stop();
  });
  // The benchmark that forked us is gone (killed, crashed): do not linger as an orphan.
  process.on('disconnect', stop);
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error('passthrough worker failed:', error);
  process.exit(1);
});
