#!/usr/bin/env bash
# Hallmark's main job on one machine, before any peer exists: create a member's store from the
# development alliance, import a sample file of indicators, check identifiers, audit one, show status.
#
# Usage: scripts/local-session.sh [DATA_DIR]   (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building hallmark (release; the first build takes several minutes)" >&2
swift build -c release --product hallmark >&2
hallmark="$(swift build -c release --show-bin-path)/hallmark"

data=${1:-$(mktemp -d -t hallmark-session.XXXXXX)/data}
dev=Certificates/dev
run() { echo; echo "\$ hallmark $*"; "$hallmark" "$@"; }

run init --data "$data" --member-cert "$dev/brand-a/member.pem" --member-key "$dev/brand-a/member-key.pem" \
    --alliance-ca "$dev/ca.pem" --alliance-key "$dev/alliance.key"
run import --data "$data" examples/indicators.csv
run import --data "$data" examples/indicators.csv   # the same file again appends nothing

run check --data "$data" sku "lv m40990"           # separators and case do not matter: listed
run check --data "$data" seller "shopmart:luxe outlet 88"
run check --data "$data" url "https://shop.example.com/listing/12345?ref=ad" --json
set +e
run check --data "$data" seller "shopmart:honest-trader"; echo "(exit status $?: not listed)"
set -e
run submit --data "$data" seller "shopmart:another-fake" --confidence 60 --reason counterfeit --expires 30d
run retract --data "$data" seller "shopmart:another-fake"
run audit --data "$data" sku LV-M40990
run status --data "$data"
echo
echo "store left in $data" >&2
