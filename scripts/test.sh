#!/usr/bin/env bash
# Runs every test of the package. Tests that need an outside tool (openssl; python3 with the packages in
# Tests/interop/requirements.txt) skip with a message when it is missing, and fail instead when CI is set.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
