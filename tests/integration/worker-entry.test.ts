// What `fraudstream worker` loads: a real worker process, started through the `fraudstream`
// command against the real Kafka and Redis, run until it is ready (model loaded, partitions
// assigned), then stopped; a probe writes every module the process had loaded. The production
// path must hold none of the load generator, benchmarks, reports, charts, simulator or training.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestModelStore } from '../support/model-store';
import { WorkerFixture } from '../support/worker-fixture';
import { WorkerProcess } from '../support/worker-process';

const PROBE = path.resolve(__dirname, '..', 'support', 'probes', 'dump-loaded-modules.js');

/** Module files that must never be loaded by the worker, by what they belong to. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['the load generator and benchmarks', /\/loadgen\/(dist|src)\//],
  ['the chart renderer', /\/charts\/(dist|src)\/|@resvg/],
  ['the simulator', /\/simulator\/(dist|src)\//],
  ['training and evaluation', /\/models\/dist\/(training|evaluation\/|backfill\/|cli\/)/],
  ['the schemas command line', /\/schemas\/dist\/cli\//],
];

describe('the worker entry point', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let dir: string;

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    dir = await mkdtemp(path.join(tmpdir(), 'fs-worker-entry-'));
  });

  afterAll(async () => {
    await fixture?.cleanup([]);
    await store?.destroy();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('a ready worker has loaded no tooling, report or training module', async () => {
    const modulesFile = path.join(dir, 'modules.txt');
    const worker = new WorkerProcess(
      'entry-worker',
      fixture.env({ FS_TEST_LOADED_MODULES_FILE: modulesFile }),
      ['--require', PROBE],
    );
    try {
      await worker.ready();
    } finally {
      await worker.stop();
    }
    const loaded = (await readFile(modulesFile, 'utf8')).split('\n').filter((l) => l !== '');

    // The probe saw the real production path: the worker, its pipeline and the scorer.
    for (const expected of [
      /\/cli\/dist\/main\.js$/,
      /\/workers\/dist\/worker\.js$/,
      /\/workers\/dist\/pipeline\/score-stage\.js$/,
      /\/models\/dist\/model\/scorer\.js$/,
    ]) {
      expect(loaded.filter((m) => expected.test(m))).toHaveLength(1);
    }
    const offending = FORBIDDEN.flatMap(([what, pattern]) =>
      loaded.filter((m) => pattern.test(m)).map((m) => `${what}: ${m}`),
    );
    expect(offending).toEqual([]);
  });
});
