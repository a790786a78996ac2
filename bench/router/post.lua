-- wrk script for the router benchmark: POSTs GraphQL bodies and reports the numbers the
-- benchmark needs as one machine-readable line.
--
--   wrk -t2 -c50 -d10s -s post.lua http://127.0.0.1:4000/graphql -- bodies.jsonl
--
-- bodies.jsonl holds one request body per line. Each thread walks through them in turn, from
-- its own starting point, so concurrent requests mostly differ (as real traffic does) unless
-- the file has a single line.

local threads_created = 0

function setup(thread)
  thread:set("thread_number", threads_created)
  threads_created = threads_created + 1
end

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open the request bodies " .. tostring(args[1]))
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
  prepared = {}
  for line in file:lines() do
    if #line > 0 then
      prepared[#prepared + 1] = wrk.format("POST", nil, headers, line)
    end
  end
  file:close()
  assert(#prepared > 0, "no request bodies in " .. args[1])
  next_index = (thread_number * 17) % #prepared
end

function request()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

-- Latencies are in microseconds. "status" counts responses with an HTTP status of 400 or more.
function done(summary, latency, requests)
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d "
      .. "p50=%d p95=%d p99=%d max=%d mean=%.1f\n",
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
