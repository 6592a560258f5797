-- wrk script for throughput: single checks GET /v1/check/KIND/PREFIX<i>, i drawn at random from 0 ..< PROBES, with no
-- per-response work in the load generator (no `response` function: wrk then neither parses headers nor hands bodies to
-- Lua, as redis-benchmark does with replies). The answers' correctness is checked in a separate pass (checks.lua).
--
--   wrk -t1 -c50 -d10s -s scripts/wrk/probes.lua http://127.0.0.1:PORT -- KIND PREFIX PROBES
--
-- At the end it prints one line of figures (non200 counts responses with status 400 or above; errors adds up wrk's
-- connect, read, write and timeout errors):
--   hallmark-single: requests=N non200=N errors=N rps=R p50_ms=… p99_ms=… p999_ms=…
local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    kind = args[1] or "sku"
    prefix = args[2] or "BENCH-"
    probes = tonumber(args[3] or "2000")
    math.randomseed(id * 7919 + os.time())
end

function request()
    return wrk.format("GET", "/v1/check/" .. kind .. "/" .. prefix .. math.random(0, probes - 1))
end

function done(summary, latency, requests)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "hallmark-single: requests=%d non200=%d errors=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
        summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
