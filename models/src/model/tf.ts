import { TfBackendError } from '../errors';

import type * as TfNode from '@tensorflow/tfjs-node';

/** The TensorFlow.js namespace as @tensorflow/tfjs-node exports it. */
export type Tf = typeof TfNode;

let loaded: Tf | undefined;

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
  // oneDNN's kernels pay off on big matrices; on the worker's small batches they cost more than
  // they save (bench inference: 1.3-2x slower per call at 1-512 rows on this 2-core machine).
  // Read once when libtensorflow loads; set it to 1 to measure the other way.
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
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
