// The models a worker scores with, and their hot swap. The model store is a directory of version
// directories plus a `CURRENT` file naming the live one. The registry loads and warms a new
// version completely BEFORE it becomes current, and batches take a lease on the current models
// when they start, so a swap happens between batches: a batch never mixes two versions, and a
// replaced model is disposed only when the last batch using it is done.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { causeText, ModelLoadError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ModelSet, ScoringModel } from '../pipeline/score-stage';

/** Name of the pointer file in the model store. */
export const POINTER_FILE = 'CURRENT';

/** A loaded model that holds resources (tensors). */
export interface LoadedModel extends ScoringModel {
  /** Frees the model's tensors; called once, after the last batch using it. */
  dispose(): void;
}

/** Loads artifacts; what the registry needs from @fraudstream/models (adapters/models-backend.ts). */
export interface ModelLoader {
  /** Loads the artifact in `dir` and warms it up (one inference) before resolving. */
  load(dir: string): Promise<LoadedModel>;
}

/** The models of one batch; `release()` when the batch is done (safe to call twice). */
export interface ModelLease {
  readonly models: ModelSet;
  release(): void;
}

/** Hands out model leases; what the batch runner and the retry processor need. */
export interface ModelProvider {
  acquire(): ModelLease;
}

/** Options of {@link ModelRegistry}. */
export interface ModelRegistryOptions {
  /** The model store (FS_MODEL_DIR). */
  readonly modelDir: string;
  readonly loader: ModelLoader;
  /** How often `CURRENT` is read (FS_MODEL_POLL_MS). */
  readonly pollMs: number;
  /** Challenger: a version in the store or a path (FS_CHALLENGER_MODEL). @defaultValue none */
  readonly challenger?: string;
  readonly logger?: Logger;
  /** Told after every swap (metrics, logs). */
  readonly onSwap?: (from: string, to: string) => void;
  /** Told each time the version the pointer names fails to load (metrics). */
  readonly onLoadFailure?: (error: ModelLoadError) => void;
  /** Longest wait before a version that failed is tried again. @defaultValue 60 s */
  readonly maxRetryMs?: number;
}

/** A version the pointer names that failed to load, and when to try it again. */
interface FailedLoad {
  readonly dir: string;
  readonly attempts: number;
  readonly retryAtMs: number;
}

interface Entry {
  readonly model: LoadedModel;
  readonly dir: string;
  leases: number;
  retired: boolean;
}

/** The champion (hot-swapped from `CURRENT`) and an optional challenger in shadow. */
export class ModelRegistry implements ModelProvider {
  private championEntry: Entry | undefined;
  private challenger: Entry | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private failed: FailedLoad | undefined;
  private stopped = false;
  private readonly logger: Logger;

