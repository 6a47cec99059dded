import { TfBackendError } from '../errors';

import type * as TfNode from '@tensorflow/tfjs-node';

/** The TensorFlow.js namespace as @tensorflow/tfjs-node exports it. */
export type Tf = typeof TfNode;

let loaded: Tf | undefined;

/**
 * The libtensorflow settings that training's results depend on, pinned (unless the environment
 * sets them) because they are read once, when libtensorflow starts, and change how sums are
 * ordered: the committed models' weights, and the reproducibility test's hash, hold under these.
 * One intra-op thread: the worker's batches are small, and handing each kernel to a second
 * thread costs more than it runs (a 1×29 by 29×192 matMul: 0.33 ms on two intra-op threads,
 * 0.11 ms on one); it also fixes how a kernel splits its sums. oneDNN on: libtensorflow 2.9's
 * own default on x86-64, named so that a changed default cannot change the weights unnoticed.
 */
export const TF_NUMERIC_ENV: Readonly<Record<string, string>> = Object.freeze({
  TF_NUM_INTRAOP_THREADS: '1',
  TF_ENABLE_ONEDNN_OPTS: '1',
});

/**
 * Loads @tensorflow/tfjs-node on first use and checks that the backend is the native
 * `tensorflow` one; throws TfBackendError otherwise (never falls back to the slow JS backend).
 * Lazy, so the feature code of this package works where the native binding is not built.
 */
export function loadTf(): Tf {
  if (loaded !== undefined) return loaded;
  // Keep libtensorflow's C++ info lines (oneDNN, CPU features) off the CLI's output, unless the
  // user asked for a level.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  for (const [name, value] of Object.entries(TF_NUMERIC_ENV)) process.env[name] ??= value;
  // tfjs-node 4.22 (the latest) calls util.isNullOrUndefined, which Node 23 removed; the fix
  // (tensorflow/tfjs#8425) is merged but unreleased (tensorflow/tfjs#8609). The shim must go on
  // the very object tfjs-node's require('util') returns: an `import * as` under esModuleInterop
  // is a copy of it, hence require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeUtil = require('util') as { isNullOrUndefined?: (v: unknown) => boolean };
  if (typeof nodeUtil.isNullOrUndefined !== 'function') {
    nodeUtil.isNullOrUndefined = (v: unknown) => v === null || v === undefined;
  }
  let tf: Tf;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require('@tensorflow/tfjs-node') as Tf;
  } catch (err) {
    const e = new TfBackendError('unavailable');
    (e as { cause?: unknown }).cause = err;
    throw e;
  }
  assertNativeBackend(tf.getBackend());
  loaded = tf;
  return tf;
}

/** Throws TfBackendError unless `backend` is the native `tensorflow` backend. */
export function assertNativeBackend(backend: string | undefined | null): void {
  if (backend !== 'tensorflow') throw new TfBackendError(String(backend));
}
