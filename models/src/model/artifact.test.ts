import { createHash } from 'node:crypto';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelArtifactError } from '../errors';
import {
  currentModelDir,
  defaultArtifactsRoot,
  loadModel,
  modelVersionDir,
  readManifest,
} from './artifact';

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

describe('loadModel checks the artifact against its manifest', () => {
  let work: string;
  let source: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'fs-integrity-'));
    source = await currentModelDir(defaultArtifactsRoot());
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  /** A copy of the committed artifact, changed by `change`. */
  async function copyWith(name: string, change: (dir: string) => Promise<void>): Promise<string> {
    const dir = path.join(work, name);
    await cp(source, dir, { recursive: true });
    await change(dir);
    return dir;
  }

  it('loads the committed artifact, which reproduces its golden scores', async () => {
    const scorer = await loadModel(source);
    const { golden } = scorer.manifest.integrity;
    expect(golden.rows.length).toBeGreaterThanOrEqual(6);
    scorer.dispose();
  });

  it('refuses weights that are truncated (a copy still in progress), naming the file', async () => {
    const dir = await copyWith('truncated', async (d) => {
      const weights = await readFile(path.join(d, 'weights.bin'));
      await writeFile(path.join(d, 'weights.bin'), weights.subarray(0, weights.length / 2));
    });
    await expect(loadModel(dir)).rejects.toThrow(/weights\.bin: sha256 [0-9a-f]{64}, expected/);
  });

  it('refuses a model that loads but does not compute what was saved', async () => {
    // Checksums that match changed weights: only the golden scores can tell.
    const dir = await copyWith('other-weights', async (d) => {
      const file = path.join(d, 'weights.bin');
      const weights = Buffer.from(await readFile(file));
      const floats = new Float32Array(weights.buffer, weights.byteOffset, weights.length / 4);
      for (let i = 0; i < floats.length; i += 1) floats[i] = (floats[i] ?? 0) * 1.5;
      await writeFile(file, weights);
      const manifest = JSON.parse(await readFile(path.join(d, 'manifest.json'), 'utf8')) as {
        integrity: { sha256: Record<string, string> };
      };
      manifest.integrity.sha256['weights.bin'] = createHash('sha256').update(weights).digest('hex');
      await writeFile(path.join(d, 'manifest.json'), JSON.stringify(manifest));
    });
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtifactError);
    expect((error as ModelArtifactError).message).toMatch(
      /does not reproduce its golden scores: golden row \d+ scores/,
    );
    expect((error as ModelArtifactError).retriable).toBe(false);
  });

  it('refuses a manifest without an integrity section', async () => {
    const dir = await copyWith('no-integrity', async (d) => {
      const manifest = JSON.parse(await readFile(path.join(d, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      delete manifest.integrity;
      await writeFile(path.join(d, 'manifest.json'), JSON.stringify(manifest));
    });
    await expect(readManifest(dir)).rejects.toThrow(/the integrity section needs the sha256/);
  });
});
