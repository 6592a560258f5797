-- wrk script: batch checks, POST /v1/check with SIZE identifiers KIND/PREFIX<i> per request, i drawn at random
-- from 0 ..< PROBES (8 different bodies per thread, made before the run).
--
--   wrk -t2 -c4 -d10s -s scripts/wrk/batch.lua http://127.0.0.1:PORT -- KIND PREFIX PROBES SIZE
--
-- At the end it prints one line of figures (identifiers/s counts only requests answered 200):
--   hallmark-batch: requests=N non200=N errors=N identifiers_per_s=R p50_ms=… p99_ms=… p999_ms=…
local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    local kind = args[1] or "sku"
    local prefix = args[2] or "BENCH-"
    local probes = tonumber(args[3] or "2000")
    size = tonumber(args[4] or "10000")
    math.randomseed(id * 7919 + os.time())
    requestsMade = {}
    for b = 1, 8 do
        local items = {}
        for k = 1, size do
            items[k] = '{"kind":"' .. kind .. '","value":"' .. prefix .. math.random(0, probes - 1) .. '"}'
        end
        requestsMade[b] = wrk.format("POST", "/v1/check", { ["Content-Type"] = "application/json" },
            '{"identifiers":[' .. table.concat(items, ",") .. ']}')
    end
    turn = 0
    answered, non200 = 0, 0
end

function request()
    turn = turn % 8 + 1
    return requestsMade[turn]
end

function response(status, headers, body)
    if status == 200 then answered = answered + 1 else non200 = non200 + 1 end
end

function done(summary, latency, requests)
    local a, n, size = 0, 0, 0
    for _, thread in ipairs(threads) do
        a = a + thread:get("answered")
        n = n + thread:get("non200")
        size = thread:get("size")
    end
    local e = summary.errors
    io.write(string.format(
        "hallmark-batch: requests=%d non200=%d errors=%d identifiers_per_s=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
        a + n, n, e.connect + e.read + e.write + e.timeout, a * size / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
