/**
 * Lua scripts of the Redis stream store, run with EVALSHA through ioredis `defineCommand`.
 * Each runs atomically in Redis, which is what makes every node see one order.
 *
 * Entry ids are `<position>-<seq>` (the cursor `<epoch>.<position>` carries the position): position = max(TIME in µs, head + 1), seq =
 * INCR. Both increase together across the user streams, the global stream and the all-stream,
 * so merging by id gives append order.
 *
 * Trimming is done by the script itself rather than with `XADD MAXLEN ~`/`MINID ~`: Redis does not
 * record what a trim removed (`max-deleted-entry-id` is only moved by XDEL), and a reader must
 * know exactly the last id that is gone to tell `resumed` from `gap`. The script trims in batches
 * (when a stream is `slack` entries over its count, or its oldest entry is older than the age
 * bound by more than a sixteenth of it; by count, at most 256 entries an append: the all-stream,
 * trimmed once a batch, at most 255 more than the batch added; and at most 4 MiB more than the
 * append added, read one entry at a time), so the cost
 * per append stays constant like `~`, and
 * records the last removed id with `XSETID … MAXDELETEDID`, where `XINFO STREAM` reads it back
 * (never lowering a later mark the stream holds: an operator's XDEL, a rotation's).
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

local function position_of(id)
  return tonumber(string.match(id, '^(%d+)-'))
end

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function fmt(n)
  return string.format('%d', n)
end

-- Whether entry id a (<ms>-<seq>) comes before id b.
local function id_before(a, b)
  local pa, sa = string.match(a, '^(%d+)-(%d+)$')
  local pb, sb = string.match(b, '^(%d+)-(%d+)$')
  if not (pa and pb) then return false end
  if tonumber(pa) ~= tonumber(pb) then return tonumber(pa) < tonumber(pb) end
  return tonumber(sa) < tonumber(sb)
end
`;

/**
 * append (a batch of N entries, in order): KEYS = epoch, seq, head, all-stream, then the stream
 * of each entry (the user's or the global one). ARGV = candidate epoch, maxMessages,
 * maxAllMessages, maxAgeMs (0: none), channel, then per entry: type, userId as JSON, key as JSON,
 * stream TTL in ms (0: none), part count, parts (the frame split at the cursor placeholder).
 * Returns per entry its cursor, or `!` and why it was refused (see below). Publishes one message
 * for the batch, of the entries stored: per entry
 * `cursor \n seq \n type \n userIdJson \n keyJson \n frameByteLength \n frame`.
 *
 * Every check comes before the first write: Redis does not undo a script's writes when a later
 * command fails, and a batch whose PUBLISH the ACL refused (or with one stream key holding a
 * string) was stored, entry by entry, though every publish of it rejected: a producer that
 * published again delivered it twice. So the script first asks the ACL
 * (`redis.acl_check_cmd`, Redis 7) for every command it runs and for the channel (Redis itself
 * checks the keys before running it), and checks that every stream key is a stream or absent
 * (XLEN). A refusal of what the whole batch needs (a command, the channel, the all-stream) fails
 * the batch with an error reply, nothing written; an entry's own stream (a user's, or the
 * global one) holding another type refuses that entry alone (`!` and the reason), and the
 * others are stored. A sequence the batch would take past 2^53 − 1 (rc:seq set near it by
 * another application) fails the batch too (`ERR <seq key> holds "<value>", where the store
 * keeps a decimal integer up to 9007199254740991, … not stored …`): reads refuse such a sequence.
 * A head the batch would take past it fails the batch the same way (`ERR <head key> holds …`),
 * and so does an epoch, sequence or head holding what the store never writes there (not 1 to 64
 * hex digits, not a decimal integer): `ERR <key> holds "<value>", where the store keeps …: not stored; …`.
 * A stream whose last id is at or after the position its entry takes (another application's
 * entry ahead) refuses that entry, or the batch for the all-stream (`ERR <key> holds an entry id …`).
 */
