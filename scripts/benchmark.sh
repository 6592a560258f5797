#!/usr/bin/env bash
# Runs Hallmark's benchmarks in a release build and prints their tables (see BENCHMARKS.md).
#
#   scripts/benchmark.sh                      # filter at 10 k (in cache), 1 M and 100 M keys, then end-to-end
#   scripts/benchmark.sh --keys 1000000       # any hallmark-benchmarks options, passed through
#   scripts/benchmark.sh --section report     # the contribution report on 1 M entries (--report-entries N)
#   scripts/benchmark.sh --section incremental   # new entries two hops away (--incremental-held N, --incremental-rounds N)
#   scripts/benchmark.sh --section api        # the HTTP API against Redis: scripts/benchmark-api.sh, with its options
#                                             # --identifiers N, --rate R, --seconds S
#
# Needs libbloom (Debian's libbloom-dev) for the comparison; installs it with apt-get when missing. The api section
# needs wrk, hey, redis-server and redis-tools instead, and installs those.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

header() {
    echo "# Hallmark benchmarks"
    echo
    echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB memory"
    echo "- toolchain: $(swift --version 2>/dev/null | head -n 1)"
    echo
}

if [ "${1:-}" = "--section" ] && [ "${2:-}" = "api" ]; then
    shift 2
    # The release `hallmark` executable, built beside the benchmarks (same scratch path, same release dependencies).
    swift build -c release --package-path Benchmarks --scratch-path .build-bench --product hallmark >&2
    header
    exec scripts/benchmark-api.sh "$root/.build-bench/release/hallmark" "$@"
fi

if [ ! -f /usr/include/bloom.h ]; then
    echo "libbloom-dev is missing: installing it with apt-get" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update
    $sudo apt-get install -y libbloom-dev
fi

swift build -c release --package-path Benchmarks --scratch-path .build-bench --product hallmark-benchmarks >&2

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
    args=(--keys 10000,1000000,100000000)
fi

header
.build-bench/release/hallmark-benchmarks "${args[@]}"
