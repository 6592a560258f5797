#!/usr/bin/env bash
# Measures what a node keeps in memory while slow readers fetch a large log, and what it gives back after they leave
# (RELIABILITY.md, "Slow readers").
#
#   scripts/slow-readers.sh [HALLMARK] [ENTRIES] [READERS]      # defaults: .build/release/hallmark, 200000, 20
#
# Makes brand-a's store with ENTRIES sellers in a temporary folder, runs its node, and has READERS FetchLog streams
# of market-c (Tests/hostile/slow_readers.py, one HTTP/2 connection each) read its log one chunk every 0.5 s for 30 s.
# Prints the node's resident memory idle, at its peak while they read, and 5 and 15 s after they left. NODE_CONFIG
# names a node configuration file to run with (for example one raising max_fetches_per_peer to READERS).
# Needs python3 with the packages of Tests/interop/requirements.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hallmark="${1:-$root/.build/release/hallmark}"
entries="${2:-200000}"
readers="${3:-20}"
dev="$root/Certificates/dev"
work="$(mktemp -d "${TMPDIR:-/tmp}/hallmark-slow-readers.XXXXXX")"
node=""
cleanup() {
    if [ -n "$node" ]; then kill "$node" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$hallmark" init --data "$work/a" --member-cert "$dev/brand-a/member.pem" --member-key "$dev/brand-a/member-key.pem" \
    --alliance-ca "$dev/ca.pem" --alliance-key "$dev/alliance.key" >/dev/null
python3 -c "
import sys
print('kind,value')
for i in range($entries): print(f'seller,shopmart:slow reader {i}')" >"$work/sellers.csv"
"$hallmark" import --data "$work/a" "$work/sellers.csv" >/dev/null 2>&1

"$hallmark" node --data "$work/a" ${NODE_CONFIG:+--config "$NODE_CONFIG"} --listen 127.0.0.1:0 --api 127.0.0.1:0 \
    2>"$work/node.log" &
node=$!
for _ in $(seq 300); do grep -q "node listening" "$work/node.log" && break; sleep 0.2; done
port=$(grep -o 'federation.port=[0-9]*' "$work/node.log" | head -n 1 | cut -d= -f2)
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$node/status"; }

sleep 2
echo "log of $entries entries; $readers slow readers"
echo "idle:                     $(rss)"
python3 "$root/Tests/hostile/slow_readers.py" --port "$port" --cert "$dev/market-c/member.pem" \
    --key "$dev/market-c/member-key.pem" --ca "$dev/ca.pem" --origin brand-a --count "$readers" \
    --interval 0.5 --seconds 30 >"$work/readers.log" 2>&1 &
python=$!
peak=0
while kill -0 "$python" 2>/dev/null; do
    now=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$node/status")
    if [ "$now" -gt "$peak" ]; then peak=$now; fi
    sleep 0.5
done
wait "$python"
echo "peak while they read:     $peak MB"
tail -n 1 "$work/readers.log"
sleep 5
echo "5 s after they left:      $(rss)"
sleep 10
echo "15 s after they left:     $(rss)"
echo "refusals at the node:     $(grep -c 'refused a call' "$work/node.log" || true) warning line(s)"
