// Against the secured stack only (`stack.sh up --secure`, the secured pass of `npm test`, which
// alone includes this folder): a worker given wrong SASL credentials stops at start-up, quickly,
// with an error naming the setting to fix and never the credential.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestModelStore } from '../support/model-store';
import { runUntilRefused } from '../support/refused-worker';
import { uniqueName } from '../support/services';
import { WorkerFixture } from '../support/worker-fixture';

describe('kafka connection security: wrong SASL credentials', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let dir: string;

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

  it('a worker given a wrong SASL password fails fast, naming the setting and not the password', async () => {
    const wrong = uniqueName('not-the-password');
    const file = path.join(dir, 'wrong.password');
    await writeFile(file, `${wrong}\n`, { mode: 0o600 });
    const env = fixture.env({ FS_KAFKA_SASL_PASSWORD_FILE: file });
    delete env.FS_KAFKA_SASL_PASSWORD;
    const { exit, text } = await runUntilRefused(env);
    expect(exit.code).not.toBe(0);
    expect(text).toContain('FS_KAFKA_SECURITY');
    expect(text).toContain('FS_KAFKA_SASL_PASSWORD');
    expect(text).not.toContain(wrong);
  });
});
