import { HIGH_AMOUNT_RATIO } from './definitions';

/**
 * Lua scripts of the Redis feature store. They mirror MemoryFeatureStore.aggregateAndRecord
 * bucket for bucket (the parity test holds them to it): read the windows before this
 * transaction, prune expired buckets, add the transaction, remember the result per transaction
 * id. Atomic per transaction, so concurrent workers never double count.
 *
 * An entity's state is one string, a **cumulative series**: a header of W base sums (everything
 * pruned so far), then one record per time bucket in bucket order, `[bucket, W running sums
 * through this bucket]`, all little-endian doubles. A window's sum is the difference of two
 * running sums found by binary search, so a transaction reads O(log buckets) records. (A hash
 * of per-bucket fields read whole with HGETALL cost Redis 355 µs a transaction once cards had
 * 25 days of history: every field became a Lua string and a number. This costs 69 µs.)
 *
 * Customer series (W = 4): transactions, cents, cents², "high" transactions (amount >
 * HIGH_AMOUNT_RATIO × the card's previous 30-day mean). Terminal series (W = 2): transactions,
 * known frauds. Amounts are integer cents and every sum an integer below 2^53, so the doubles add
 * and subtract them exactly, as the memory store's per-bucket sums do.
 */
const CARD_SUMS = 4;
const TERMINAL_SUMS = 2;

const SERIES_LUA = `
local spack, sunpack = struct.pack, struct.unpack
local function spec(w)
  return {
    w = w, head = 8 * w, rec = 8 * (w + 1),
    vals = '<' .. string.rep('d', w), row = '<' .. string.rep('d', w + 1),
    -- A series with no records: the header's zero sums.
    empty = string.rep('\\0', 8 * w),
  }
end
local CARD, TERMINAL = spec(${CARD_SUMS}), spec(${TERMINAL_SUMS})
local function size(p, s) return (#s - p.head) / p.rec end
local function bucketOf(p, s, k) return (sunpack('<d', s, p.head + (k - 1) * p.rec + 1)) end
-- Running sum v through record k (k = 0: the header).
local function sumOf(p, s, k, v)
  if k == 0 then return (sunpack('<d', s, 8 * v - 7)) end
  return (sunpack('<d', s, p.head + (k - 1) * p.rec + 8 * v + 1))
end
-- All W running sums through record k, as a table.
local function sums(p, s, k)
  local at = 1
  if k > 0 then at = p.head + (k - 1) * p.rec + 9 end
  return { sunpack(p.vals, s, at) }
end
-- Index of the last record with bucket <= x, 0 when none. Transactions mostly land in the
-- newest bucket: checked first.
local function find(p, s, x)
  local hi = size(p, s)
  if hi == 0 or bucketOf(p, s, hi) <= x then return hi end
  local lo = 0
  hi = hi - 1
  while lo < hi do
    local mid = math.floor((lo + hi + 1) / 2)
    if bucketOf(p, s, mid) <= x then lo = mid else hi = mid - 1 end
  end
  return lo
end
-- Physically drops the records below bucket \`before\` (folding their sums into the header) once
-- they are at least half the series, so the rewrite is paid once per many transactions; until
-- then they are dead weight that no window reads. Returns the series and its dead record count.
local function prune(p, key, s, before, ttl)
  local j = find(p, s, before - 1)
  if j == 0 or 2 * j < size(p, s) then return s, j end
  s = spack(p.vals, unpack(sums(p, s, j), 1, p.w)) .. string.sub(s, p.head + j * p.rec + 1)
  redis.call('SET', key, s, 'PX', ttl)
  return s, 0
end
-- The W sums of row (values from index first on) plus delta, packed.
local function plus(p, row, first, delta)
  for v = 1, p.w do row[first + v - 1] = row[first + v - 1] + delta[v] end
  return spack(p.vals, unpack(row, first, first + p.w - 1))
end
-- Adds the W values of delta to bucket b of the series stored at key (s: its value, false when
-- the key is absent), creating the bucket's record; later running sums move too. The newest
-- bucket is written in place (SETRANGE) or appended, without copying the series.
local function add(p, key, s, b, delta, ttl)
  local exists = s ~= false
  if not exists then s = p.empty end
  local n = size(p, s)
  local j = find(p, s, b)
  local same = j > 0 and bucketOf(p, s, j) == b
  if j == n and exists then
    local packed = plus(p, sums(p, s, j), 1, delta)
    if same then
      redis.call('SETRANGE', key, p.head + (j - 1) * p.rec + 8, packed)
    else
      redis.call('APPEND', key, spack('<d', b) .. packed)
    end
    redis.call('PEXPIRE', key, ttl)
    return
  end
  local out, from
  if same then
    out = { string.sub(s, 1, p.head + (j - 1) * p.rec) }
    from = j
  else
    out = { string.sub(s, 1, p.head + j * p.rec), spack('<d', b) .. plus(p, sums(p, s, j), 1, delta) }
    from = j + 1
  end
  for k = from, n do
    local at = p.head + (k - 1) * p.rec + 1
    out[#out + 1] = string.sub(s, at, at + 7) .. plus(p, { sunpack(p.vals, s, at + 8) }, 1, delta)
  end
  redis.call('SET', key, table.concat(out), 'PX', ttl)
end
`;

