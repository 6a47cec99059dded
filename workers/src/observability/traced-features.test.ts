import { initTelemetry } from '../telemetry';
import { MemoryFeatures } from '../testing/fakes';
import type { FeatureBackend } from '../worker-dependencies';
import { tracedFeatures } from './traced-features';

function backend(failure: () => Error): FeatureBackend {
  const memory = new MemoryFeatures();
  return {
    inputOf: (tx) => memory.inputOf(tx),
    statelessBatch: (inputs) => memory.statelessBatch(inputs),
    computeBatch: () => Promise.reject(failure()),
    applyLabels: () => Promise.reject(failure()),
    close: () => Promise.resolve(),
  };
}

describe('tracedFeatures', () => {
  it('counts each failed round trip as a Redis error under its code', async () => {
    const telemetry = initTelemetry({ tracingEnabled: false });
    const failure = (): Error =>
      Object.assign(new Error('bad script'), { code: 'FS_FEATURE_STORE_SCRIPT' });
    const features = tracedFeatures(backend(failure), telemetry);
    await expect(features.computeBatch([])).rejects.toThrow('bad script');
    await expect(features.applyLabels([])).rejects.toThrow('bad script');
    const metrics = await telemetry.renderMetrics();
    await telemetry.shutdown();
    expect(metrics).toMatch(
      /fraudstream_errors_total\{component="redis",code="FS_FEATURE_STORE_SCRIPT"\} 2/,
    );
  });

  it('leaves an unavailable Redis to the gate (one count per pause)', async () => {
    const telemetry = initTelemetry({ tracingEnabled: false });
    const failure = (): Error =>
      Object.assign(new Error('gone'), { code: 'FS_FEATURE_STORE_UNAVAILABLE' });
    const features = tracedFeatures(backend(failure), telemetry);
    await expect(features.computeBatch([])).rejects.toThrow('gone');
    const slow = (): Error =>
      Object.assign(new Error('slow'), { code: 'FS_FEATURE_STORE_TIMEOUT' });
    await expect(tracedFeatures(backend(slow), telemetry).applyLabels([])).rejects.toThrow('slow');
    const metrics = await telemetry.renderMetrics();
    await telemetry.shutdown();
    expect(metrics).not.toMatch(/fraudstream_errors_total\{component="redis"/);
  });
});
