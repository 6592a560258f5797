-- wrk script for latency at a fixed offered rate: single checks GET /v1/check/KIND/PREFIX<i> (i at random from
-- 0 ..< PROBES) sent on a schedule of evenly spaced send times, RATE requests/s in all, whatever the answers' speed.
--
--   wrk -t1 -c50 -d10s -s scripts/wrk/paced.lua http://127.0.0.1:PORT -- KIND PREFIX PROBES RATE
--
-- wrk asks `delay()` before every request; each call takes the next free slot of the thread's schedule (slot k at
-- start + k / rate) and waits until it. The connections thus share one even stream of arrivals: a request every
-- 1/RATE s, not bursts of all connections at once (as a per-connection ticker gives when they all start together).
-- wrk's timers count whole milliseconds, so requests due in the same millisecond leave together (RATE/1000 of them).
--
-- The schedule is only kept when a connection is free at each slot; a request sent more than a millisecond after its
-- slot is counted as late (latency is timed from the send, so a stall would otherwise hide: coordinated omission).
-- At the end it prints one line:
--   hallmark-paced: requests=N non200=N errors=N late=N rps=R p50_ms=… p99_ms=… p999_ms=…
local ffi = require("ffi")
ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
    int clock_gettime(int clock, paced_timespec *time);
]]
local clock = ffi.new("paced_timespec")

local function now_ms()
    ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
    return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    kind = args[1] or "sku"
    prefix = args[2] or "BENCH-"
    probes = tonumber(args[3] or "2000")
    -- The rate is each wrk thread's (run it with -t1 for RATE in all).
    interval_ms = 1000 / tonumber(args[4] or "4000")
    math.randomseed(id * 7919 + os.time())
    next_slot = nil
    late = 0
end

function delay()
    local now = now_ms()
    if next_slot == nil then next_slot = now end
    local slot = next_slot
    next_slot = next_slot + interval_ms
    if slot <= now then
        if now - slot > 1 then late = late + 1 end
        return 0
    end
    return slot - now
end

function request()
    return wrk.format("GET", "/v1/check/" .. kind .. "/" .. prefix .. math.random(0, probes - 1))
end

function done(summary, latency, requests)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    local late_total = 0
    for _, thread in ipairs(threads) do late_total = late_total + thread:get("late") end
    io.write(string.format(
        "hallmark-paced: requests=%d non200=%d errors=%d late=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
        summary.requests, e.status, e.connect + e.read + e.write + e.timeout, late_total, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
