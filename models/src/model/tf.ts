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
  // The worker's batches are small: handing each kernel to a second thread costs more than it
  // runs (a 1×29 by 29×192 matMul: 0.33 ms on two intra-op threads, 0.11 ms on one). Read once,
  // when libtensorflow starts; set the variable to override.
  process.env.TF_NUM_INTRAOP_THREADS ??= '1';
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