export const APPEND_SCRIPT: string = `${COMMON}
-- Whether \`v\` is what JSON.parse reads as a string or null: the JSON text null or one string
-- literal (valid escapes, no raw control character), white space around it allowed.
local function json_string_or_null(v)
  v = string.match(v, '^[ \\t\\n\\r]*(.-)[ \\t\\n\\r]*$')
  if v == 'null' then return true end
  local body = string.match(v, '^"(.*)"$')
  if body == nil then return false end
  local bad = false
  body = string.gsub(body, '\\\\(.)(%x?%x?%x?%x?)', function(c, hex)
    if c == 'u' then
      if #hex < 4 then bad = true end
      return ''
    end
    if not string.find('"\\\\/bfnrt', c, 1, true) then bad = true end
    return hex
  end)
  return not bad and not string.find(body, '["\\\\%z\\1-\\31]')
end

-- Whether a stream entry is the store's by the reads' rule (foreignEntry in
-- redis-stream-store.ts): fields t, k, f (t, u, k, f in the all-stream) in that order, t not
-- empty, k (and u) a string or null as JSON. The reads skip any other entry and never send it,
-- so its removal is no loss (tEZ F1: field names alone took k not JSON, t empty as the store's).
local function ours(entry, in_all)
  local f = entry[2]
  if in_all then
    return #f == 8 and f[1] == 't' and f[3] == 'u' and f[5] == 'k' and f[7] == 'f' and f[2] ~= ''
      and json_string_or_null(f[4]) and json_string_or_null(f[6])
  end
  return #f == 6 and f[1] == 't' and f[3] == 'k' and f[5] == 'f' and f[2] ~= '' and json_string_or_null(f[4])
end

-- Removes the oldest entries of \`key\` once it is \`slack\` over \`maxlen\` entries, or once its
-- oldest entry is older than \`minpos\` by \`age_slack\`; records the last of the store's entries
-- removed. Another application's entries removed are no loss to a reader (never sent): recorded,
-- the last of them read \`gap\` for a reader that had every entry of the store's (tEQ F3). Where
-- the age trim's cut is another application's, at most 128 entries before it are looked at for
-- the store's last; past that the cut is recorded (a gap told too many, never one missed).
-- By count at most \`cap\` entries: 256 for a user's stream (trimmed after each of its entries);
-- for the all-stream, trimmed once after a batch, 255 more than the batch added (tFL F2: 256 for
-- a batch of up to 256, and rc:all, after maxAllMessages was lowered, never came down while
-- publishes came in full batches). And by bytes: it stops after the entry that takes what it
-- removed past \`added\` (the bytes of what this append wrote to the stream) + 4 MiB.
local function trim(key, maxlen, minpos, age_slack, last_id, in_all, cap, added)
  local cut = nil
  local lost = nil
  local function note(id) if lost == nil or id_before(lost, id) then lost = id end end
  local excess = redis.call('XLEN', key) - maxlen
  local slack = math.max(1, math.min(128, math.floor(maxlen / 16)))
  if excess >= slack then
    -- At most \`cap\` entries (256 an append, twice the largest slack): XRANGE copies each, frame and
    -- all, into Lua, and a maxMessages or maxAllMessages lowered far below what a stream held
    -- (README's way to free memory) made one append copy all the excess: 10.5 s of Redis's one
    -- thread for 100,000 entries of 4 KiB, every node counting Redis lost (tFD F5). Such a
    -- stream comes down over its next appends instead, 255 a time. The cap bounded entries, not
    -- bytes: 256 entries of 1 MiB held Redis 3 to 6 s (tFL F5), so the entries are read one at a
    -- time (a few µs each) until they come to \`added\` + 4 MiB: what is copied stays within that
    -- and one entry, and the stream still comes down, by 255 entries or 4 MiB more than added.
    local want = math.min(excess, cap)
    local budget = added + 4194304
    local taken, bytes, from, last = 0, 0, '-', nil
    while taken < want and bytes < budget do
      local r = redis.call('XRANGE', key, from, '+', 'COUNT', 1)
      if r[1] == nil then break end
      last = r[1]
      taken = taken + 1
      for k = 1, #last[2] do bytes = bytes + #last[2][k] end
      if ours(last, in_all) then note(last[1]) end
      from = '(' .. last[1]
    end
    cut = last[1]
    if not ours(last, in_all) then
      -- The trim takes every entry at the cut's position, those past the count too.
      local rest = redis.call('XRANGE', key, '(' .. cut, fmt(position_of(cut)), 'COUNT', 128)
      for j = #rest, 1, -1 do
        if ours(rest[j], in_all) then note(rest[j][1]) break end
      end
      if #rest == 128 then note(cut) end
    end
  end
  if minpos then
    local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)
    if first[1] and position_of(first[1][1]) < minpos - age_slack then
      local r = redis.call('XREVRANGE', key, '(' .. fmt(minpos), '-', 'COUNT', 1)
      if r[1] and (cut == nil or position_of(r[1][1]) > position_of(cut)) then
        cut = r[1][1]
        if ours(r[1], in_all) then
          note(cut)
        else
          local from = '(' .. cut
          local scanned = 0
          local found = nil
          while found == nil do
            local b = redis.call('XREVRANGE', key, from, '-', 'COUNT', 16)
            for j = 1, #b do
              if ours(b[j], in_all) then found = b[j][1] break end
            end
            scanned = scanned + #b
            if found == nil and #b == 16 and scanned >= 128 then found = cut end
            if #b < 16 then break end
            from = '(' .. b[#b][1]
          end
          if found then note(found) end
        end
      end
    end
  end
  if cut then
    -- Never below the stream's own mark: XSETID sets it as given, and an entry XDEL'd after the
    -- cut (README's way to free memory) was forgotten at the next trim, a resume past it told
    -- "resumed" without it (tEQ F8); so was a rotation's mark on the all-stream. The mark unread
    -- (XINFO refused: the batch is refused before this for every key it writes, see \`ahead\`), no
    -- trim at all: the cut, recorded instead, lowered an operator's XDEL mark (tFD F2).
    local info = redis.pcall('XINFO', 'STREAM', key)
    if type(info) ~= 'table' or info.err then return end
    redis.call('XTRIM', key, 'MINID', fmt(position_of(cut) + 1))
    if lost == nil then return end
    cut = lost
    for j = 1, #info, 2 do
      if info[j] == 'max-deleted-entry-id' and id_before(cut, info[j + 1]) then cut = info[j + 1] end
    end
    redis.call('XSETID', key, last_id, 'MAXDELETEDID', cut)
  end
end

-- Refusals, before the first write: Redis does not undo a script's writes when a later command
-- fails. The ACL: Redis checks the keys given (read and write) before the script runs; the
-- commands and the channel are asked here, each once, on the all-stream; those run on an entry's
-- own stream are asked of each below (\`ahead\`), so that a selector granting one on some streams
-- only refuses those entries alone (EXISTS and PEXPIRE, asked here of the first entry's stream
-- too, refused the whole batch when that entry was one of those: tFR F1).
local function denied(command, key, ...)
  if redis.acl_check_cmd(command, key, ...) then return nil end
  return 'NOPERM this ACL user may not run ' .. command .. ' on ' .. key .. ' (the append script needs it): not stored'
end
local STREAM = { {'XADD', '1-1', 'f', 'v'}, {'XSETID', '1-1', 'MAXDELETEDID', '0-1'}, {'XLEN'}, {'XRANGE', '-', '+'}, {'XREVRANGE', '+', '-'}, {'XTRIM', 'MINID', '1'} }
local needs = { {KEYS[1], 'GET'}, {KEYS[1], 'SET', 'x'}, {KEYS[2], 'GET'}, {KEYS[2], 'INCRBY', '1'}, {KEYS[3], 'GET'}, {KEYS[3], 'SET', 'x'} }
for _, c in ipairs(STREAM) do needs[#needs + 1] = { KEYS[4], unpack(c) } end
for _, c in ipairs(needs) do
  local why = denied(c[2], c[1], unpack(c, 3))
  if why then return redis.error_reply(why) end
end
-- XINFO STREAM too (the trims read the stream's mark with it, the \`ahead\` check its last id):
-- not asked, an ACL user without it had its publishes stored, the trims' cut recorded below an
-- operator's XDEL mark, and a last id left ahead by XDEL missed, a batch half stored (tFD F2).
if not redis.acl_check_cmd('XINFO', 'STREAM', KEYS[4]) then
  return redis.error_reply('NOPERM this ACL user may not run XINFO STREAM on ' .. KEYS[4] .. ' (the append script needs it): not stored')
end
-- TIME too (the clock, read before any write): refused, Redis 7.0 said "ERR The user executing
-- the script can't run this command or subcommand" to every publish and in append-refused,
-- naming none (tEQ F5).
if not redis.acl_check_cmd('TIME') then
  return redis.error_reply('NOPERM this ACL user may not run TIME (the append script needs it): not stored')
end
if not redis.acl_check_cmd('PUBLISH', ARGV[5], 'x') then
  return redis.error_reply('NOPERM this ACL user may not PUBLISH on ' .. ARGV[5] .. ' (the append script needs it): not stored')
end
-- A stream key holding another type (XLEN refuses it): the all-stream's refuses the batch, an
-- entry's own stream that entry alone (the others are stored). XLEN refused by the ACL (a
-- selector granting it on some streams only) is said as such: read as another type, it was told
-- "WRONGTYPE rc:u:{bob} holds a none", another application's key to delete (tFT F1).
local function wrong_type(key)
  local len = redis.pcall('XLEN', key)
  if not (type(len) == 'table' and len.err) then return nil end
  if string.sub(len.err, 1, 9) ~= 'WRONGTYPE' then
    return denied('XLEN', key) or (len.err .. ' (XLEN ' .. key .. '): not stored')
  end
  local t = redis.pcall('TYPE', key)
  return 'WRONGTYPE ' .. key .. ' holds ' .. (type(t) == 'table' and t.ok and ('a ' .. t.ok) or 'a value') .. ', not a stream: not stored'
end
local why_all = wrong_type(KEYS[4])
if why_all then return redis.error_reply(why_all) end

local n = #KEYS - 4
local cursors = {}
local refused = {}
local stored = 0
do
  local seen = {}
  for i = 1, n do
    local key = KEYS[4 + i]
    if seen[key] == nil then seen[key] = wrong_type(key) or false end
    if seen[key] then
      refused[i] = true
      cursors[i] = '!' .. seen[key]
    else
      stored = stored + 1
    end
  end
end
-- An id at or after the position the store writes next in a stream (another application's XADD
-- under the prefix, ahead of the store's positions; or one it deleted, which leaves the stream's
-- last id there): XADD refuses it, and the batch's entries written before that stayed stored,
-- though every publish of it rejected, and unpublished (tDV F11). The stream's last id (XINFO,
-- else its newest entry: a key that does not exist) against the position each entry takes, as the
-- loop below gives them (the clock read again there is not earlier): the all-stream's refuses
-- the batch, an entry's own stream that entry alone. XINFO refused on a key (an ACL selector
-- granting it on some keys only) refuses likewise, naming it: its newest entry missed a last id
-- deleted, and its trim could not read the mark it must keep (tFD F2). So does every other
-- command run on an entry's own stream (EXISTS, PEXPIRE, XADD, the trim's), asked of each
-- stream: asked of the first entry's alone, a selector granting PEXPIRE on some users' streams
-- only had a batch fail after the earlier entries' XADDs, stored, unpublished, every publish of
-- it rejected with Redis's words, naming no command (tFL F4).
do
  local tops = {}
  -- EXISTS and PEXPIRE run on an entry's stream only when it takes a TTL (ttl > 0): asked of every
  -- stream, an ACL granting PEXPIRE on none (maxAgeMs 0), or on the users' streams alone (the global
  -- stream takes none), refused publishes for a command that never ran (tFT F3).
  local TTL = { {'EXISTS'}, {'PEXPIRE', '1'} }
  local function ahead(key, pos, ttl)
    if not redis.acl_check_cmd('XINFO', 'STREAM', key) then
      return 'NOPERM this ACL user may not run XINFO STREAM on ' .. key .. ' (the append script needs it): not stored'
    end
    if key ~= KEYS[4] then
      for _, list in ipairs(ttl > 0 and { TTL, STREAM } or { STREAM }) do
        for _, c in ipairs(list) do
          local why = denied(c[1], key, unpack(c, 2))
          if why then return why end
        end
      end
    end
    if tops[key] == nil then
      local top = false
      local info = redis.pcall('XINFO', 'STREAM', key)
      if type(info) == 'table' and not info.err then
        for j = 1, #info, 2 do
          if info[j] == 'last-generated-id' then top = info[j + 1] end
        end
      else
        local r = redis.pcall('XREVRANGE', key, '+', '-', 'COUNT', 1)
        if type(r) == 'table' and not r.err and r[1] then top = r[1][1] end
      end
      tops[key] = top
    end
    local top = tops[key]
    if top and (position_of(top) or 0) >= pos then
      return 'ERR ' .. key .. ' holds an entry id ' .. top .. ', at or after the position the store writes next (' .. fmt(pos) .. "): not stored; another application's entry under the store's key prefix? Delete the key (XDEL leaves its last id there), or give the store another keyPrefix"
    end
    return nil
  end
  local pos = math.max(now_us(), (tonumber(redis.call('GET', KEYS[3]) or '0') or 0) + 1)
  local why = ahead(KEYS[4], pos, 0)
  if why then return redis.error_reply(why) end
  local a = 6
  for i = 1, n do
    local ttl = tonumber(ARGV[a + 3])
    a = a + 5 + tonumber(ARGV[a + 4])
    if not refused[i] then
      why = ahead(KEYS[4 + i], pos, ttl)
      if why then
        refused[i] = true
        cursors[i] = '!' .. why
        stored = stored - 1
      else
        pos = pos + 1
      end
    end
  end
end
if stored == 0 then return cursors end
-- A store key holding a value the store never writes (another application's SET under the
-- prefix): the epoch went into every cursor as it was ("not-hex!.1796…", which no node's live
-- feed reads, the publisher told "is it the Redis port?"), a head or sequence of no digits failed
-- halfway with Lua's or INCRBY's words, naming no key (tDV F2). Said as the start says it.
local function decimal(v) return v == '0' or string.match(v, '^[1-9]%d*$') ~= nil end
local function shown(v) if #v > 64 then return string.sub(v, 1, 64) .. '...' end return v end
local function leading(v) if string.match(v, '^%d+$') then return ' without leading zeros' end return '' end
local bad = {}
local epoch_was = redis.call('GET', KEYS[1])
if epoch_was and not (#epoch_was <= 64 and string.match(epoch_was, '^[0-9a-f]+$') and not string.match(epoch_was, '^%d+$')) then
  local digits = ''
  if string.match(epoch_was, '^%d+$') then digits = ', not all decimal digits (a cursor <digits>.<n> reads as a number; the store itself made one such epoch in 1,850 before 2026-12-01: then delete this key alone: clients are told a gap and sent again what the streams hold, what they had too)' end
  bad[#bad + 1] = KEYS[1] .. ' holds "' .. shown(epoch_was) .. '", where the store keeps 1 to 64 hex digits' .. digits
end
for _, k in ipairs({ {KEYS[2], 'a decimal integer'}, {KEYS[3], 'a decimal integer (microseconds)'} }) do
  local v = redis.call('GET', k[1])
  if v and not decimal(v) then bad[#bad + 1] = k[1] .. ' holds "' .. shown(v) .. '", where the store keeps ' .. k[2] .. leading(v) end
end
if #bad > 0 then
  return redis.error_reply('ERR ' .. table.concat(bad, ' and ') .. ": not stored; another application's key under the store's key prefix? Delete it (with the store's other keys), or give the store another keyPrefix")
end
-- The sequence past 2^53 - 1 (a value another application set near it): every read then failed
-- as "not Redis" and the next start named the store's own value another application's (tDO F2).
local seq_was = redis.call('GET', KEYS[2])
if seq_was and tonumber(seq_was) and tonumber(seq_was) + stored > 9007199254740991 then
  return redis.error_reply('ERR ' .. KEYS[2] .. ' holds "' .. seq_was .. '", where the store keeps a decimal integer up to 9007199254740991, and ' .. stored .. (stored == 1 and ' more entry' or ' more entries') .. " would pass it: not stored; another application's key under the store's key prefix? Delete it (with the store's other keys), or give the store another keyPrefix")
end
-- The head likewise: the batch takes positions head + 1, head + 2, … (when the clock is behind
-- it), and a position past 2^53 - 1 is no cursor (Lua's head + 1 no longer even increases there).
-- An rc:head the start accepted (9007199254740990) had the entry stored, its publisher told "is it
-- the Redis port?", every node's live feed drop it, and the next start refuse the store's own
-- head as another application's key (tDV F1).
local head_was = redis.call('GET', KEYS[3])
if head_was and tonumber(head_was) and tonumber(head_was) + stored > 9007199254740991 then
  return redis.error_reply('ERR ' .. KEYS[3] .. ' holds "' .. head_was .. '", where the store keeps a decimal integer (microseconds) up to 9007199254740991, and ' .. stored .. (stored == 1 and ' more entry' or ' more entries') .. " would pass it: not stored; another application's key under the store's key prefix? Delete it (with the store's other keys), or give the store another keyPrefix")
end

local epoch = ensure_epoch(KEYS[1], ARGV[1])
local maxlen = tonumber(ARGV[2])
local maxall = tonumber(ARGV[3])
local max_age_us = tonumber(ARGV[4]) * 1000
local age_slack = math.floor(max_age_us / 16)
local now = now_us()
local position = tonumber(redis.call('GET', KEYS[3]) or '0')
local seq = redis.call('INCRBY', KEYS[2], stored) - stored
local published = {}
local added_all = 0
local id = nil
local a = 6
for i = 1, n do
  local mtype, user, mkey, ttl, nparts = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local parts = {}
  for j = 1, nparts do parts[j] = ARGV[a + 4 + j] end
  a = a + 5 + nparts
  if not refused[i] then
    seq = seq + 1
    position = math.max(now, position + 1)
    id = fmt(position) .. '-' .. fmt(seq)
    local cursor = epoch .. '.' .. fmt(position)
    local frame = table.concat(parts, cursor)
    local size = #mtype + #mkey + #frame + 3
    added_all = added_all + size + #user + 1
    local key = KEYS[4 + i]
    local fresh = ttl > 0 and redis.call('EXISTS', key) == 0
    redis.call('XADD', key, id, 't', mtype, 'k', mkey, 'f', frame)
    if fresh and now - ttl * 1000 > 0 then
      -- An earlier stream of this user may have expired (TTL): all of its entries were appended
      -- before now - ttl. Record that bound as deleted so a cursor older than it reads as gap.
      redis.call('XSETID', key, id, 'MAXDELETEDID', fmt(now - ttl * 1000) .. '-0')
    end
    redis.call('XADD', KEYS[4], id, 't', mtype, 'u', user, 'k', mkey, 'f', frame)
    -- The age check reads the oldest entry (a copy of its frame): do it on one append in 32,
    -- which only delays trimming by age a little (the cursor's own age is checked on read). Drawn
    -- from the sequence number's bits mixed (the top 5 of seq * 40503 mod 2^16), so one in 32 of
    -- each stream's appends too: seq % 32 == 0 never came to a stream whose appends kept another
    -- residue (the second of two users writing in turn), never trimmed by age (tEQ F6).
    local minpos = nil
    if max_age_us > 0 and math.floor(((seq % 65536) * 40503) % 65536 / 2048) == 0 then minpos = now - max_age_us end
    trim(key, maxlen, minpos, age_slack, id, false, 256, size)
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
    cursors[i] = cursor
    published[#published + 1] = cursor .. '\\n' .. fmt(seq) .. '\\n' .. mtype .. '\\n' .. user .. '\\n' .. mkey .. '\\n' .. fmt(#frame) .. '\\n' .. frame
  end
end
redis.call('SET', KEYS[3], fmt(position))
-- The all-stream's age check likewise on one append in 32 (a batch that took a multiple of 32):
-- it read rc:all's oldest entry on every batch, though README said one in 32 (tEF F2).
local minpos_all = nil
if max_age_us > 0 and math.floor(seq / 32) > math.floor((seq - stored) / 32) then minpos_all = now - max_age_us end
trim(KEYS[4], maxall, minpos_all, age_slack, id, true, stored + 255, added_all)
redis.call('PUBLISH', ARGV[5], table.concat(published))
return cursors
`;

