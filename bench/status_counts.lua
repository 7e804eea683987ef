-- wrk script: count responses by HTTP status and print one JSON line of results,
-- so bench/run.py reads exact figures instead of parsing wrk's human output.
-- WRK_FORM_BODY (set by bench/run.py) turns the request into a form POST.
local threads = {}

local form_body = os.getenv("WRK_FORM_BODY")
if form_body then
  wrk.method = "POST"
  wrk.body = form_body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
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
