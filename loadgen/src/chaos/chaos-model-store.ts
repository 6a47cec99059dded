// The model store of a chaos run with a bad-model fault: a directory of its own (the workers'
// FS_MODEL_DIR) holding a copy of the current version and the CURRENT pointer, so the fault can
// publish a corrupt version and switch back without touching the store other processes use.
// A corrupt version is the good one with bytes of its weights flipped and its manifest left as it
// was: what a half-finished copy or a bad disk gives, and what the workers' integrity check
// (sha256 of every file, golden scores) must refuse.
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  CURRENT_FILE,
  currentModelDir,
  defaultArtifactsRoot,
  readManifest,
} from '@fraudstream/models';
import { DataIoError } from '@fraudstream/simulator';

/** A run's own model store; {@link destroy} removes it. */
export class ChaosModelStore {
  private constructor(
    /** The store (FS_MODEL_DIR of the run's workers). */
    readonly dir: string,
    /** The version copied in, current unless a fault has switched away: what every verdict must name. */
    readonly goodVersion: string,
  ) {}

  /**
   * A new store holding the version `source`'s CURRENT names (`source`: a model store; unset:
   * the models package's artifacts), current.
   */
  static async create(source: string | undefined): Promise<ChaosModelStore> {
    const from = await currentModelDir(source ?? defaultArtifactsRoot());
    const dir = await mkdtemp(join(tmpdir(), 'fs-chaos-models-'));
    const store = new ChaosModelStore(dir, basename(from));
    try {
      // Dereferenced: a store of links (as the tests build) must not let a fault write through them.
      await cp(from, join(dir, store.goodVersion), { recursive: true, dereference: true });
    } catch (error) {
      await store.destroy();
      throw new DataIoError(from, error);
    }
    await store.setCurrent(store.goodVersion);
    return store;
  }

  /**
   * Adds version `<good>-corrupt-<tag>`: the good one with bytes of its weights flipped, manifest
   * unchanged. Resolves to its name; CURRENT is not moved.
   */
  async addCorrupt(tag: string): Promise<string> {
    const version = `${this.goodVersion}-corrupt-${tag}`;
    const target = join(this.dir, version);
    const good = join(this.dir, this.goodVersion);
    const weights = join(target, (await readManifest(good)).files.weights);
    try {
      await cp(good, target, { recursive: true });
      const bytes = await readFile(weights);
      // A stretch in the middle, so the file keeps its length and the topology still loads.
      const from = bytes.length >> 1;
      for (let i = from; i < Math.min(bytes.length, from + 64); i += 1) {
        bytes[i] = (bytes[i] ?? 0) ^ 0xff;
      }
      await writeFile(weights, bytes);
    } catch (error) {
      throw new DataIoError(target, error);
    }
    return version;
  }

  /** The version CURRENT names now. */
  async current(): Promise<string> {
    const file = join(this.dir, CURRENT_FILE);
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (error) {
      throw new DataIoError(file, error);
    }
  }

  /** Points CURRENT at `version` atomically (a new file renamed over it: no half-written pointer). */
  async setCurrent(version: string): Promise<void> {
    const tmp = join(this.dir, `.${CURRENT_FILE}.${process.pid}`);
    const file = join(this.dir, CURRENT_FILE);
    try {
      await writeFile(tmp, `${version}\n`);
      await rename(tmp, file);
    } catch (error) {
      throw new DataIoError(file, error);
    }
  }

  /** Removes the store; safe to call twice. */
  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
