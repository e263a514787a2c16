-- One kind of request for wrk, described by environment variables (set by load.py):
--   BENCH_METHOD, BENCH_PATH    GET or POST, and the path
--   BENCH_BODY                  request body (JSON); @ITEM@ is replaced by an item
--   BENCH_AUTH                  Authorization header value, e.g. "Bearer @ITEM@"
--   BENCH_ITEMS                 file with one item per line (tokens, national IDs),
--                               used round-robin
--   BENCH_DELAY_MS              pause before each request (a paced probe, not a flood)
--   BENCH_EXPECT                a response must be 200 and contain this text, or it
--                               counts as unexpected
-- done() prints one BENCH_RESULT line of JSON for load.py.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body_template = os.getenv("BENCH_BODY")
local auth_template = os.getenv("BENCH_AUTH")
local items_path = os.getenv("BENCH_ITEMS")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
local expect = os.getenv("BENCH_EXPECT")

local prepared = {}
local position = 0
unexpected = 0 -- global: done() reads it from every thread

local function fill(template, item)
  if template == nil or template == "" then
    return nil
  end
  return (string.gsub(template, "@ITEM@", function() return item end))
end

function init(args)
  local items = {}
  if items_path and items_path ~= "" then
    for line in io.lines(items_path) do
      if line ~= "" then
        items[#items + 1] = line
      end
    end
  end
  if #items == 0 then
    items[1] = ""
  end
  for i, item in ipairs(items) do
    local headers = { ["Accept-Language"] = "en" }
    local body = fill(body_template, item)
    if body then
      headers["Content-Type"] = "application/json"
    end
    local auth = fill(auth_template, item)
    if auth then
      headers["Authorization"] = auth
    end
    prepared[i] = wrk.format(method, path, headers, body)
  end
  -- Threads start at different items.
  position = math.random(#prepared) - 1
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

if expect and expect ~= "" then
  function response(status, headers, body)
    if status ~= 200 or not string.find(body, expect, 1, true) then
      unexpected = unexpected + 1
    end
  end
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + (tonumber(thread:get("unexpected")) or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "errors": %d, "non2xx": %d, '
      .. '"unexpected": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status, failed))
end
