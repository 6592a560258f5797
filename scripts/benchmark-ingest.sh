#!/usr/bin/env bash
# Times what a member does with a large file and a new peer, as a user would run it (BENCHMARKS.md, "Ingest"):
#
#   scripts/benchmark-ingest.sh                    # 1 M sellers
#   scripts/benchmark-ingest.sh --lines 10000000   # 10 M (about 7 minutes for the import alone)
#   scripts/benchmark-ingest.sh --binary PATH      # a hallmark release executable already built
#
# 1. `hallmark import` of a CSV of N sellers into a fresh store: wall time, maximum resident memory, bytes on disk per
#    entry;
# 2. the same file imported through a running `hallmark node` on a second fresh store: wall time, the node's peak
#    memory, filter rebuilds the node logged;
# 3. a cold `hallmark sync` of the first store's N entries, served by a node over mutual TLS, into a fresh store of
#    another member: wall time and maximum resident memory.
# Uses the development certificates (Certificates/dev) and loopback ports chosen at random; prints a Markdown table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lines=1000000
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
        --lines) lines="$2"; shift 2 ;;
        --binary) binary="$2"; shift 2 ;;
        *) echo "unknown option $1 (known: --lines N, --binary PATH)" >&2; exit 64 ;;
    esac
done
if [ -z "$binary" ]; then
    swift build -c release --package-path "$root" --product hallmark >&2
    binary="$root/.build/release/hallmark"
fi
command -v /usr/bin/time > /dev/null || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 69; }

work="$(mktemp -d "${TMPDIR:-/tmp}/hallmark-ingest.XXXXXX")"
nodes=()
cleanup() {
    for pid in "${nodes[@]}"; do kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

dev="$root/Certificates/dev"
fresh() { # fresh MEMBER DIR
    "$binary" init --data "$2" --member-cert "$dev/$1/member.pem" --member-key "$dev/$1/member-key.pem" \
        --alliance-ca "$dev/ca.pem" --alliance-key "$dev/alliance.key" > /dev/null
}
start_node() { # start_node DIR LOG: starts a node, sets peer_port and api_port, waits until it answers
    peer_port=$((20000 + RANDOM % 20000))
    api_port=$((peer_port + 1))
    "$binary" node --data "$1" --listen "127.0.0.1:$peer_port" --api "127.0.0.1:$api_port" 2> "$2" &
    node_pid=$!
    nodes+=("$node_pid")
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$api_port/healthz" > /dev/null && return 0
        sleep 0.2
    done
    echo "the node on $1 did not answer; its log: $2" >&2
    exit 1
}
stop_node() {
    kill -TERM "$node_pid"
    wait "$node_pid" || true
}
timed() { # timed OUTPUT COMMAND...: wall seconds and maximum resident KiB into OUTPUT
    /usr/bin/time -f "%e %M" -o "$1" "${@:2}" > /dev/null
}

file="$work/sellers.csv"
awk -v n="$lines" 'BEGIN { print "kind,value"; for (i = 0; i < n; i++) printf "seller,shop-%08d\n", i }' > "$file"

fresh brand-a "$work/direct"
timed "$work/direct.time" "$binary" import --data "$work/direct" "$file"
read -r direct_seconds direct_kib < "$work/direct.time"
direct_bytes=$(stat -c %s "$work/direct/hallmark.sqlite")

fresh brand-a "$work/through"
start_node "$work/through" "$work/through-node.log"
timed "$work/through.time" "$binary" import --data "$work/through" "$file"
read -r through_seconds through_kib < "$work/through.time"
node_peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$node_pid/status")
stop_node
rebuilds=$(grep -c "filter rebuilt" "$work/through-node.log" || true)

fresh brand-b "$work/receiver"
start_node "$work/direct" "$work/origin-node.log"
timed "$work/sync.time" "$binary" sync --data "$work/receiver" --peer "brand-a@127.0.0.1:$peer_port"
read -r sync_seconds sync_kib < "$work/sync.time"
stop_node
receiver_bytes=$(stat -c %s "$work/receiver/hallmark.sqlite")

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
per_entry() { awk -v b="$1" -v n="$lines" 'BEGIN { printf "%.1f B", b / n }'; }
echo "| $lines sellers | measured |"
echo "| --- | ---: |"
echo "| \`hallmark import\`: wall time | $direct_seconds s |"
echo "| \`hallmark import\`: max resident | $(mib "$direct_kib") |"
echo "| store on disk per entry (origin) | $(per_entry "$direct_bytes") |"
echo "| through a running node: wall time | $through_seconds s ($(awk -v a="$through_seconds" -v b="$direct_seconds" 'BEGIN { printf "%.2fx", a / b }')) |"
echo "| through a running node: command / node peak | $(mib "$through_kib") / $(mib "$node_peak_kib") |"
echo "| through a running node: filter rebuilds the node logged | $rebuilds |"
echo "| cold \`hallmark sync\` over mutual TLS: wall time | $sync_seconds s |"
echo "| cold \`hallmark sync\`: max resident | $(mib "$sync_kib") |"
echo "| store on disk per entry (receiver) | $(per_entry "$receiver_bytes") |"
