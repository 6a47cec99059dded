import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ModelLoadError } from '../errors';
import { fakeModel } from '../testing/fakes';
import { ModelRegistry, type LoadedModel, type ModelLoader } from './model-registry';

describe('ModelRegistry', () => {
  let dir: string;
  const loaded: (LoadedModel & { disposed: boolean })[] = [];
  const failing = new Set<string>();
  const loader: ModelLoader = {
    load: (path) => {
      if (failing.has(basename(path)))
        return Promise.reject(new Error(`${basename(path)} is corrupt`));
      const model = fakeModel(basename(path));
      loaded.push(model);
      return Promise.resolve(model);
    },
  };

  async function point(version: string): Promise<void> {
    await writeFile(join(dir, '.tmp'), `# the live model\n${version}\n`);
    await rename(join(dir, '.tmp'), join(dir, 'CURRENT'));
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-registry-'));
    loaded.length = 0;
    failing.clear();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the version CURRENT names, and the challenger', async () => {
    await point('v1');
    const registry = new ModelRegistry({
      modelDir: dir,
      loader,
      pollMs: 60_000,
      challenger: 'shadow',
    });
    await registry.start();
    const lease = registry.acquire();
    expect(lease.models.champion.version).toBe('v1');
    expect(lease.models.challenger?.version).toBe('shadow');
    lease.release();
    await registry.stop();
  });

  it('swaps between batches: a lease keeps its model, which is disposed once released', async () => {
    await point('v1');
    const registry = new ModelRegistry({ modelDir: dir, loader, pollMs: 60_000 });
    await registry.start();
    const inFlight = registry.acquire();
    await point('v2');
    await registry.checkNow();
    expect(registry.version).toBe('v2');
    expect(inFlight.models.champion.version).toBe('v1');
    expect(loaded[0]?.disposed).toBe(false);
    inFlight.release();
    inFlight.release();
    expect(loaded[0]?.disposed).toBe(true);
    const next = registry.acquire();
    expect(next.models.champion.version).toBe('v2');
    await registry.stop();
    expect(loaded[1]?.disposed).toBe(false);
    next.release();
    expect(loaded[1]?.disposed).toBe(true);
  });

  it('keeps the current model when the new one fails to load, and tries the next pointer value', async () => {
    await point('v1');
    const failures: string[] = [];
    const registry = new ModelRegistry({
      modelDir: dir,
      loader,
      pollMs: 60_000,
      onLoadFailure: (error) => failures.push(error.code),
    });
    await registry.start();
    failing.add('broken');
    await point('broken');
    await registry.checkNow();
    // Not tried again before its back-off (two poll intervals) has passed.
    await registry.checkNow();
    expect(registry.version).toBe('v1');
    expect(failures).toEqual(['FS_MODEL_LOAD']);
    await point('v3');
    await registry.checkNow();
    expect(registry.version).toBe('v3');
    await registry.stop();
  });

  it('tries a version that failed again after a back-off: its files may have been still copying', async () => {
    await point('v1');
    const registry = new ModelRegistry({ modelDir: dir, loader, pollMs: 10, maxRetryMs: 40 });
    await registry.start();
    failing.add('v2');
    await point('v2');
    await registry.checkNow();
    expect(registry.version).toBe('v1');
    failing.delete('v2'); // the copy has finished
    for (let i = 0; i < 100 && registry.version !== 'v2'; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(registry.version).toBe('v2');
    await registry.stop();
  });

  it('picks a new pointer up by polling', async () => {
    await point('v1');
    const swaps: string[] = [];
    const registry = new ModelRegistry({
      modelDir: dir,
      loader,
      pollMs: 20,
      onSwap: (from, to) => swaps.push(`${from}->${to}`),
    });
    await registry.start();
    await point('v2');
    for (let i = 0; i < 100 && swaps.length === 0; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(swaps).toEqual(['v1->v2']);
    await registry.stop();
  });

  it('fails to start without a pointer, naming the file and the setting', async () => {
    const registry = new ModelRegistry({ modelDir: dir, loader, pollMs: 60_000 });
    const start = registry.start();
    await expect(start).rejects.toBeInstanceOf(ModelLoadError);
    await expect(registry.start()).rejects.toThrow(
      /CURRENT: cannot read the pointer file .*FS_MODEL_DIR/,
    );
  });
});
