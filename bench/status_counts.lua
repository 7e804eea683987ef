-- wrk script: count responses by HTTP status and print one JSON line of results,
-- so bench/run.py reads exact figures instead of parsing wrk's human output.
-- WRK_BODY (set by bench/run.py) turns the request into a POST of that body (the
-- Content-Type comes as a header); each "{uuid}" in it becomes a fresh random UUID
-- per request, so every POST records a new entry instead of repeating one.
local threads = {}

local body_template = os.getenv("WRK_BODY")
local fresh_ids = body_template and body_template:find("{uuid}", 1, true)

local function uuid4()
  local bytes = {}
  for i = 1, 16 do bytes[i] = math.random(0, 255) end
  bytes[7] = bytes[7] % 16 + 64   -- version 4
  bytes[9] = bytes[9] % 64 + 128  -- RFC 4122 variant
  local hex = {}
  for i = 1, 16 do hex[i] = string.format("%02x", bytes[i]) end
  local s = table.concat(hex)
  return s:sub(1, 8) .. "-" .. s:sub(9, 12) .. "-" .. s:sub(13, 16) .. "-"
    .. s:sub(17, 20) .. "-" .. s:sub(21, 32)
end

if body_template then
  wrk.method = "POST"
  wrk.body = body_template
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #threads)
end

if fresh_ids then
  function request()
    local body = body_template:gsub("{uuid}", uuid4)
    return wrk.format(nil, nil, nil, body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"duration_us": %d, "requests": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}, '
      .. '"statuses": {%s}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
