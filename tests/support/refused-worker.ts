// A worker whose Kafka security does not match the broker's must stop at start-up, quickly, with
// an error naming the setting to fix: the run-until-refused harness of the suites that check it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestModelStore } from './model-store';
import { sleep, waitFor } from './services';
import { WorkerFixture } from './worker-fixture';
import { WorkerProcess, type Exit } from './worker-process';

/** How soon "fails fast" must report: well under the client libraries' own connection retries. */
const FAIL_FAST_MS = 20_000;
/** How soon the process must be gone after that: its start-up check ran before any client. */
const EXIT_MS = 15_000;

/**
 * Runs a worker with `env` until it reports an FS_KAFKA_SECURITY error (within FAIL_FAST_MS)
 * and exits by itself (within EXIT_MS); its output as text and how long the report took.
 */
export async function runUntilRefused(
  env: Record<string, string>,
): Promise<{ exit: Exit; text: string; reportedMs: number }> {
  const started = Date.now();
  const worker = new WorkerProcess('security-worker', env);
  const output = (): string =>
    [...worker.logs.map((l) => JSON.stringify(l)), ...worker.stderr].join('\n');
  try {
    await waitFor(
      'the worker to report FS_KAFKA_SECURITY',
      () => (output().includes('FS_KAFKA_SECURITY') ? true : undefined),
      FAIL_FAST_MS,
      output,
    );
    const reportedMs = Date.now() - started;
    const exit = await Promise.race([
      worker.exited,
      sleep(EXIT_MS).then(() => {
        throw new Error(`still running ${EXIT_MS} ms after its report:\n${output()}`);
      }),
    ]);
    return { exit, text: output(), reportedMs };
  } finally {
    await worker.stop();
  }
}

/**
 * Registers the hooks of a suite of refused workers (a model store, a one-partition worker
 * fixture, a scratch folder) and returns getters for use inside its tests.
 */
export function refusalSuite(): { fixture: () => WorkerFixture; dir: () => string } {
  let store: TestModelStore | undefined;
  let fixture: WorkerFixture | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 1 });
    dir = await mkdtemp(path.join(tmpdir(), 'fs-kafka-security-'));
  });
  afterAll(async () => {
    await fixture?.cleanup([]);
    await store?.destroy();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('refusalSuite: used outside its tests');
    return value;
  };
  return { fixture: () => ready(fixture), dir: () => ready(dir) };
}
