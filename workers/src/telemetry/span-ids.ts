// Customer and card ids on spans: a trace backend is read by more people, and kept longer, than
// the records themselves, so an id that names a person reaches a span only as a keyed hash. The
// transaction id stays raw: it names no one, and `fraudstream trace <id>` searches by it.
import { createHmac, randomBytes } from 'node:crypto';

/** Turns a customer or card id into what a span carries. */
export type SpanIdMapper = (id: string) => string;

/**
 * The key used when FS_TRACE_ID_HASH_KEY (or its file) is unset: random, made once per process
 * and never written anywhere. Nobody can reverse a hash made with it (customer ids are few enough
 * to try them all against a known key), at the price that two processes hash one id differently;
 * set the key fleet-wide to follow a customer across workers and restarts.
 */
const PROCESS_KEY = randomBytes(32).toString('hex');

/** The per-process random key of {@link PROCESS_KEY}, for the defaults of the settings. */
export function processHashKey(): string {
  return PROCESS_KEY;
}

/**
 * `HMAC-SHA-256(key, id)` as 64 hex digits: the same id gives the same text under one key, so a
 * customer's spans still group together; `raw` (FS_TRACE_RAW_IDS) hands ids through unchanged.
 */
export function spanIdMapper(options: {
  readonly key: string;
  readonly raw: boolean;
}): SpanIdMapper {
  if (options.raw) return (id) => id;
  const { key } = options;
  return (id) => createHmac('sha256', key).update(id, 'utf8').digest('hex');
}
