import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run with EVALSHA, falling back to EVAL when Redis does not
 * know it (first use, or after a restart emptied its script cache).
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs it; replies keep their bulk strings as Buffers. */
  async run(
    client: Redis,
    keys: readonly string[],
    args: readonly (string | Buffer | number)[],
  ): Promise<unknown> {
    try {
      return await client.callBuffer(
        'EVALSHA',
        this.sha,
        keys.length,
        ...keys,
        ...args,
      );
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return client.callBuffer(
        'EVAL',
        this.source,
        keys.length,
        ...keys,
        ...args,
      );
    }
  }
}

/**
 * Issues the event's `seq`, builds its envelope, appends it to history and
 * publishes it, atomically: Redis runs one script at a time, so `seq` order,
 * history order and pub/sub order are one order.
 *
 * `seq` is max(last + 1, Redis time in µs): it increases with every event and
 * stays above every id issued before even when Redis lost its data (restart
 * without persistence, older snapshot), so an old id can never be reissued.
 * `prev` (the last seq, 0 when Redis lost it) lets receivers see a hole.
 *
 * KEYS: seq key, history stream.
 * ARGV: pub/sub channel, history size, wire id ('' = the seq), head JSON,
 *       frame without its id line, event channel, user, except user ('' = none):
 *       the last three are history fields too, for replay to filter on.
 */
export const PUBLISH_SCRIPT = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
local last = 0
if raw then
  last = tonumber(raw)
else
  local tail = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if tail[1] then last = tonumber(string.match(tail[1][1], '^%d+')) end
end
local now = redis.call('TIME')
local seq = math.max(last + 1, tonumber(now[1]) * 1000000 + tonumber(now[2]))
local seqText = string.format('%.0f', seq)
local id = ARGV[3]
if id == '' then id = seqText end
local message = seqText .. ' ' .. string.format('%.0f', last) .. ' ' ..
  ARGV[4] .. '\\n' .. 'id: ' .. id .. '\\n' .. ARGV[5]
redis.call('SET', KEYS[1], seqText)
local size = tonumber(ARGV[2])
if size > 0 then
  local command = { 'XADD', KEYS[2], 'MAXLEN', '~', size, seqText .. '-0', 'm', message }
  local fields = { { 'c', ARGV[6] }, { 'i', ARGV[3] }, { 'u', ARGV[7] }, { 'x', ARGV[8] } }
  for _, pair in ipairs(fields) do
    if pair[2] ~= '' then
      command[#command + 1] = pair[1]
      command[#command + 1] = pair[2]
    end
  end
  redis.call(unpack(command))
end
redis.call('PUBLISH', ARGV[1], message)
return seqText
`);

/**
 * Finds the events after a client's Last-Event-ID for its channels and user,
 * in one atomic step (the rule of `isAddressedTo`: a channel event for its
 * subscribers, a user event for that user only, an except-user event for
 * everyone else). Replies { gap reason ('' = none), envelopes }.
 *
 * The id is looked up as a seq first (the stream entry id is `<seq>-0`), then
 * as an id chosen by a publisher (field `i`, newest first). A decimal found
 * neither way is a position (a transport's head before its first event, or
 * the seq of an event that left history): nothing is missing when the next
 * kept event names it as its `prev`, or when it is the last issued seq. Else
 * a decimal below the oldest kept seq is `expired` (all of history follows,
 * it all came after); anything else is `unknown` (nothing follows).
 *
 * KEYS: history stream, seq key. ARGV: last event id, user ('' = anonymous),
 * channels...
 */
export const REPLAY_SCRIPT = new RedisScript(`
local stream = KEYS[1]
local last = ARGV[1]
local user = ARGV[2]
local wanted = {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end

local function field(entry, name)
  local kv = entry[2]
  for i = 1, #kv, 2 do
    if kv[i] == name then return kv[i + 1] end
  end
  return nil
end

local function visible(entries)
  local out = {}
  for _, entry in ipairs(entries) do
    local channel = field(entry, 'c')
    local to = field(entry, 'u')
    local except = field(entry, 'x')
    if (not channel or wanted[channel])
      and (not to or (user ~= '' and to == user))
      and (not except or except ~= user) then
      out[#out + 1] = field(entry, 'm')
    end
  end
  return out
end

local decimal = string.match(last, '^%d+$') and #last <= 16
local start = nil
if decimal then
  local hit = redis.call('XRANGE', stream, last .. '-0', last .. '-0')
  if hit[1] and not field(hit[1], 'i') and string.match(hit[1][1], '^%d+') == last then
    start = hit[1][1]
  end
end
if not start then
  local cursor = '+'
  while not start do
    local page = redis.call('XREVRANGE', stream, cursor, '-', 'COUNT', 256)
    if #page == 0 then break end
    for _, entry in ipairs(page) do
      if field(entry, 'i') == last then
        start = entry[1]
        break
      end
    end
    cursor = '(' .. page[#page][1]
  end
end
if start then
  return { '', visible(redis.call('XRANGE', stream, '(' .. start, '+')) }
end
if decimal then
  local following = redis.call('XRANGE', stream, '(' .. last .. '-0', '+', 'COUNT', 1)
  if following[1] then
    if string.match(field(following[1], 'm'), '^%d+ (%d+) ') == last then
      return { '', visible(redis.call('XRANGE', stream, '(' .. last .. '-0', '+')) }
    end
  else
    local issued = redis.call('GET', KEYS[2])
    if not issued then
      local tail = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
      issued = tail[1] and string.match(tail[1][1], '^%d+') or '0'
    end
    if tonumber(last) == tonumber(issued) then return { '', {} } end
    if tonumber(last) < tonumber(issued) then return { 'expired', {} } end
    return { 'unknown', {} }
  end
end
local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
if decimal and first[1] and tonumber(last) < tonumber(string.match(first[1][1], '^%d+')) then
  return { 'expired', visible(redis.call('XRANGE', stream, '-', '+')) }
end
return { 'unknown', {} }
`);

/**
 * The position of the newest event: the last issued seq (or, when that key
 * is gone, the newest kept one), '0' before the first event.
 *
 * KEYS: seq key, history stream.
 */
export const HEAD_SCRIPT = new RedisScript(`
local issued = redis.call('GET', KEYS[1])
if issued then return issued end
local tail = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if tail[1] then return string.match(tail[1][1], '^%d+') end
return '0'
`);