/**
 * read: KEYS = epoch, seq, head, stream 1 [, stream 2]. ARGV = candidate epoch, since position
 * (exclusive), limit, max bytes (of the frames past the first entry; 0: no byte bound). Moves
 * the head up to the current time (so a cursor handed out says when; the next append is after
 * it even if the clock steps back), unless Redis refuses writes (full): the head then stays. A
 * stream key holding another type fails the read: `WRONGTYPE <key> holds a <type>, not a stream`
 * (`another type` where TYPE is refused). Returns [epoch, head position, now µs, seq, then per stream:
 * exists (0/1), max-deleted-entry-id, entries (XRANGE reply), cut (1 when entries were left out
 * for the byte bound)].
 */
export const READ_SCRIPT: string = `${COMMON}
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  -- No epoch (a Redis restarted empty, or its key deleted after a restore, as README advises),
  -- and a Redis full under noeviction refuses to write one: no cursor can be given. The error
  -- says so (NOEPOCH, with Redis's words); the node then reads unhealthy, so polls get 503 and
  -- Retry-After (a bare OOM read as a 500 from a healthy node: a hostile tester).
  local set = redis.pcall('SET', KEYS[1], ARGV[1])
  if type(set) == 'table' and set.err then
    return redis.error_reply('NOEPOCH Redis holds no epoch key and refused to write one (' .. set.err .. ')')
  end
  epoch = ARGV[1]
end
local seq = redis.call('GET', KEYS[2]) or '0'
local now = now_us()
local head_was = redis.call('GET', KEYS[3]) or '0'
local head = tonumber(head_was)
if now > head then
  -- A Redis full at maxmemory with noeviction (what SCALE.md advises) refuses the write: the
  -- read goes on with the head where it is, which every later entry still comes after (every
  -- read failed, and with it every new socket, poll and resume: a hostile tester).
  local moved = redis.pcall('SET', KEYS[3], fmt(now))
  if not (type(moved) == 'table' and moved.err) then
    head = now
    head_was = fmt(now)
  end
end
-- The head as Redis holds it (unless replaced by the time just now): one the store never writes
-- ("0179…", leading zeros, ahead of the clock) is refused by the caller, naming the key, as the
-- heartbeat and the append script refuse it. Given as fmt(head), reads took it while every
-- publish refused it (tEQ F2).
local out = { epoch, head_was, fmt(now), seq }
-- What an entry counts against max_bytes: one of the store's fields (t, k, f; t, u, k, f in the
-- all-stream) its frame, as the caller's page bound counts it, and its other values past 4 KiB
-- (the store's own are far shorter); any other entry, another application's, every field's name
-- and value, all of which are copied and sent. Counted by field f alone, 100 entries of another
-- application with 1 MB each in field blob went whole into a page bounded at 1 MiB: 100 MB
-- copied, ~3 s of Redis's one thread per poll or resume of that user (tFD F4).
local function size(fields)
  local n = #fields
  local layout = (n == 6 and fields[1] == 't' and fields[3] == 'k' and fields[5] == 'f')
    or (n == 8 and fields[1] == 't' and fields[3] == 'u' and fields[5] == 'k' and fields[7] == 'f')
  local frame, rest = 0, 0
  for f = 1, n, 2 do
    if layout and fields[f] == 'f' then frame = frame + #fields[f + 1]
    elseif layout then rest = rest + #fields[f + 1]
    else rest = rest + #fields[f] + #fields[f + 1] end
  end
  if layout then return frame + math.max(0, rest - 4096) end
  return rest
end
local from = fmt(tonumber(ARGV[2]) + 1)
local max_bytes = tonumber(ARGV[4]) or 0
local limit = tonumber(ARGV[3])
for i = 4, #KEYS do
  local key = KEYS[i]
  local bytes = 0
  if redis.call('EXISTS', key) == 1 then
    -- A stream key holding another type (another application's key under the prefix): said with
    -- the key, as the append script says it. XINFO's bare WRONGTYPE named no key, and every
    -- resume and poll of its reader failed with it (tDG F2).
    local info = redis.pcall('XINFO', 'STREAM', key)
    if type(info) == 'table' and info.err then
      if string.sub(info.err, 1, 9) ~= 'WRONGTYPE' then return info end
      local t = redis.pcall('TYPE', key)
      return redis.error_reply('WRONGTYPE ' .. key .. ' holds ' .. (type(t) == 'table' and t.ok and ('a ' .. t.ok) or 'another type') .. ', not a stream')
    end
    local deleted = '0-0'
    for j = 1, #info, 2 do
      if info[j] == 'max-deleted-entry-id' then deleted = info[j + 1] end
    end
    -- In batches of growing size (4, 8, 16, …), so a page of a few large entries copies a few
    -- entries, not \`limit\` of them: past the first entry, no more than max_bytes of frames
    -- (field f) and of another application's entries (see size), and Redis's own work stays in
    -- proportion to the page.
    local entries = {}
    local cut = 0
    local start = from
    local batch = 4
    while #entries < limit do
      local want = math.min(batch, limit - #entries)
      local got = redis.call('XRANGE', key, start, '+', 'COUNT', want)
      for n = 1, #got do
        if max_bytes > 0 then
          bytes = bytes + size(got[n][2])
          if bytes > max_bytes and #entries > 0 then
            cut = 1
            break
          end
        end
        entries[#entries + 1] = got[n]
      end
      if cut == 1 or #got < want then break end
      start = '(' .. got[#got][1]
      batch = batch * 2
    end
    out[#out + 1] = 1
    out[#out + 1] = deleted
    out[#out + 1] = entries
    out[#out + 1] = cut
  else
    out[#out + 1] = 0
    out[#out + 1] = '0-0'
    out[#out + 1] = {}
    out[#out + 1] = 0
  end
end
return out
`;

