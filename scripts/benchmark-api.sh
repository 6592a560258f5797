#!/usr/bin/env bash
# The API section of scripts/benchmark.sh (`scripts/benchmark.sh --section api`): a release `hallmark node` holding
# N listed SKUs, measured over loopback, side by side with Redis SISMEMBER on a set of the same size.
#
#   scripts/benchmark-api.sh HALLMARK [--identifiers N] [--rate R] [--seconds S]
#
#   HALLMARK        the release `hallmark` executable
#   --identifiers   listed SKUs, BENCH-0 ..< BENCH-N, imported with `hallmark import` (default 1000000)
#   --rate          the fixed offered rate of single checks, requests/s in total (default 4000, below what the node answers at saturation here)
#   --seconds       how long each load runs (default 10)
#
# Every probe asks about an identifier drawn at random from 0 ..< 2N, so half of them are listed, on both sides.
# Hallmark: (a) single checks at saturation: first a pass of wrk that checks every answer (scripts/wrk/checks.lua),
# then the throughput with wrk shaped like redis-benchmark (one thread, 50 connections, no per-response work:
# scripts/wrk/probes.lua); (b) a fixed offered rate, evenly spaced over 50 connections (scripts/wrk/paced.lua), and the
# same rate from hey's 50 workers, which send in bursts of all 50 (latency percentiles from its CSV of every request);
# (c) wrk with batches of 10 000 identifiers per POST /v1/check (the same script). Redis (redis-server on a
# loopback port, the set loaded with redis-cli --pipe): redis-benchmark SISMEMBER with 50 clients, and pipelined
# (-P 100) for the batch comparison. Needs wrk, hey, redis-server and redis-tools (Debian's packages); installs
# them with apt-get when missing. Everything it starts is stopped on exit; every load ends by itself.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hallmark="$1"
shift
identifiers=1000000
rate=4000
seconds=10
while [ $# -gt 0 ]; do
    case "$1" in
        --identifiers) identifiers="$2" ;;
        --rate) rate="$2" ;;
        --seconds) seconds="$2" ;;
        *) echo "unknown option $1 (the api section takes --identifiers N, --rate R, --seconds S)" >&2; exit 2 ;;
    esac
    shift 2
done
probes=$((2 * identifiers))
connections=50

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v hey >/dev/null || missing+=(hey)
command -v curl >/dev/null || missing+=(curl)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-benchmark >/dev/null || missing+=(redis-tools)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} with apt-get" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

work="$(mktemp -d /tmp/hallmark-api-benchmark.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

