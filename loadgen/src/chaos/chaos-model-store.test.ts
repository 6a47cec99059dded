import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentModelDir, defaultArtifactsRoot, loadModel } from '@fraudstream/models';
import { ChaosModelStore } from './chaos-model-store';

describe('ChaosModelStore', () => {
  let store: ChaosModelStore;

  beforeAll(async () => {
    store = await ChaosModelStore.create(undefined);
  });

  afterAll(async () => {
    await store.destroy();
  });

  it('copies the current version of the source store and makes it current', async () => {
    const source = await currentModelDir(defaultArtifactsRoot());
    expect(join(source, '..', store.goodVersion)).toBe(source);
    expect(await store.current()).toBe(store.goodVersion);
    const copied = join(store.dir, store.goodVersion, 'manifest.json');
    expect(await readFile(copied, 'utf8')).toBe(
      await readFile(join(source, 'manifest.json'), 'utf8'),
    );
  });

  it('adds a corrupt version the integrity check refuses, the good one still loading', async () => {
    const corrupt = await store.addCorrupt('1');
    expect(corrupt).toBe(`${store.goodVersion}-corrupt-1`);
    // Publishing it is the fault's decision, not the store's.
    expect(await store.current()).toBe(store.goodVersion);
    const good = join(store.dir, store.goodVersion);
    const bad = join(store.dir, corrupt);
    expect(await readFile(join(bad, 'manifest.json'), 'utf8')).toBe(
      await readFile(join(good, 'manifest.json'), 'utf8'),
    );
    const [goodWeights, badWeights] = await Promise.all([
      readFile(join(good, 'weights.bin')),
      readFile(join(bad, 'weights.bin')),
    ]);
    expect(badWeights.length).toBe(goodWeights.length);
    expect(badWeights.equals(goodWeights)).toBe(false);
    await expect(loadModel(bad)).rejects.toThrow(/differ from the manifest/);
    const scorer = await loadModel(good);
    scorer.dispose();
  });

  it('moves CURRENT back and forth, and is removed by destroy', async () => {
    const corrupt = await store.addCorrupt('2');
    await store.setCurrent(corrupt);
    expect(await store.current()).toBe(corrupt);
    await store.setCurrent(store.goodVersion);
    expect(await store.current()).toBe(store.goodVersion);
    const other = await ChaosModelStore.create(store.dir);
    expect(other.goodVersion).toBe(store.goodVersion);
    await other.destroy();
    await other.destroy();
    expect(existsSync(other.dir)).toBe(false);
  });
});
