// Against the plaintext stack (the ordinary passes of `npm test`): a worker told to require TLS
// refuses a broker that does not speak it, at start-up, naming the setting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestModelStore } from '../support/model-store';
import { runUntilRefused } from '../support/refused-worker';
import { WorkerFixture } from '../support/worker-fixture';

describe('kafka connection security: TLS required', () => {
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

  it('a worker told to require TLS refuses a plaintext broker, naming the setting', async () => {
    const { exit, text, reportedMs } = await runUntilRefused(
      fixture.env({ FS_KAFKA_SECURITY_PROTOCOL: 'ssl' }),
    );
    expect(exit.code).not.toBe(0);
    // The TLS check runs before anything else that waits: seconds, on either client.
    expect(reportedMs).toBeLessThan(10_000);
    expect(text).toContain('FS_KAFKA_SECURITY');
    expect(text).toContain('FS_KAFKA_SECURITY_PROTOCOL is ssl');
  });
});
