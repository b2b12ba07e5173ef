-- wrk script for Sluice's load runner: POSTs GraphQL bodies read from a file (one per line,
-- picked at random) with a bearer token, and counts answers that are not a clean 200 without
-- GraphQL errors. Arguments after `--`: <bodies file> <token>.
local bodies = {}
local threads = {}
-- Globals, not locals: done() reads them from each thread with thread:get().
errors = 0
first_error = ""

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  wrk.method = "POST"
  wrk.path = "/graphql"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  math.randomseed(os.time() + #threads)
end

function request()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    errors = errors + 1
    if first_error == "" then
      first_error = string.sub(status .. " " .. body, 1, 300)
    end
  end
end

local function quoted(s)
  return '"' .. string.gsub(string.gsub(s, '\\', '\\\\'), '"', '\\"') .. '"'
end

function done(summary, latency, requests)
  local graphql_errors = 0
  local sample = ""
  for _, t in ipairs(threads) do
    graphql_errors = graphql_errors + t:get("errors")
    if sample == "" then sample = t:get("first_error") end
  end
  local e = summary.errors
  io.write(string.format(
    'SLUICE_RESULT {"requests":%d,"duration_us":%d,"errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"first_error":%s}\n',
    summary.requests, summary.duration, graphql_errors, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    quoted(string.gsub(sample, "[%c]", " "))))
end
