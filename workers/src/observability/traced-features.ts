import type { Telemetry } from '../telemetry';
import type { FeatureBackend } from '../worker-dependencies';

/** The feature backend with one CLIENT span per pipelined Redis round trip (under the stage span). */
export function tracedFeatures(
  backend: FeatureBackend,
  telemetry: Pick<Telemetry, 'tracer'>,
): FeatureBackend {
  const { tracer } = telemetry;
  return {
    inputOf: (tx) => backend.inputOf(tx),
    statelessBatch: (inputs) => backend.statelessBatch(inputs),
    close: () => backend.close(),
    computeBatch: (inputs) =>
      tracer.withRedisSpan('features.compute', () => backend.computeBatch(inputs), {
        commandCount: inputs.length,
      }),
    applyLabels: (labels) =>
      tracer.withRedisSpan('features.labels', () => backend.applyLabels(labels), {
        commandCount: labels.length,
      }),
  };
}
