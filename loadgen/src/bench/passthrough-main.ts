// Entry point of a passthrough worker as a process of its own (forked by
// forkPassthroughWorker): settings from the FS_* environment of WorkerEnv.env, "ready" over IPC
// once consuming, a graceful stop on SIGTERM or an IPC "stop".
import { startPassthroughWorker } from './passthrough-worker';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`passthrough worker: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const handle = await startPassthroughWorker({
    index: 0,
    brokers: required('FS_KAFKA_BROKERS').split(','),
    groupId: required('FS_CONSUMER_GROUP'),
    instanceId: required('FS_INSTANCE_ID'),
    topics: {
      transactions: required('FS_TOPIC_TRANSACTIONS'),
      decisions: required('FS_TOPIC_DECISIONS'),
      labels: required('FS_TOPIC_LABELS'),
      deadLetters: required('FS_TOPIC_DLQ'),
    },
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
