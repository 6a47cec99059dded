// The backtest's first pass: reads the whole source (streaming) and checks every row it will
// use before anything is written anywhere, so a bad line stops the run with its line number and
// reason and nothing sent. It also fixes the window and counts what the report needs up front.
import { DEFAULT_TRANSACTION_VALIDATION_OPTIONS } from '@fraudstream/schemas';
import { MalformedDataError } from '@fraudstream/simulator';
import { LoadOptionsError } from '../errors';
import type { TransactionSource } from './transaction-source';

const DAY_MS = 86_400_000;

/** Which part of the source a backtest replays, and how much history it backfills first. */
export interface WindowSpec {
  /** First replayed day's start (epoch ms); undefined: the source's first day + backfillDays. */
  readonly fromMs: number | undefined;
  /** End of the window, exclusive (epoch ms); undefined: the end of the source. */
  readonly toMs: number | undefined;
  /** Days before the window backfilled into the feature state. */
  readonly backfillDays: number;
}

/** What the scan found. */
export interface SourceScan {
  /** The window, resolved: [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Start of the backfilled history: fromMs − backfillDays. */
  readonly backfillFromMs: number;
  /** Rows in the window, and of them frauds. */
  readonly rows: number;
  readonly frauds: number;
  /** Rows in the backfilled days. */
  readonly backfillRows: number;
  /** Event times of the window's first and last row. */
  readonly firstEventMs: number;
  readonly lastEventMs: number;
}

/** The most characters of an id the workers accept (longer ones are dead-lettered). */
const MAX_ID_LENGTH = DEFAULT_TRANSACTION_VALIDATION_OPTIONS.maxIdLength;
const MAX_AMOUNT = DEFAULT_TRANSACTION_VALIDATION_OPTIONS.maxAmountMajor;

/**
 * Reads `source` once, validating the layout (the CSV reader) and what the workers would refuse
 * (ids too long once the run's prefix is added, amounts over the workers' ceiling); rejects with
 * MalformedDataError at the first bad row, or LoadOptionsError when the window holds no row.
 */
export async function scanSource(
  source: TransactionSource,
  spec: WindowSpec,
  runIdLength: number,
): Promise<SourceScan> {
  let fromMs = spec.fromMs;
  let backfillFromMs = fromMs === undefined ? undefined : fromMs - spec.backfillDays * DAY_MS;
  const toMs = spec.toMs ?? Infinity;
  let rows = 0;
  let frauds = 0;
  let backfillRows = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  for await (const { row, line } of source.rows()) {
    const t = row.tx.event_time;
    if (fromMs === undefined || backfillFromMs === undefined) {
      backfillFromMs = Math.floor(t / DAY_MS) * DAY_MS;
      fromMs = backfillFromMs + spec.backfillDays * DAY_MS;
    }
    if (t >= toMs) break;
    if (t < backfillFromMs) continue;
    const refuse = (reason: string): never => {
      throw new MalformedDataError(source.file ?? source.description, line ?? 0, reason);
    };
    if (t < fromMs) {
      backfillRows += 1;
      continue;
    }
    // The id sent is `<run id><row number>/<file id>` (TransactionIds).
    const sentLength = runIdLength + String(rows).length + 1 + row.tx.transaction_id.length;
    if (sentLength > MAX_ID_LENGTH) {
      refuse(
        `transaction_id is ${row.tx.transaction_id.length} characters: with the run's prefix the id sent would have ${sentLength}, more than the workers' ${MAX_ID_LENGTH}`,
      );
    }
    for (const field of ['customer_id', 'terminal_id'] as const) {
      if (row.tx[field].length > MAX_ID_LENGTH) {
        refuse(`${field} has more than the workers' ${MAX_ID_LENGTH} characters`);
      }
    }
    if (row.tx.amount > MAX_AMOUNT) {
      refuse(`amount ${row.tx.amount} is over the workers' ceiling of ${MAX_AMOUNT}`);
    }
    if (rows === 0) first = t;
    last = t;
    rows += 1;
    if (row.truth.is_fraud) frauds += 1;
  }
  if (rows === 0 || fromMs === undefined || backfillFromMs === undefined) {
    throw new LoadOptionsError(
      'from',
      `a window [from, to) holding rows of ${source.description}`,
      fromMs === undefined ? 'an empty source' : new Date(fromMs).toISOString(),
    );
  }
  return {
    fromMs,
    toMs,
    backfillFromMs,
    rows,
    frauds,
    backfillRows,
    firstEventMs: first,
    lastEventMs: last,
  };
}
