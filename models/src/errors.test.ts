import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FeatureStoreError, MODEL_ERROR_CODES, TfBackendError } from './errors';
import { assertNativeBackend } from './model/tf';

describe('error codes', () => {
  it('lists every code in the README, and nothing else', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## Errors');
    const section = readme.slice(
      start,
      readme.indexOf('\n## ', start + 1) === -1 ? undefined : readme.indexOf('\n## ', start + 1),
    );
    const documented = [...section.matchAll(/`(FS_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(MODEL_ERROR_CODES));
  });

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