log() { echo "[api] $*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# "key=value" from a line of figures.
field() { sed -En "s/(^|.*[ :])$2=([^ ]*).*/\2/p" <<<"$1"; }
# Percentile $2 (0–100) of the sorted numbers in file $1, one per line, nearest rank.
percentile() { awk -v p="$2" '{ v[NR] = $1 } END { r = int(NR * p / 100 + 0.999999); if (r < 1) r = 1; print v[r] }' "$1"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# Resident memory of process $1, and its anonymous part: what the node allocated, as Redis's used_memory counts what
# Redis allocated (the rest is the executable's and the libraries' pages, mapped from files).
memory() {
    awk '/^VmRSS/ { r = $2 } /^RssAnon/ { a = $2 } END { printf "%.1f MiB (anonymous %.1f MiB)", r / 1024, a / 1024 }' \
        "/proc/$1/status"
}

# --- Hallmark ---------------------------------------------------------------------------------------------------

dev="$root/Certificates/dev"
data="$work/data"
"$hallmark" init --data "$data" --member-cert "$dev/brand-a/member.pem" --member-key "$dev/brand-a/member-key.pem" \
    --alliance-ca "$dev/ca.pem" --alliance-key "$dev/alliance.key" >/dev/null
awk -v n="$identifiers" 'BEGIN { print "kind,value"; for (i = 0; i < n; i++) printf "sku,BENCH-%d\n", i }' \
    >"$work/listed.csv"
log "importing $identifiers SKUs (load average $(load_average))"
start=$(date +%s%N)
"$hallmark" import --data "$data" "$work/listed.csv" >/dev/null
import_seconds=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')

"$hallmark" node --data "$data" --listen 127.0.0.1:0 --api 127.0.0.1:0 2>"$work/node.log" &
node=$!
pids+=("$node")
for _ in $(seq 600); do
    grep -q "node listening" "$work/node.log" && break
    kill -0 "$node" 2>/dev/null || { cat "$work/node.log" >&2; exit 1; }
    sleep 0.2
done
port=$(sed -n '/node listening/s/.*api\.port=\([0-9]*\).*/\1/p' "$work/node.log")
[ -n "$port" ] || { log "the node did not start"; cat "$work/node.log" >&2; exit 1; }
api="http://127.0.0.1:$port"
# A store written by `hallmark import` has no usable filter snapshot: the node builds its filter in the background and
# answers checks from the index meanwhile. Measure the node once it is ready.
for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/readyz")" = 200 ] && break
    sleep 0.2
done
node_idle=$(memory "$node")
log "node on $api, ready, $node_idle resident; checking answers under load, which also warms it up"
# Correctness first, in a pass of its own: every answer parsed and judged (scripts/wrk/checks.lua).
report=$(wrk -t1 -c"$connections" -d3s --timeout 10s -s "$root/scripts/wrk/checks.lua" "$api" \
    -- single sku BENCH- "$identifiers" "$probes")
checked=$(grep '^hallmark-single:' <<<"$report")
log "answers checked: $checked"
if [ "$(field "$checked" non200)" != 0 ] || [ "$(field "$checked" wrong)" != 0 ] ||
    [ "$(field "$checked" errors)" != 0 ] || [ "$(field "$checked" requests)" = 0 ]; then
    log "wrong answers or errors under load:"
    echo "$report" >&2
    exit 1
fi

# Throughput with a load generator shaped like redis-benchmark: one thread, $connections connections, and no work per
# response (scripts/wrk/probes.lua has no response function).
log "(a) wrk, 1 thread, $connections connections, single checks at saturation (load average $(load_average))"
report=$(wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$root/scripts/wrk/probes.lua" "$api" \
    -- sku BENCH- "$probes")
saturation=$(grep '^hallmark-single:' <<<"$report")
log "$saturation"
if [ "$(field "$saturation" non200)" != 0 ] || [ "$(field "$saturation" errors)" != 0 ]; then
    log "errors under load:"
    echo "$report" >&2
    exit 1
fi

log "(b) wrk, 1 thread, $connections connections, single checks at $rate requests/s offered, evenly spaced"
# scripts/wrk/paced.lua sends on a schedule of one request every 1/rate s, shared by the connections.
report=$(wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$root/scripts/wrk/paced.lua" "$api" \
    -- sku BENCH- "$probes" "$rate")
fixed=$(grep '^hallmark-paced:' <<<"$report")
log "$fixed"
if [ "$(field "$fixed" non200)" != 0 ] || [ "$(field "$fixed" errors)" != 0 ]; then
    echo "$report" >&2
    exit 1
fi

log "(b') hey, $connections workers, single checks at $rate requests/s offered, in bursts"
# hey paces each worker with a ticker of its own, and the workers start together: every 1/(rate/workers) s all of them
# send at once. Half the workers ask about a listed identifier, half about one that is not (hey takes one URL).
per_worker=$(awk -v r="$rate" -v c="$connections" 'BEGIN { printf "%.0f", r / c }')
half=$((connections / 2))
hey -z "${seconds}s" -c "$half" -q "$per_worker" -o csv "$api/v1/check/sku/BENCH-$((identifiers / 2))" \
    >"$work/hey-listed.csv" &
listed_hey=$!
hey -z "${seconds}s" -c "$half" -q "$per_worker" -o csv "$api/v1/check/sku/BENCH-$((identifiers + 7))" \
    >"$work/hey-absent.csv"
wait "$listed_hey"
# Columns: response-time (s), DNS+dialup, DNS, request-write, response-delay, response-read, status-code, offset (s).
tail -q -n +2 "$work/hey-listed.csv" "$work/hey-absent.csv" >"$work/hey.csv"
bursts_count=$(wc -l <"$work/hey.csv")
bursts_bad=$(awk -F, '$7 != 200' "$work/hey.csv" | wc -l)
bursts_rate=$(awk -F, -v n="$bursts_count" '$8 > last { last = $8 } END { printf "%.0f", n / last }' "$work/hey.csv")
awk -F, '{ printf "%.3f\n", $1 * 1000 }' "$work/hey.csv" | sort -n >"$work/hey-ms.txt"
bursts="p50_ms=$(percentile "$work/hey-ms.txt" 50) p99_ms=$(percentile "$work/hey-ms.txt" 99)"
bursts="$bursts p999_ms=$(percentile "$work/hey-ms.txt" 99.9)"
log "hey: $bursts_count requests, $bursts_bad not 200, $bursts_rate/s answered, $bursts"
if [ "$bursts_bad" != 0 ]; then exit 1; fi

log "(c) wrk, 4 connections, batches of 10000 identifiers"
report=$(wrk -t2 -c4 -d"${seconds}s" --timeout 30s -s "$root/scripts/wrk/checks.lua" "$api" \
    -- batch sku BENCH- "$probes" 10000)
batch=$(grep '^hallmark-batch:' <<<"$report")
log "$batch"
if [ "$(field "$batch" non200)" != 0 ] || [ "$(field "$batch" errors)" != 0 ]; then
    echo "$report" >&2
    exit 1
fi
log "(d) wrk, 4 connections, binary batches of 10000 digests (POST /v1/check/digests)"
# The digests come from the node's own JSON answer (only holders of the alliance key can compute them); the expected
# answer is one status byte per record: listed exactly when i < N.
python3 - "$api" "$identifiers" "$probes" "$work/digests.bin" "$work/digests.expected" <<'PYTHON'
import json, random, sys, urllib.request
api, listed, probes, body_path, expected_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
generator = random.Random(7)
numbers = [generator.randrange(probes) for _ in range(10000)]
document = json.dumps({"identifiers": [{"kind": "sku", "value": f"BENCH-{i}"} for i in numbers]}).encode()
request = urllib.request.Request(api + "/v1/check", data=document, headers={"Content-Type": "application/json"})
verdicts = json.load(urllib.request.urlopen(request))["verdicts"]
with open(body_path, "wb") as file:
    file.write(b"".join(b"\x02" + bytes.fromhex(verdict["digest"]) for verdict in verdicts))
with open(expected_path, "wb") as file:
    file.write(bytes(1 if i < listed else 0 for i in numbers))
PYTHON
report=$(wrk -t2 -c4 -d"${seconds}s" --timeout 30s -s "$root/scripts/wrk/checks.lua" "$api" \
    -- digests "$work/digests.bin" "$work/digests.expected")
digests=$(grep '^hallmark-digests:' <<<"$report")
log "$digests"
if [ "$(field "$digests" non200)" != 0 ] || [ "$(field "$digests" wrong)" != 0 ] ||
    [ "$(field "$digests" errors)" != 0 ]; then
    echo "$report" >&2
    exit 1
fi
node_loaded=$(memory "$node")
# The node hands memory freed by the loads back every 10 s (MemoryTrimming): what it holds once that has happened.
sleep 15
node_settled=$(memory "$node")
kill -TERM "$node"
wait "$node" || true

# --- Redis ------------------------------------------------------------------------------------------------------

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" \
    --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do
    [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
done
# redis-benchmark's __rand_int__ is a 12-digit number below -r: the set holds 000000000000 ..< N, probes go to 2N.
awk -v n="$identifiers" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$4\r\nSADD\r\n$8\r\nhallmark\r\n$12\r\n%012d\r\n", i }' |
    redis-cli -p "$redis_port" --pipe >/dev/null
held=$(redis-cli -p "$redis_port" scard hallmark)
[ "$held" = "$identifiers" ] || { log "redis holds $held members, not $identifiers"; exit 1; }
redis_rss=$(redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory_human:\(.*\)\r$/\1/p')

# "rps p50 p99 p99.9" from redis-benchmark's full output: p99.9 is the first percentile line at or above 99.9 %.
redis_figures() {
    awk '
        /throughput summary:/ { rps = $3 }
        /^ *[0-9.]+% <= / { p = $1 + 0; if (!got50 && p >= 50) { p50 = $3; got50 = 1 }
                            if (!got99 && p >= 99) { p99 = $3; got99 = 1 }
                            if (!got999 && p >= 99.9) { p999 = $3; got999 = 1 } }
        /avg +min +p50/ { getline; p50 = $3; p99 = $5 }
        END { printf "rps=%.0f p50_ms=%s p99_ms=%s p999_ms=%s\n", rps, p50, p99, p999 }
    '
}
log "(a) redis-benchmark SISMEMBER, $connections clients (load average $(load_average))"
redis_single=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$connections" -n $((100000 * seconds)) \
    -r "$probes" --precision 3 SISMEMBER hallmark __rand_int__ 2>/dev/null | tr '\r' '\n' | redis_figures)
log "redis: $redis_single"
log "(c) redis-benchmark SISMEMBER, $connections clients, pipelined by 100"
redis_pipelined=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$connections" -P 100 \
    -n $((1500000 * seconds)) -r "$probes" --precision 3 SISMEMBER hallmark __rand_int__ 2>/dev/null |
    tr '\r' '\n' | redis_figures)
log "redis pipelined: $redis_pipelined"

# --- Table ------------------------------------------------------------------------------------------------------

ms() { printf "%s / %s / %s ms" "$(field "$1" p50_ms)" "$(field "$1" p99_ms)" "$(field "$1" p999_ms)"; }
echo "## HTTP API over loopback, against Redis"
echo
echo "- $identifiers listed SKUs; probes drawn from twice as many, so half are listed; ${seconds} s per load"
echo "- load average $(load_average) at the end; hallmark import of $identifiers: $import_seconds s"
echo "- memory: hallmark node once ready $node_idle, right after the loads $node_loaded, 15 s later" \
    "$node_settled; Redis used_memory $redis_rss"
echo
echo "| measure | Hallmark | Redis |"
echo "| --- | --- | --- |"
echo "| single check, saturation, 1 client thread, $connections connections: requests/s | $(field "$saturation" rps) |" \
    "$(field "$redis_single" rps) |"
echo "| single check, saturation: p50 / p99 / p99.9 | $(ms "$saturation") | $(ms "$redis_single") |"
echo "| single check, $rate/s offered, evenly spaced ($connections connections): answered/s, sent late |" \
    "$(field "$fixed" rps), $(field "$fixed" late) | — |"
echo "| single check, $rate/s offered, evenly spaced: p50 / p99 / p99.9 | $(ms "$fixed") | — |"
echo "| single check, $rate/s offered in bursts of $connections (hey): answered/s | $bursts_rate | — |"
echo "| single check, $rate/s offered in bursts of $connections (hey): p50 / p99 / p99.9 | $(ms "$bursts") | — |"
echo "| batch: identifiers/s (Hallmark 10 000 per POST, 4 connections; Redis -P 100, $connections clients) |" \
    "$(field "$batch" identifiers_per_s) | $(field "$redis_pipelined" rps) |"
echo "| batch: p50 / p99 / p99.9 per request (Hallmark: 10 000 identifiers; Redis: one pipelined command) |" \
    "$(ms "$batch") | $(ms "$redis_pipelined") |"
echo "| binary batch: digests/s (Hallmark 10 000 per POST /v1/check/digests, 4 connections; Redis -P 100) |" \
    "$(field "$digests" identifiers_per_s) | $(field "$redis_pipelined" rps) |"
echo "| binary batch: p50 / p99 / p99.9 per request (10 000 digests) | $(ms "$digests") | — |"
echo
