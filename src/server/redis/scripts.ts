/**
 * Lua scripts of the Redis stream store, run with EVALSHA through ioredis `defineCommand`.
 * Each runs atomically in Redis, which is what makes every node see one order.
 *
 * Ids are `<ms>-<seq>`: seq comes from one INCR shared by every stream of the store, ms is
 * max(Redis TIME, ms of the previous entry), so ids increase across the user streams, the global
 * stream and the all-stream alike, and merging by id gives append order.
 *
 * Trimming is done by the script itself rather than with `XADD MAXLEN ~`/`MINID ~`: Redis does not
 * record what a trim removed (`max-deleted-entry-id` is only moved by XDEL), and a reader must
 * know exactly the last id that is gone to tell `resumed` from `gap`. The script trims in batches
 * (when a stream is `slack` entries over its count, or its oldest entry is older than the age
 * bound by more than `ageSlack`), so the cost per append stays constant like `~`, and records the
 * last removed id with `XSETID … MAXDELETEDID`, where `XINFO STREAM` reads it back.
 */

const COMMON = `
local function ensure_epoch(key, candidate)
  local epoch = redis.call('GET', key)
  if not epoch then
    redis.call('SET', key, candidate)
    epoch = candidate
  end
  return epoch
end

local function parse_id(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * append: KEYS = epoch, seq, head, stream (the user's or the global one), all-stream.
 * ARGV = candidate epoch, type, userId as JSON, key as JSON, maxMessages, maxAllMessages,
 * maxAgeMs (0: none), channel, stream TTL ms (0: none), frame parts (the frame split at the
 * cursor placeholder). Returns the cursor.
 * Publishes `cursor \\n type \\n userIdJson \\n keyJson \\n frame` on the channel.
 */
export const APPEND_SCRIPT = `${COMMON}
local function later(a, b)
  local a1, a2 = parse_id(a)
  local b1, b2 = parse_id(b)
  return a1 > b1 or (a1 == b1 and a2 > b2)
end

-- Removes the oldest entries of \`key\` once it is \`slack\` over \`maxlen\` entries, or once its
-- oldest entry is older than \`minms\` - \`age_slack\`; records the last removed id.
local function trim(key, maxlen, minms, age_slack, last_id)
  local cut = nil
  local excess = redis.call('XLEN', key) - maxlen
  local slack = math.max(1, math.min(128, math.floor(maxlen / 16)))
  if excess >= slack then
    local r = redis.call('XRANGE', key, '-', '+', 'COUNT', excess)
    cut = r[#r][1]
  end
  if minms then
    local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)
    if first[1] and parse_id(first[1][1]) < minms - age_slack then
      local r = redis.call('XREVRANGE', key, '(' .. string.format('%d', minms) .. '-0', '-', 'COUNT', 1)
      if r[1] and (cut == nil or later(r[1][1], cut)) then cut = r[1][1] end
    end
  end
  if cut then
    local cms, cseq = parse_id(cut)
    redis.call('XTRIM', key, 'MINID', string.format('%d-%d', cms, cseq + 1))
    redis.call('XSETID', key, last_id, 'MAXDELETEDID', cut)
  end
end

local epoch = ensure_epoch(KEYS[1], ARGV[1])
local seq = redis.call('INCR', KEYS[2])
local ms = now_ms()
local head = redis.call('GET', KEYS[3])
if head then
  local hms, hseq = parse_id(head)
  if hms > ms then ms = hms end
  if hseq >= seq then
    -- the sequence key was lost while the head survived (eviction): keep ids increasing
    seq = hseq + 1
    redis.call('SET', KEYS[2], string.format('%d', seq))
  end
end
local id = string.format('%d-%d', ms, seq)
local cursor = epoch .. '.' .. id
local parts = {}
for i = 10, #ARGV do parts[#parts + 1] = ARGV[i] end
local frame = table.concat(parts, cursor)
redis.call('SET', KEYS[3], id)

local max_age = tonumber(ARGV[7])
local minms = nil
if max_age > 0 then minms = ms - max_age end
local age_slack = math.floor(max_age / 16)
local ttl = tonumber(ARGV[9])
local fresh = ttl > 0 and redis.call('EXISTS', KEYS[4]) == 0
redis.call('XADD', KEYS[4], id, 't', ARGV[2], 'k', ARGV[4], 'f', frame)
if fresh and ms - ttl > 0 then
  -- An earlier stream of this user may have expired (TTL): all of its entries had ms <= now - ttl.
  -- Record that bound as deleted so a cursor older than it reads as gap.
  redis.call('XSETID', KEYS[4], id, 'MAXDELETEDID', string.format('%d-%d', ms - ttl, seq - 1))
end
redis.call('XADD', KEYS[5], id, 't', ARGV[2], 'u', ARGV[3], 'k', ARGV[4], 'f', frame)
trim(KEYS[4], tonumber(ARGV[5]), minms, age_slack, id)
trim(KEYS[5], tonumber(ARGV[6]), minms, age_slack, id)
if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
redis.call('PUBLISH', ARGV[8], cursor .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4] .. '\\n' .. frame)
return cursor
`;

/**
 * read: KEYS = epoch, head, stream 1 [, stream 2]. ARGV = candidate epoch, since id (exclusive,
 * already validated), limit. Returns [epoch, head position, now ms, then per stream: exists (0/1),
 * max-deleted-entry-id, entries (XRANGE reply)].
 */
export const READ_SCRIPT = `${COMMON}
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local head = redis.call('GET', KEYS[2]) or '0-0'
local now = now_ms()
local hms, hseq = parse_id(head)
if now > hms then
  -- Hand out positions at the current time (between the head and the next append) so a cursor
  -- says how old the reader's view is; the next append's ms starts from here even if the clock
  -- steps back.
  head = string.format('%d-%d', now, hseq)
  redis.call('SET', KEYS[2], head)
end
local out = { epoch, head, string.format('%d', now) }
for i = 3, #KEYS do
  local key = KEYS[i]
  if redis.call('EXISTS', key) == 1 then
    local info = redis.call('XINFO', 'STREAM', key)
    local deleted = '0-0'
    for j = 1, #info, 2 do
      if info[j] == 'max-deleted-entry-id' then deleted = info[j + 1] end
    end
    out[#out + 1] = 1
    out[#out + 1] = deleted
    out[#out + 1] = redis.call('XRANGE', key, '(' .. ARGV[2], '+', 'COUNT', tonumber(ARGV[3]))
  else
    out[#out + 1] = 0
    out[#out + 1] = '0-0'
    out[#out + 1] = {}
  end
end
return out
`;