  /** Loads nothing yet; call {@link start}. */
  constructor(private readonly options: ModelRegistryOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'model-registry' });
  }

  /** Loads and warms the current version (and the challenger), then watches the pointer. */
  async start(): Promise<void> {
    const dir = await this.readPointer();
    this.championEntry = await this.loadEntry(dir);
    this.logger.info('model loaded', {
      role: 'champion',
      modelVersion: this.championEntry.model.version,
      dir,
    });
    if (this.options.challenger !== undefined) {
      const challengerDir = isAbsolute(this.options.challenger)
        ? this.options.challenger
        : join(this.options.modelDir, this.options.challenger);
      this.challenger = await this.loadEntry(challengerDir);
      this.logger.info('model loaded', {
        role: 'challenger',
        modelVersion: this.challenger.model.version,
        dir: challengerDir,
      });
    }
    this.schedule();
  }

  /** Whether a champion is loaded and warm. */
  get loaded(): boolean {
    return this.championEntry !== undefined;
  }

  /** The current champion (no lease: for start-up wiring, not for scoring). */
  champion(): LoadedModel {
    const champion = this.championEntry;
    if (!champion)
      throw new ModelLoadError(this.options.modelDir, 'no model loaded yet (start() not awaited)');
    return champion.model;
  }

  /** The champion's version, or undefined before start. */
  get version(): string | undefined {
    return this.championEntry?.model.version;
  }

  /** The challenger's version, if one is scored in shadow. */
  get challengerVersion(): string | undefined {
    return this.challenger?.model.version;
  }

  /** The models for one batch. */
  acquire(): ModelLease {
    const champion = this.championEntry;
    if (!champion)
      throw new ModelLoadError(this.options.modelDir, 'no model loaded yet (start() not awaited)');
    const challenger = this.challenger;
    champion.leases += 1;
    if (challenger) challenger.leases += 1;
    let released = false;
    return {
      models: challenger
        ? { champion: champion.model, challenger: challenger.model }
        : { champion: champion.model },
      release: () => {
        if (released) return;
        released = true;
        this.unlease(champion);
        if (challenger) this.unlease(challenger);
      },
    };
  }

  /** Reads the pointer now and swaps if it names a new version; resolves when done. */
  async checkNow(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /** Stops watching and disposes the models once their batches are done; safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    for (const entry of [this.championEntry, this.challenger]) if (entry) this.retire(entry);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.checkNow().finally(() => this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  // A background loop: reports failures and keeps the current model, never throws.
  private async poll(): Promise<void> {
    let dir: string;
    try {
      dir = await this.readPointer();
    } catch (error: unknown) {
      this.logger.warn('model pointer unreadable; keeping the current model', { error });
      return;
    }
    const current = this.championEntry;
    if (this.stopped || !current || resolve(dir) === resolve(current.dir)) return;
    const failed = this.failed?.dir === dir ? this.failed : undefined;
    if (failed !== undefined && Date.now() < failed.retryAtMs) return;
    let next: Entry;
    try {
      next = await this.loadEntry(dir);
    } catch (error: unknown) {
      // The same version is tried again, less and less often: the pointer may have been moved
      // before the version's files finished copying, and they may yet be complete. A new pointer
      // value is tried at the next poll.
      const attempts = (failed?.attempts ?? 0) + 1;
      const waitMs = Math.min(
        this.options.pollMs * 2 ** attempts,
        this.options.maxRetryMs ?? 60_000,
      );
      this.failed = { dir, attempts, retryAtMs: Date.now() + waitMs };
      this.logger.error('new model failed to load; keeping the current model', {
        error,
        dir,
        attempts,
        retryInMs: waitMs,
        modelVersion: current.model.version,
      });
      if (error instanceof ModelLoadError) this.options.onLoadFailure?.(error);
      return;
    }
    if (this.stopped) {
      next.model.dispose();
      return;
    }
    this.championEntry = next;
    this.failed = undefined;
    this.retire(current);
    this.logger.info('model swapped', { from: current.model.version, to: next.model.version, dir });
    this.options.onSwap?.(current.model.version, next.model.version);
  }

  private async readPointer(): Promise<string> {
    const pointer = join(this.options.modelDir, POINTER_FILE);
    let text: string;
    try {
      text = await readFile(pointer, 'utf8');
    } catch (error: unknown) {
      throw new ModelLoadError(
        pointer,
        `cannot read the pointer file (${causeText(error)}); set FS_MODEL_DIR to a model store`,
        {
          cause: error,
        },
      );
    }
    const version = text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0 && !l.startsWith('#'));
    if (version === undefined)
      throw new ModelLoadError(pointer, 'the pointer file names no version');
    return isAbsolute(version) ? version : join(this.options.modelDir, version);
  }

  private async loadEntry(dir: string): Promise<Entry> {
    try {
      return { model: await this.options.loader.load(dir), dir, leases: 0, retired: false };
    } catch (error: unknown) {
      if (error instanceof ModelLoadError) throw error;
      throw new ModelLoadError(dir, causeText(error), { cause: error });
    }
  }

  private unlease(entry: Entry): void {
    entry.leases -= 1;
    if (entry.retired && entry.leases === 0) this.dispose(entry);
  }

  private retire(entry: Entry): void {
    if (entry.retired) return;
    entry.retired = true;
    if (entry.leases === 0) this.dispose(entry);
  }

  private dispose(entry: Entry): void {
    try {
      entry.model.dispose();
    } catch (error: unknown) {
      this.logger.warn('model dispose failed', { error, modelVersion: entry.model.version });
    }
  }
}