/**
 * rotate: KEYS = epoch, all-stream, epoch start. ARGV = the epoch found to have lost writes, a
 * new epoch. Replaces the epoch only if it is still the one given (another node may have
 * replaced it already), so a loss starts one new epoch, however many nodes notice it; records
 * every entry held then as gone (the all-stream's max-deleted-entry-id), so that a cursor of
 * the old epoch reads `gap` without them: they were the old epoch's, and a reader may hold them
 * already (they would come back as new entries, doubled); and writes the epoch start,
 * `<new epoch> <position of that newest entry>`: the new epoch's entries are the ones after
 * it, which a cursor of the old epoch gets after its `gap`. Returns the epoch now in force.
 */
export const ROTATE_SCRIPT: string = `
local epoch = redis.call('GET', KEYS[1])
if (not epoch) or epoch == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  epoch = ARGV[2]
  local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  local start = '0'
  if newest[1] then
    redis.call('XSETID', KEYS[2], newest[1][1], 'MAXDELETEDID', newest[1][1])
    start = string.match(newest[1][1], '^(%d+)-')
  end
  redis.call('SET', KEYS[3], epoch .. ' ' .. start)
end
return epoch
`;

/**
 * The command connection's heartbeat: does nothing, as a script. Redis holds scripts (as it holds
 * every write) while a `CLIENT PAUSE … WRITE` is in force (FAILOVER pauses so), and answers PING:
 * a PING heartbeat read such a Redis as healthy, while every append and read (scripts, both)
 * waited, so idle nodes said healthy for the whole pause and busy ones flipped between
 * redis-lost and redis-recovered. Without a shebang, a script counts as one
 * that may write. KEYS = epoch, seq, head. Returns 1, or 0 when the epoch key is gone (deleted after a
 * restore): an idle node on a full Redis read healthy until a socket came, which it accepted and
 * closed 1011 (tDG F5); told, the node reads, which writes an epoch or finds it refused. Returns 2
 * when one of the three holds what the store never writes there (another type, an epoch not of 1
 * to 64 hex digits or all decimal, a sequence or head not decimal digits up to 2^53 − 1
 * without leading zeros, as the reads and the append script check):
 * every read and publish fails then, and a node that no read or catch-up met read healthy (tEF
 * F6); told, the node reads, which names the key and turns the node unhealthy. A command Redis
 * refuses (an ACL user without EXISTS or GET) answers 1: the heartbeat is about Redis answering.
 */
