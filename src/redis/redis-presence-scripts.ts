import { RedisScript } from './redis-scripts.js';

/**
 * Presence in Redis: every instance keeps a hash of its own open streams
 * (`n`: how many, `c:<channel>`, `u:<user>`: per channel and per user) and
 * its entry in a sorted set whose score is when it expires (Redis time in
 * ms, renewed by each heartbeat). An instance is live while its score is
 * ahead; counts sum the hashes of live instances. Whoever runs a script
 * first reaps the instances whose score passed: their users go offline
 * unless they are live elsewhere. A hash outlives its instance's expiry
 * (four times the TTL), so the reaper still finds whom to announce.
 *
 * `online <user>` / `offline <user>` go out on the presence pub/sub channel
 * from the script that saw the user's first stream open, or the last close,
 * across all live instances: scripts run one at a time, so each transition
 * is announced once.
 *
 * Common ARGV of the writing scripts: hash key prefix, pub/sub channel,
 * this instance's id, TTL in ms. KEYS: the sorted set, this instance's hash.
 */
/** Redis time in ms, the one clock of every instance's expiry. */
const CLOCK = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

const LIBRARY = `${CLOCK}
local zset, own = KEYS[1], KEYS[2]
local hashPrefix, channel, self, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local function isUser(field) return string.sub(field, 1, 2) == 'u:' end

local function live(except)
  local out = {}
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', zset, '(' .. now, '+inf')) do
    if id ~= except then out[#out + 1] = hashPrefix .. id end
  end
  return out
end

local function elsewhere(others, field)
  for _, key in ipairs(others) do
    if redis.call('HEXISTS', key, field) == 1 then return true end
  end
  return false
end

local function announce(kind, field)
  redis.call('PUBLISH', channel, kind .. ' ' .. string.sub(field, 3))
end

local function reap()
  local dead = redis.call('ZRANGEBYSCORE', zset, '-inf', now)
  if #dead == 0 then return end
  redis.call('ZREMRANGEBYSCORE', zset, '-inf', now)
  local others = live(nil)
  local gone = {}
  for _, id in ipairs(dead) do
    local key = hashPrefix .. id
    for _, field in ipairs(redis.call('HKEYS', key)) do
      if isUser(field) and not gone[field] and not elsewhere(others, field) then
        gone[field] = true
        announce('offline', field)
      end
    end
    redis.call('DEL', key)
  end
end

local function renew()
  redis.call('ZADD', zset, now + ttl, self)
  redis.call('PEXPIRE', own, ttl * 4)
end
`;

const script = (body: string) => new RedisScript(LIBRARY + body);

/**
 * Applies this instance's changes: ARGV[5..] are field, delta pairs.
 * Replies 0 without touching anything when the hash is gone (reaped, or
 * Redis lost it): the caller then writes a snapshot.
 */
export const PRESENCE_CHANGE_SCRIPT = script(`
if redis.call('EXISTS', own) == 0 then return 0 end
local others = live(self)
for i = 5, #ARGV, 2 do
  local field, delta = ARGV[i], tonumber(ARGV[i + 1])
  local after = redis.call('HINCRBY', own, field, delta)
  local before = after - delta
  if field ~= 'n' and after <= 0 then redis.call('HDEL', own, field) end
  if isUser(field) and (before > 0) ~= (after > 0) and not elsewhere(others, field) then
    announce(after > 0 and 'online' or 'offline', field)
  end
end
renew()
return 1
`);

/** Replaces this instance's hash: ARGV[5] is `n`, ARGV[6..] field, count pairs. */
export const PRESENCE_SNAPSHOT_SCRIPT = script(`
reap()
local others = live(self)
local before, after = {}, {}
for _, field in ipairs(redis.call('HKEYS', own)) do
  if isUser(field) then before[field] = true end
end
redis.call('DEL', own)
redis.call('HSET', own, 'n', ARGV[5])
for i = 6, #ARGV, 2 do
  redis.call('HSET', own, ARGV[i], ARGV[i + 1])
  if isUser(ARGV[i]) then after[ARGV[i]] = true end
end
for field in pairs(after) do
  if not before[field] and not elsewhere(others, field) then announce('online', field) end
end
for field in pairs(before) do
  if not after[field] and not elsewhere(others, field) then announce('offline', field) end
end
renew()
return 1
`);

/** Renews this instance and reaps the dead; replies 0 when this instance's hash is gone. */
export const PRESENCE_HEARTBEAT_SCRIPT = script(`
reap()
if redis.call('EXISTS', own) == 0 then return 0 end
renew()
return 1
`);

/** This instance leaves: its users go offline unless live elsewhere. */
export const PRESENCE_GOODBYE_SCRIPT = script(`
redis.call('ZREM', zset, self)
local others = live(self)
for _, field in ipairs(redis.call('HKEYS', own)) do
  if isUser(field) and not elsewhere(others, field) then announce('offline', field) end
end
redis.call('DEL', own)
return 1
`);

/**
 * The sums over live instances: { connected, { channel, count, ... }, users }.
 * KEYS: the sorted set. ARGV: hash key prefix.
 */
export const PRESENCE_COUNTS_SCRIPT = new RedisScript(`${CLOCK}
local connected, channels, users, userCount = 0, {}, {}, 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  local kv = redis.call('HGETALL', ARGV[1] .. id)
  for i = 1, #kv, 2 do
    local field, value = kv[i], tonumber(kv[i + 1])
    local kind = string.sub(field, 1, 2)
    if field == 'n' then
      connected = connected + value
    elseif kind == 'c:' then
      local name = string.sub(field, 3)
      channels[name] = (channels[name] or 0) + value
    elseif kind == 'u:' and not users[field] then
      users[field] = true
      userCount = userCount + 1
    end
  end
end
local flat = {}
for name, count in pairs(channels) do
  flat[#flat + 1] = name
  flat[#flat + 1] = tostring(count)
end
return { connected, flat, userCount }
`);

/**
 * One user's open streams over live instances.
 * KEYS: the sorted set. ARGV: hash key prefix, the user's field.
 */
export const PRESENCE_STREAMS_OF_SCRIPT = new RedisScript(`${CLOCK}
local total = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  total = total + (tonumber(redis.call('HGET', ARGV[1] .. id, ARGV[2])) or 0)
end
return total
`);
