-- wrk script for Hallmark's HTTP API, over identifiers KIND/PREFIX<i> with i drawn at random from 0 ..< PROBES.
--
--   single checks, GET /v1/check/KIND/PREFIX<i>:
--     wrk -t2 -c50 -d10s -s scripts/wrk/checks.lua http://127.0.0.1:PORT -- single KIND PREFIX LISTED PROBES [UNSETTLED]
--   batch checks, POST /v1/check with SIZE identifiers each (8 different bodies per thread, made before the run):
--     wrk -t2 -c4 -d10s -s scripts/wrk/checks.lua http://127.0.0.1:PORT -- batch KIND PREFIX PROBES SIZE
--   binary batches, POST /v1/check/digests with the records of BODY (33 bytes each: kind code, digest), whose answer
--   must be exactly the bytes of EXPECTED (one status byte per record):
--     wrk -t2 -c4 -d10s -s scripts/wrk/checks.lua http://127.0.0.1:PORT -- digests BODY EXPECTED
--
-- Single checks: PREFIX0 ..< PREFIX<LISTED> must answer listed and the rest not listed, except those below UNSETTLED
-- (default 0), whose answer may change during the run (retracted while checked). Every response must be 200.
-- At the end it prints one line of figures (errors adds up wrk's connect, read, write and timeout errors):
--   hallmark-single: requests=N non200=N wrong=N errors=N rps=R p50_ms=… p99_ms=… p999_ms=…
--   hallmark-batch: requests=N non200=N errors=N identifiers_per_s=R p50_ms=… p99_ms=… p999_ms=…
--   hallmark-digests: requests=N non200=N wrong=N errors=N identifiers_per_s=R p50_ms=… p99_ms=… p999_ms=…
-- (identifiers_per_s counts the identifiers of requests answered 200).
local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    mode = args[1] or "single"
    kind = args[2] or "sku"
    prefix = args[3] or "BENCH-"
    math.randomseed(id * 7919 + os.time())
    answered, non200, wrong = 0, 0, 0
    if mode == "digests" then
        local function read(path)
            local file = assert(io.open(path, "rb"))
            local bytes = file:read("*a")
            file:close()
            return bytes
        end
        local body = read(args[2])
        expected = read(args[3])
        size = #expected
        digests = wrk.format("POST", "/v1/check/digests", { ["Content-Type"] = "application/octet-stream" }, body)
    elseif mode == "batch" then
        local probes = tonumber(args[4] or "2000")
        size = tonumber(args[5] or "10000")
        bodies = {}
        for b = 1, 8 do
            local items = {}
            for k = 1, size do
                items[k] = '{"kind":"' .. kind .. '","value":"' .. prefix .. math.random(0, probes - 1) .. '"}'
            end
            bodies[b] = wrk.format("POST", "/v1/check", { ["Content-Type"] = "application/json" },
                '{"identifiers":[' .. table.concat(items, ",") .. ']}')
        end
        turn = 0
    else
        size = 1
        listed = tonumber(args[4] or "1000")
        probes = tonumber(args[5] or "2000")
        unsettled = tonumber(args[6] or "0")
    end
end

function request()
    if mode == "digests" then return digests end
    if mode == "batch" then
        turn = turn % 8 + 1
        return bodies[turn]
    end
    return wrk.format("GET", "/v1/check/" .. kind .. "/" .. prefix .. math.random(0, probes - 1))
end

-- What a single check should say is read back from the normalized value it echoes: a thread has many connections,
-- so responses are not matched to requests by order.
function response(status, headers, body)
    if status ~= 200 then
        non200 = non200 + 1
        return
    end
    answered = answered + 1
    if mode == "digests" then
        if body ~= expected then wrong = wrong + 1 end
        return
    end
    if mode == "batch" then return end
    local value = body:match('"value"%s*:%s*"([^"]*)"')
    local number = value and tonumber(value:match("(%d+)$"))
    if number == nil then
        wrong = wrong + 1
    elseif number >= unsettled and (body:find('"status"%s*:%s*"listed"') ~= nil) ~= (number < listed) then
        wrong = wrong + 1
    end
end

function done(summary, latency, requests)
    local a, n, w, mode, size = 0, 0, 0, "single", 1
    for _, thread in ipairs(threads) do
        a = a + thread:get("answered")
        n = n + thread:get("non200")
        w = w + thread:get("wrong")
        mode, size = thread:get("mode"), thread:get("size")
    end
    local e = summary.errors
    local seconds = summary.duration / 1e6
    local errors = e.connect + e.read + e.write + e.timeout
    local percentiles = string.format("p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f", latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, latency:percentile(99.9) / 1000)
    if mode == "digests" then
        io.write(string.format("hallmark-digests: requests=%d non200=%d wrong=%d errors=%d identifiers_per_s=%.0f %s\n",
            a + n, n, w, errors, a * size / seconds, percentiles))
    elseif mode == "batch" then
        io.write(string.format("hallmark-batch: requests=%d non200=%d errors=%d identifiers_per_s=%.0f %s\n",
            a + n, n, errors, a * size / seconds, percentiles))
    else
        io.write(string.format("hallmark-single: requests=%d non200=%d wrong=%d errors=%d rps=%.0f %s\n",
            a + n, n, w, errors, summary.requests / seconds, percentiles))
    end
end
