// The codes themselves are checked against docs/errors.md by tests/docs/docs.test.ts.
import { FeatureStoreError, TfBackendError } from './errors';
import { assertNativeBackend } from './model/tf';

describe('error codes', () => {
  it('types feature-store failures as retriable or not', () => {
    const timeout = new FeatureStoreError('FS_FEATURE_STORE_TIMEOUT', 'slow', true);
    expect([timeout.code, timeout.retriable, timeout.name]).toEqual([
      'FS_FEATURE_STORE_TIMEOUT',
      true,
      'FeatureStoreError',
    ]);
  });

  it('refuses any backend but the native one', () => {
    expect(() => assertNativeBackend('cpu')).toThrow(TfBackendError);
    expect(() => assertNativeBackend('cpu')).toThrow(/tfjs-native\.sh/);
    expect(() => assertNativeBackend('tensorflow')).not.toThrow();
  });
});
