// Entry point of a passthrough worker as a process of its own (forked by
// forkPassthroughWorker): settings from the FS_* environment of WorkerEnv.env, read by the scoring
// worker's own declarations (same names, defaults and checks), "ready" over IPC once consuming, a
// graceful stop on SIGTERM or an IPC "stop".
import { readSettings } from '@fraudstream/settings';
import { WORKER_SETTINGS, defaultInstanceId } from '@fraudstream/workers';
import { readStackEnv } from '../load/stack-env';
import { startPassthroughWorker } from './passthrough-worker';

/** The one setting a passthrough worker reads besides Kafka, its topics and its group. */
const PASSTHROUGH_SETTINGS = { instanceId: WORKER_SETTINGS.instanceId };

async function main(): Promise<void> {
  // A bad value throws a ConfigError naming the variable: reported below, exit code 1.
  const stack = readStackEnv(process.env);
  const { instanceId } = readSettings(PASSTHROUGH_SETTINGS, process.env);
  const handle = await startPassthroughWorker({
    index: 0,
    brokers: stack.brokers,
    groupId: stack.workerGroupId,
    instanceId: instanceId ?? defaultInstanceId(),
    topics: stack.topics,
    env: {},
  });
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
