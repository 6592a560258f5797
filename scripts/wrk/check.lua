-- wrk script: single checks, GET /v1/check/KIND/PREFIX<i>, for i drawn at random from 0 ..< PROBES.
--
--   wrk -t2 -c50 -d10s -s scripts/wrk/check.lua http://127.0.0.1:PORT -- KIND PREFIX LISTED PROBES [UNSETTLED]
--
-- Identifiers PREFIX0 ..< PREFIX<LISTED> are expected listed and the rest not listed, except those below UNSETTLED
-- (default 0), whose answer may change during the run (retracted while checked): for them any verdict is right.
-- Every response must be 200 with the expected status. At the end it prints one line of figures,
--   hallmark-check: requests=N non200=N wrong=N errors=N rps=R p50_ms=… p99_ms=… p999_ms=…
-- where errors adds up wrk's connect, read, write and timeout errors.
local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    kind = args[1] or "sku"
    prefix = args[2] or "BENCH-"
    listed = tonumber(args[3] or "1000")
    probes = tonumber(args[4] or "2000")
    unsettled = tonumber(args[5] or "0")
    math.randomseed(id * 7919 + os.time())
    checked, non200, wrong = 0, 0, 0
end

function request()
    local i = math.random(0, probes - 1)
    return wrk.format("GET", "/v1/check/" .. kind .. "/" .. prefix .. i)
end

-- What a response should say is read back from the normalized value it echoes: a thread has many connections,
-- so responses are not matched to requests by order.
function response(status, headers, body)
    checked = checked + 1
    if status ~= 200 then
        non200 = non200 + 1
        return
    end
    local value = body:match('"value"%s*:%s*"([^"]*)"')
    local number = value and tonumber(value:match("(%d+)$"))
    if number == nil then
        wrong = wrong + 1
        return
    end
    if number < unsettled then return end
    local isListed = body:find('"status"%s*:%s*"listed"') ~= nil
    if isListed ~= (number < listed) then wrong = wrong + 1 end
end

function done(summary, latency, requests)
    local c, n, w = 0, 0, 0
    for _, thread in ipairs(threads) do
        c = c + thread:get("checked")
        n = n + thread:get("non200")
        w = w + thread:get("wrong")
    end
    local e = summary.errors
    io.write(string.format(
        "hallmark-check: requests=%d non200=%d wrong=%d errors=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
        c, n, w, e.connect + e.read + e.write + e.timeout, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
