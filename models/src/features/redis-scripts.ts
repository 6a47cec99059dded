import { HIGH_AMOUNT_RATIO } from './definitions';

/**
 * Lua scripts of the Redis feature store. They mirror MemoryFeatureStore.aggregateAndRecord
 * bucket for bucket (the parity test holds them to it): read the windows before this
 * transaction, prune expired buckets, add the transaction, remember the result per transaction
 * id. Atomic per transaction, so concurrent workers never double count.
 *
 * Customer hash fields: n<bucket> count, s<bucket> cents, q<bucket> cents², h<bucket> count of
 * "high" transactions (amount > HIGH_AMOUNT_RATIO × the card's previous 30-day mean).
 * Terminal hash fields: n<bucket> transactions, f<bucket> known frauds.
 * Amounts are integer cents and every sum an integer below 2^53: Lua's doubles add them
 * exactly, whatever order HGETALL returns the fields in.
 */

/**
 * A batch of transactions in one call, in order (two of the same card or terminal see each
 * other, as consecutive calls would): one script invocation and one reply per slice of a batch,
 * where a call per transaction cost the client a command object and ~20 serialised arguments
 * each, and Redis a script dispatch each.
 *
 * KEYS: per transaction, its customer hash, terminal hash and transaction record.
 * ARGV: 1 customer TTL ms, 2 terminal TTL ms, 3 record TTL ms, 4 window count W, then W customer
 *  window lengths and W terminal window lengths (in buckets); then per transaction 8 values:
 *  cents, cents², customer bucket, terminal bucket, terminal visible end, customer prune-before,
 *  terminal prune-before, event time.
 * Returns per transaction: 6·W aggregates (customer count, cents, cents², high count per window,
 *  then terminal count and frauds per window), the last and first fraud buckets (-1 if none),
 *  the visible terminal transactions since the first fraud, and 1 if the id was seen before.
 */
export const COMPUTE_SCRIPT = `
local nw = tonumber(ARGV[4])
local cw, tw = {}, {}
for i = 1, nw do cw[i] = tonumber(ARGV[4 + i]); tw[i] = tonumber(ARGV[4 + nw + i]) end
local function compute(kc, kt, kx, a)
  local rec = redis.call('HGET', kx, 'a')
  if rec then
    local out = {}
    for v in string.gmatch(rec, '[^,]+') do out[#out + 1] = tonumber(v) end
    out[#out + 1] = 1
    return out
  end
  local cb = tonumber(ARGV[a + 3])
  local tend = tonumber(ARGV[a + 5])
  local cprune = tonumber(ARGV[a + 6])
  local tprune = tonumber(ARGV[a + 7])
  local cn, cs, cq, ch, tn, tf = {}, {}, {}, {}, {}, {}
  for i = 1, nw do
    cn[i] = 0; cs[i] = 0; cq[i] = 0; ch[i] = 0; tn[i] = 0; tf[i] = 0
  end
  local stale = {}
  local fields = redis.call('HGETALL', kc)
  for j = 1, #fields, 2 do
    local name = fields[j]
    local kind = string.sub(name, 1, 1)
    local b = tonumber(string.sub(name, 2))
    local v = tonumber(fields[j + 1])
    if b < cprune then
      stale[#stale + 1] = name
    elseif b <= cb then
      for i = 1, nw do
        if b > cb - cw[i] then
          if kind == 'n' then cn[i] = cn[i] + v
          elseif kind == 's' then cs[i] = cs[i] + v
          elseif kind == 'q' then cq[i] = cq[i] + v
          else ch[i] = ch[i] + v end
        end
      end
    end
  end
  if #stale > 0 then redis.call('HDEL', kc, unpack(stale)) end
  stale = {}
  local last = -1
  local first = -1
  fields = redis.call('HGETALL', kt)
  for j = 1, #fields, 2 do
    local name = fields[j]
    local kind = string.sub(name, 1, 1)
    local b = tonumber(string.sub(name, 2))
    local v = tonumber(fields[j + 1])
    if b < tprune then
      stale[#stale + 1] = name
    elseif b < tend then
      for i = 1, nw do
        if b >= tend - tw[i] then
          if kind == 'n' then tn[i] = tn[i] + v else tf[i] = tf[i] + v end
        end
      end
      if kind == 'f' and v > 0 then
        if b > last then last = b end
        if first < 0 or b < first then first = b end
      end
    end
  end
  local since = 0
  if first >= 0 then
    for j = 1, #fields, 2 do
      local name = fields[j]
      local b = tonumber(string.sub(name, 2))
      if string.sub(name, 1, 1) == 'n' and b >= first and b < tend then since = since + tonumber(fields[j + 1]) end
    end
  end
  if #stale > 0 then redis.call('HDEL', kt, unpack(stale)) end
  redis.call('HINCRBY', kc, 'n' .. ARGV[a + 3], 1)
  redis.call('HINCRBY', kc, 's' .. ARGV[a + 3], ARGV[a + 1])
  redis.call('HINCRBY', kc, 'q' .. ARGV[a + 3], ARGV[a + 2])
  local cents = tonumber(ARGV[a + 1])
  if cn[nw] > 0 and cents * cn[nw] > ${HIGH_AMOUNT_RATIO} * cs[nw] then
    redis.call('HINCRBY', kc, 'h' .. ARGV[a + 3], 1)
  end
  redis.call('PEXPIRE', kc, ARGV[1])
  redis.call('HINCRBY', kt, 'n' .. ARGV[a + 4], 1)
  redis.call('PEXPIRE', kt, ARGV[2])
  local out = {}
  for i = 1, nw do out[#out + 1] = cn[i] end
  for i = 1, nw do out[#out + 1] = cs[i] end
  for i = 1, nw do out[#out + 1] = cq[i] end
  for i = 1, nw do out[#out + 1] = ch[i] end
  for i = 1, nw do out[#out + 1] = tn[i] end
  for i = 1, nw do out[#out + 1] = tf[i] end
  out[#out + 1] = last
  out[#out + 1] = first
  out[#out + 1] = since
  local text = {}
  for i = 1, #out do text[i] = string.format('%.0f', out[i]) end
  redis.call('HSET', kx, 'a', table.concat(text, ','), 'e', ARGV[a + 8])
  redis.call('PEXPIRE', kx, ARGV[3])
  out[#out + 1] = 0
  return out
end
local base = 4 + 2 * nw
local results = {}
for t = 0, #KEYS / 3 - 1 do
  results[t + 1] = compute(KEYS[3 * t + 1], KEYS[3 * t + 2], KEYS[3 * t + 3], base + 8 * t)
end
return results
`;

/**
 * KEYS: label marker, terminal hash, transaction record.
 * ARGV: 1 event time ('' when unknown: read from the record), 2 terminal bucket width ms,
 *  3 marker TTL ms, 4 terminal TTL ms.
 * Returns 'applied', 'duplicate' or 'unknown'. Only fraud labels come here.
 */
export const LABEL_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'duplicate' end
local et = ARGV[1]
if et == '' then
  et = redis.call('HGET', KEYS[3], 'e')
  if not et then return 'unknown' end
end
local b = math.floor(tonumber(et) / tonumber(ARGV[2]))
redis.call('HINCRBY', KEYS[2], 'f' .. string.format('%.0f', b), 1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[1], et, 'PX', ARGV[3])
return 'applied'
`;