export const BEAT_SCRIPT = `
local ok, found = pcall(redis.call, 'EXISTS', KEYS[1])
if ok and found == 0 then return 0 end
local function value(key)
  local got = redis.pcall('GET', key)
  if type(got) == 'table' and got.err then
    if string.match(got.err, '^WRONGTYPE') then return nil, true end
    return nil, false
  end
  return got, false
end
-- Without leading zeros, as the reads and the appends check: "007" in rc:seq read as fine here,
-- the idle node healthy while every read and publish refused it (tEQ F2).
local function decimal(v) return (v == '0' or string.match(v, '^[1-9]%d*$') ~= nil) and tonumber(v) <= 9007199254740991 end
for i = 1, 3 do
  local v, wrong = value(KEYS[i])
  if wrong then return 2 end
  if v then
    if i == 1 and not (#v <= 64 and string.match(v, '^[0-9a-f]+$') and not string.match(v, '^%d+$')) then return 2 end
    if i > 1 and not decimal(v) then return 2 end
  end
end
return 1
`;

/**
 * acl: no KEYS. ARGV = epoch, seq, head, epoch start, all-stream, global stream, channel, a
 * sample user's stream ('' for none), '1' when PEXPIRE is asked on it (maxAgeMs > 0) [, a user's
 * stream …] (the streams of a read refused with Redis's anonymous NOPERM: XADD and XRANGE asked
 * on each, the script's declared keys needing both: tGM F3). The sample (the start's,
 * `<prefix>:u:{*}`) is asked every command the scripts run on a user's stream, PEXPIRE among
 * them, which they run on users' streams alone: asked on no user's stream, an ACL user without it
 * (or whose key patterns leave the users' streams out) started healthy and every publish to a
 * user was refused (tGX F1). Asks
 * the ACL (`redis.acl_check_cmd`, Redis 7) for every command the store's scripts run, on the keys
 * they run it on, PUBLISH and SUBSCRIBE on the channel, and PING, which no script runs: the
 * heartbeat sends it on the subscriber connection each second, and a recovery waits for its PONG
 * (tHT F1: a user without it started healthy, and read unhealthy for good after any reconnect,
 * naming nothing); writes nothing. The key names come as
 * ARGV, not KEYS: Redis checks a script's KEYS against the user's key patterns before it runs, so
 * a key left out (or read-only) refused the check itself whole with an anonymous NOPERM, which
 * the start took for "Redis did not answer": the store started healthy, every publish refused
 * naming no key (tGM F2). Returns those refused, each
 * `<COMMAND> on <key>` (`TIME`, `PING`: no key; a command unknown to this Redis, renamed away, said so too), or an empty
 * array (and so on a Redis without acl_check_cmd, before 7.0). Asked at start: only the commands of the start's first read (GET, SET, TIME) were met
 * there, and a user without XINFO, EXISTS or XADD started healthy, every resume or every publish
 * failing after, and Redis 7.0's refusal of a command inside a script names none (tDV F4).
 */