/** Doubles per transaction in the compute script's packed input. */
export const COMPUTE_INPUTS = 8;

/**
 * A batch of transactions in one call, in order (two of the same card or terminal see each
 * other, as consecutive calls would): one script invocation and one reply per slice of a batch,
 * where a call per transaction cost the client a command object and ~20 serialised arguments
 * each, and Redis a script dispatch each.
 *
 * Inputs and results travel packed as little-endian doubles: a few hundred numbers per slice
 * as separate arguments and reply elements cost the worker more to write and parse (ioredis
 * builds a string per argument and an array per reply) than Redis spent on them.
 *
 * KEYS: per transaction, its customer series, terminal series and transaction record.
 * ARGV: 1 customer TTL ms, 2 terminal TTL ms, 3 record TTL ms, 4 window count W, then W customer
 *  window lengths and W terminal window lengths (in buckets); then one string of 8 doubles per
 *  transaction (COMPUTE_INPUTS): cents, cents², customer bucket, terminal bucket, terminal
 *  visible end, customer prune-before, terminal prune-before, event time.
 * Returns one string of COMPUTE_OUTPUTS(W) doubles per transaction: 1 if the id was seen before
 *  (the results are then the first call's), then 6·W aggregates (customer count, cents, cents²,
 *  high count per window, then terminal count and frauds per window), the last and first fraud
 *  buckets (-1 if none), and the visible terminal transactions since the first fraud.
 */
