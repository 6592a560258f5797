#!/usr/bin/env bash
# Runs every test of the package, after checking that the generated files are reproducible. Tests that need an
# outside tool (openssl; python3 with the packages in Tests/interop/requirements.txt) skip with a message when it is
# missing, and fail instead when CI is set. Then each fuzz harness runs briefly (its own build, in .build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
# Generated tables and test vectors must regenerate to the committed bytes (Unicode 14.0 only).
scripts/check-generated.sh
# No new integer conversion, try!, force unwrap, precondition or count-sized allocation that outside data could trap.
scripts/lint-conversions.sh
scripts/check-layering.sh
swift build --build-tests
swift test --skip-build
# Every fuzz harness for a short, bounded time over its committed corpus (RELIABILITY.md, "Fuzzing"): a decoder change
# that traps on an input the corpus already holds fails here. FUZZ_SECONDS sets the time per harness (0 skips).
fuzz_seconds="${FUZZ_SECONDS:-10}"
if [ "$fuzz_seconds" -gt 0 ]; then scripts/fuzz.sh "$fuzz_seconds"; fi
