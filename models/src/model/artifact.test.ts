import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelArtifactError } from '../errors';
import { currentModelDir, defaultArtifactsRoot, modelVersionDir, readManifest } from './artifact';

describe('modelVersionDir', () => {
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(path.join(tmpdir(), 'fs-store-'));
    await mkdir(path.join(store, 'v1'));
    await writeFile(path.join(store, 'v1', 'manifest.json'), '{}');
    await writeFile(path.join(store, 'CURRENT'), 'v1\n');
  });
  afterAll(() => rm(store, { recursive: true, force: true }));

  it('takes a store (FS_MODEL_DIR) to the version its CURRENT names', async () => {
    expect(await modelVersionDir(store)).toBe(path.join(store, 'v1'));
  });

  it('takes a version directory as it is', async () => {
    expect(await modelVersionDir(path.join(store, 'v1'))).toBe(path.join(store, 'v1'));
  });

  it('defaults to the committed default model', async () => {
    expect(await modelVersionDir(undefined)).toBe(await currentModelDir(defaultArtifactsRoot()));
  });

  it('names a directory that is neither', async () => {
    await expect(modelVersionDir(path.join(store, 'nope'))).rejects.toThrow(ModelArtifactError);
  });
});

describe('the committed closed-loop model store (models/closed-loop)', () => {
  it('names a 1-day-delay model beside the 7-day default', async () => {
    const dir = await modelVersionDir(path.resolve(defaultArtifactsRoot(), '..', 'closed-loop'));
    const manifest = await readManifest(dir);
    expect(path.basename(dir)).toBe(manifest.version);
    expect(manifest.featureOptions.feedbackDelayDays).toBe(1);
    // The default model stays the book's 7-day one.
    const defaults = await readManifest(await modelVersionDir(undefined));
    expect(defaults.featureOptions.feedbackDelayDays).toBe(7);
  });
});
