#!/usr/bin/env bash
# Hallmark's main job: three member nodes from the development alliance on loopback, in a line
# brand-a — brand-b — market-c over mutual TLS. brand-a asserts indicators; they reach market-c through
# brand-b with brand-a's signature; market-c checks and audits one; brand-a retracts it and market-c drops it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building hallmark (release; the first build takes several minutes)" >&2
swift build -c release --product hallmark >&2
exec "$(swift build -c release --show-bin-path)/hallmark" demo --certificates Certificates/dev "$@"