export const COMPUTE_SCRIPT = `${SERIES_LUA}
local nw = tonumber(ARGV[4])
local cw, tw = {}, {}
for i = 1, nw do cw[i] = tonumber(ARGV[4 + i]); tw[i] = tonumber(ARGV[4 + nw + i]) end
local nout = 6 * nw + 3
-- A transaction's record: its event time, then its nout results (the reply swaps the time for
-- the seen flag).
local RECORD = '<' .. string.rep('d', nout + 1)
local INPUT = '<' .. string.rep('d', ${COMPUTE_INPUTS})
local inputs = ARGV[5 + 2 * nw]
-- Smallest k in [lo, hi] whose running fraud count is >= target (the counts never decrease).
local function firstReaching(s, target, lo, hi)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if sumOf(TERMINAL, s, mid, 2) >= target then hi = mid else lo = mid + 1 end
  end
  return lo
end
local SEEN, NEW = spack('<d', 1), spack('<d', 0)
local function compute(kc, kt, kx, at)
  local rec = redis.call('GET', kx)
  if rec then return SEEN .. string.sub(rec, 9) end
  local cents, cents2, cb, tb, tend, cprune, tprune, et = sunpack(INPUT, inputs, at)
  local out = {}
  local craw = redis.call('GET', kc)
  local cs = prune(CARD, kc, craw or CARD.empty, cprune, ARGV[1])
  local now = sums(CARD, cs, find(CARD, cs, cb))
  local past = {}
  for i = 1, nw do past[i] = sums(CARD, cs, find(CARD, cs, cb - cw[i])) end
  for v = 1, 4 do
    for i = 1, nw do out[#out + 1] = now[v] - past[i][v] end
  end
  local traw = redis.call('GET', kt)
  local ts, dead = prune(TERMINAL, kt, traw or TERMINAL.empty, tprune, ARGV[2])
  local je = find(TERMINAL, ts, tend - 1)
  local tnow = sums(TERMINAL, ts, je)
  for i = 1, nw do past[i] = sums(TERMINAL, ts, find(TERMINAL, ts, tend - tw[i] - 1)) end
  for v = 1, 2 do
    for i = 1, nw do out[#out + 1] = tnow[v] - past[i][v] end
  end
  local base = sumOf(TERMINAL, ts, dead, 2)
  if tnow[2] > base then
    -- The last fraud bucket is where the running count reached its visible value; the first,
    -- where it first rose above the pruned records' (counts are integers: +0.5 means "above").
    local kf = firstReaching(ts, base + 0.5, dead + 1, je)
    out[#out + 1] = bucketOf(TERMINAL, ts, firstReaching(ts, tnow[2], kf, je))
    out[#out + 1] = bucketOf(TERMINAL, ts, kf)
    out[#out + 1] = tnow[1] - sumOf(TERMINAL, ts, kf - 1, 1)
  else
    out[#out + 1] = -1
    out[#out + 1] = -1
    out[#out + 1] = 0
  end
  local high = 0
  local n30, s30 = out[nw], out[2 * nw]
  if n30 > 0 and cents * n30 > ${HIGH_AMOUNT_RATIO} * s30 then high = 1 end
  -- \`raw and s\`: false for a key that did not exist, so add() creates it with its header.
  add(CARD, kc, craw and cs, cb, { 1, cents, cents2, high }, ARGV[1])
  add(TERMINAL, kt, traw and ts, tb, { 1, 0 }, ARGV[2])
  rec = spack(RECORD, et, unpack(out, 1, nout))
  redis.call('SET', kx, rec, 'PX', ARGV[3])
  return NEW .. string.sub(rec, 9)
end
local results = {}
for t = 0, #KEYS / 3 - 1 do
  results[t + 1] = compute(KEYS[3 * t + 1], KEYS[3 * t + 2], KEYS[3 * t + 3], 1 + ${COMPUTE_INPUTS * 8} * t)
end
return table.concat(results)
`;

/** Doubles per transaction in the compute script's packed reply, for `windows` windows. */
export function computeOutputs(windows: number): number {
  return 6 * windows + 4;
}

/**
 * KEYS: label marker, terminal series, transaction record.
 * ARGV: 1 event time ('' when unknown: read from the record), 2 terminal bucket width ms,
 *  3 marker TTL ms, 4 terminal TTL ms.
 * Returns 'applied', 'duplicate' or 'unknown'. Only fraud labels come here.
 */
export const LABEL_SCRIPT = `${SERIES_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then return 'duplicate' end
local et = ARGV[1]
if et == '' then
  local rec = redis.call('GET', KEYS[3])
  if not rec then return 'unknown' end
  et = string.format('%.0f', (sunpack('<d', rec)))
end
local b = math.floor(tonumber(et) / tonumber(ARGV[2]))
add(TERMINAL, KEYS[2], redis.call('GET', KEYS[2]), b, { 0, 1 }, ARGV[4])
redis.call('SET', KEYS[1], et, 'PX', ARGV[3])
return 'applied'
`;

/**
 * The running transaction count at the end of a customer series as GET returns it (a Buffer):
 * every transaction counted for the card since its state was created, pruned buckets included.
 */
export function seriesTransactionCount(series: Buffer | null): number {
  if (series === null || series.length === 0) return 0;
  const records = (series.length - 8 * CARD_SUMS) / (8 * (CARD_SUMS + 1));
  return series.readDoubleLE(records === 0 ? 0 : series.length - 8 * CARD_SUMS);
}
