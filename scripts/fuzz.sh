#!/usr/bin/env bash
# Builds the libFuzzer harnesses of FuzzTesting/ and runs each for a while (see RELIABILITY.md, "Fuzzing").
#
#   scripts/fuzz.sh                          # every harness, 60 seconds each
#   scripts/fuzz.sh 600 entry checkpoint     # those two, 10 minutes each
#   scripts/fuzz.sh --merge 300 log-chunk    # and merge the inputs that found new coverage into its seed corpus
#   scripts/fuzz.sh --list                   # the harnesses' names
#   scripts/fuzz.sh --build-only             # build, run nothing
#   scripts/fuzz.sh --release 3600 node-config   # an optimized build (-O; checks and sanitizers stay), for long runs
#
# Each harness runs over a copy of its seed corpus, FuzzTesting/Corpus/<harness>/, in a temporary folder, so a run
# leaves the committed corpus as it was unless --merge is given (then `-merge=1` adds the new inputs that add coverage,
# minimized by libFuzzer). libFuzzer's options: -max_total_time=SECONDS -timeout=10 -rss_limit_mb=2048, plus any in
# FUZZ_FLAGS. A crash, sanitizer report, timeout or out-of-memory stops that harness; its input is kept under
# .build-fuzz/findings/ (the path is printed), the other harnesses still run, and the script exits 1. Reproduce a
# finding with `.build-fuzz/debug/fuzz-<harness> <file>` (or release/, after a --release run).
#
# The build uses its own scratch path (.build-fuzz), never .build, and needs nothing but the Swift toolchain.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

harnesses=(
    entry checkpoint cosignature log-chunk origin-head fetch-log-request evidence-bundle revocation-list
    indicator-file api-bodies node-config filter-snapshot identifier stix-bundle
)
scratch=".build-fuzz"

merge=false
build_only=false
configuration=debug
seconds=60
selected=()
for argument in "$@"; do
    case "$argument" in
        --merge) merge=true ;;
        --build-only) build_only=true ;;
        --release) configuration=release ;;
        --list) printf '%s\n' "${harnesses[@]}"; exit 0 ;;
        -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *[!0-9]*)
            if [[ " ${harnesses[*]} " != *" $argument "* ]]; then
                echo "unknown harness '$argument' (known: ${harnesses[*]})" >&2
                exit 2
            fi
            selected+=("$argument")
            ;;
        *) seconds="$argument" ;;
    esac
done
if [ "${#selected[@]}" -eq 0 ]; then selected=("${harnesses[@]}"); fi

echo "building the fuzz harnesses (swift build -c $configuration, -sanitize=fuzzer,address, scratch path $scratch)" >&2
build_start=$(date +%s)
# SwiftPM does not notice a source file added to the main package (a path dependency here) and keeps its old build
# plan, so the link fails with "cannot find …". Dropping the plan makes it re-plan (seconds); compiled objects stay.
rm -f "$scratch/$configuration.yaml" "$scratch"/*/"$configuration"/description.json
# Three harnesses reach the sync engine's internals (@testable import): a release build must allow it too.
swift build -c "$configuration" --package-path FuzzTesting --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing >&2
echo "built in $(($(date +%s) - build_start)) s" >&2
if $build_only; then exit 0; fi

bin="$scratch/$configuration"
findings="$root/$scratch/findings"
mkdir -p "$findings"
work="$(mktemp -d "${TMPDIR:-/tmp}/hallmark-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Leak checks are off: libFuzzer runs one after every input whose mallocs and frees do not balance, which Swift's
# runtime caches (metadata, conformances, tasks) make common, and it slows a harness ten- to a hundredfold. Set
# ASAN_OPTIONS=detect_leaks=1 to look for leaks anyway.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

failed=()
summary=()
for harness in "${selected[@]}"; do
    corpus="$work/$harness"
    mkdir -p "$corpus"
    if [ -d "FuzzTesting/Corpus/$harness" ]; then cp -R "FuzzTesting/Corpus/$harness/." "$corpus/"; fi
    log="$work/$harness.log"
    echo "== $harness: ${seconds} s over $(find "$corpus" -type f | wc -l) seed inputs" >&2
    start=$(date +%s)
    status=0
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
    "$bin/fuzz-$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/$harness-" ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    coverage=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
    if [ -z "$executions" ] && [ "$status" -eq 0 ]; then status=1; fi
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log" >&2
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        echo "!! $harness FAILED (exit $status); input: ${artifact:-none written}; log: $findings/$harness.log" >&2
        cp "$log" "$findings/$harness.log"
        failed+=("$harness")
        summary+=("$(printf '%-18s %14s %10s %6s  %s' "$harness" "${executions:-?}" "${rate:-?}" "$elapsed" "CRASH ${artifact:-}")")
        continue
    fi
    summary+=("$(printf '%-18s %14s %10s %6s  %s' "$harness" "$executions" "$rate" "$elapsed" "ok, $coverage")")
    if $merge; then
        mkdir -p "FuzzTesting/Corpus/$harness"
        "$bin/fuzz-$harness" -merge=1 -timeout=10 -rss_limit_mb=2048 "FuzzTesting/Corpus/$harness" "$corpus" \
            >"$work/$harness.merge.log" 2>&1 || {
            tail -n 20 "$work/$harness.merge.log" >&2
            failed+=("$harness (merge)")
        }
        grep -E 'MERGE-OUTER: [0-9]+ new files' "$work/$harness.merge.log" >&2 || true
    fi
done

echo
echo "fuzzing, $(date -u +%Y-%m-%dT%H:%MZ), ${seconds} s a harness"
printf '%-18s %14s %10s %6s  %s\n' harness executions exec/s s result
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "FAILED: ${failed[*]} (inputs and logs in $findings)"
    exit 1
fi
