#!/usr/bin/env bash
# Runs every test of the package, after checking that the generated files are reproducible. Tests that need an
# outside tool (openssl; python3 with the packages in Tests/interop/requirements.txt) skip with a message when it is
# missing, and fail instead when CI is set.
set -euo pipefail
cd "$(dirname "$0")/.."
# Generated tables and test vectors must regenerate to the committed bytes (Unicode 14.0 only).
scripts/check-generated.sh
# No new integer conversion, try!, force unwrap, precondition or count-sized allocation that outside data could trap.
scripts/lint-conversions.sh
scripts/check-layering.sh
swift build --build-tests
swift test --skip-build
