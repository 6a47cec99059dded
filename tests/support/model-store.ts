// A model store owned by one test: version directories (symlinks to committed artifacts) and a
// CURRENT pointer the test can move to trigger a hot swap.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/**
 * The model store the tests take their artifact from: the models package's committed store, or
 * FS_TEST_MODEL_STORE to run the suites against another model.
 */
export const SOURCE_MODEL_STORE =
  process.env.FS_TEST_MODEL_STORE ?? resolve(__dirname, '..', '..', 'models', 'artifacts');

/** The artifact directory the source store's CURRENT names. */
export function committedArtifact(): string {
  const pointer = join(SOURCE_MODEL_STORE, 'CURRENT');
  if (!existsSync(pointer))
    throw new Error(`${pointer} does not exist: the models package has no committed model yet`);
  const name = readFileSync(pointer, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !l.startsWith('#'));
  if (name === undefined) throw new Error(`${pointer} names no version`);
  return resolve(SOURCE_MODEL_STORE, name);
}

/** A temporary model store. */
export class TestModelStore {
  private constructor(readonly dir: string) {}

  /**
   * Creates a store whose versions are named `versions` (each a link to `artifact`) with the
   * first one current. The version a verdict reports is its directory name.
   */
  static async create(
    versions: readonly string[],
    artifact: string = committedArtifact(),
  ): Promise<TestModelStore> {
    const store = new TestModelStore(await mkdtemp(join(tmpdir(), 'fs-models-')));
    for (const v of versions) await symlink(artifact, join(store.dir, v), 'dir');
    const first = versions[0];
    if (first === undefined) throw new Error('a model store needs at least one version');
    await store.setCurrent(first);
    return store;
  }

  /** Points CURRENT at `version` atomically (write a temp file, rename over). */
  async setCurrent(version: string): Promise<void> {
    const tmp = join(this.dir, `.CURRENT.${process.pid}`);
    await writeFile(tmp, `${basename(version)}\n`);
    await rename(tmp, join(this.dir, 'CURRENT'));
  }

  /** Removes the store (the links, never the artifacts). */
  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
