// The feature backend as telemetry sees it: one CLIENT span per pipelined Redis round trip
// (under the stage span), and every failed round trip counted as a Redis error — except an
// unreachable Redis, which the worker's Redis gate counts once per pause.
import type { Telemetry } from '../telemetry';
import type { FeatureBackend } from '../worker-dependencies';
import { redisErrorCode } from './dependency-errors';

/** The feature backend with a span per Redis round trip and its failures counted. */
export function tracedFeatures(
  backend: FeatureBackend,
  telemetry: Pick<Telemetry, 'tracer' | 'metrics'>,
): FeatureBackend {
  const { tracer, metrics } = telemetry;
  const counted = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error: unknown) {
      const code = redisErrorCode(error);
      if (code !== undefined) metrics.countError('redis', code);
      throw error;
    }
  };
  return {
    inputOf: (tx) => backend.inputOf(tx),
    statelessBatch: (inputs) => backend.statelessBatch(inputs),
    close: () => backend.close(),
    computeBatch: (inputs) =>
      tracer.withRedisSpan('features.compute', () => counted(() => backend.computeBatch(inputs)), {
        commandCount: inputs.length,
      }),
    applyLabels: (labels) =>
      tracer.withRedisSpan('features.labels', () => counted(() => backend.applyLabels(labels)), {
        commandCount: labels.length,
      }),
  };
}
