// The FS_* variables the models package's own code reads (the Redis feature store and the model
// store), declared once here because `fraudstream backfill` must read them exactly as the workers
// do, and models sits below workers: the workers' groups reuse these objects, not copies.
import { optionalSetting, setting, text, url } from '@fraudstream/settings';

/** FS_REDIS_URL, FS_FEATURE_KEY_PREFIX and FS_MODEL_DIR: where the feature state and models are. */
export const MODEL_SETTINGS = {
  // Secret: a Redis URL may carry a password (redis://:password@host:port).
  redisUrl: setting(
    'FS_REDIS_URL',
    url(['redis', 'rediss']),
    'redis://127.0.0.1:16379',
    'Redis of the feature state and the retry queue',
    { secret: true },
  ),
  featureKeyPrefix: setting(
    'FS_FEATURE_KEY_PREFIX',
    text(/^\S+$/, 'a non-empty key prefix without spaces'),
    'fs:feat:',
    'prefix of every feature-state key in Redis',
  ),
  modelDir: optionalSetting(
    'FS_MODEL_DIR',
    text(/\S/, 'a non-empty string'),
    "model store: version directories and the CURRENT pointer (unset: the models package's models/artifacts)",
  ),
};