export const ACL_SCRIPT = `
if redis.acl_check_cmd == nil then return {} end
-- PING: no script's, the heartbeat's on the subscriber connection, whose PONG a recovery waits
-- for (tHT F1: a user without it started healthy, and after any reconnect read unhealthy for good).
local checks = { {'TIME'}, {'PING'} }
local function add(...) checks[#checks + 1] = {...} end
add('GET', ARGV[1]) add('SET', ARGV[1], 'x')
add('GET', ARGV[2]) add('INCRBY', ARGV[2], '1')
add('GET', ARGV[3]) add('SET', ARGV[3], 'x')
add('GET', ARGV[4]) add('SET', ARGV[4], 'x')
-- PEXPIRE not: the scripts never expire these two (tFT F3: a least-privilege ACL granting it on the
-- users' streams alone was refused at start).
for _, key in ipairs({ ARGV[5], ARGV[6] }) do
  add('EXISTS', key) add('XINFO', 'STREAM', key) add('XADD', key, '1-1', 'f', 'v')
  add('XSETID', key, '1-1', 'MAXDELETEDID', '0-1') add('XLEN', key) add('XRANGE', key, '-', '+')
  add('XREVRANGE', key, '+', '-') add('XTRIM', key, 'MINID', '1')
end
add('PUBLISH', ARGV[7], 'x') add('SUBSCRIBE', ARGV[7])
-- A sample user's stream: what the append script asks of an entry's own stream (and the read
-- script runs there), PEXPIRE when entries take a TTL.
if ARGV[8] ~= nil and ARGV[8] ~= '' then
  local key = ARGV[8]
  add('EXISTS', key) add('XINFO', 'STREAM', key) add('XADD', key, '1-1', 'f', 'v')
  add('XSETID', key, '1-1', 'MAXDELETEDID', '0-1') add('XLEN', key) add('XRANGE', key, '-', '+')
  add('XREVRANGE', key, '+', '-') add('XTRIM', key, 'MINID', '1')
  if ARGV[9] == '1' then add('PEXPIRE', key, '1') end
end
for i = 10, #ARGV do add('XADD', ARGV[i], '1-1', 'f', 'v') add('XRANGE', ARGV[i], '-', '+') end
local refused = {}
for _, c in ipairs(checks) do
  local ok, allowed = pcall(redis.acl_check_cmd, unpack(c))
  if not (ok and allowed) then
    local name = c[1]
    if name == 'XINFO' then name = 'XINFO STREAM' end
    local on = (c[1] == 'TIME' or c[1] == 'PING') and '' or (' on ' .. (c[1] == 'XINFO' and c[3] or c[2]))
    refused[#refused + 1] = name .. on .. (ok and '' or ' (unknown to this Redis: renamed?)')
  end
end
return refused
`;
