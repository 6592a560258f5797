#!/usr/bin/env bash
# Regenerates Certificates/dev: a DEVELOPMENT-ONLY alliance (CA, alliance key, three fictitious members)
# for the demo and the tests. Its private keys are public in this repository: never trust it anywhere real.
#
# Usage: scripts/make-dev-alliance.sh [path-to-hallmark-binary]
set -euo pipefail
cd "$(dirname "$0")/.."

hallmark=${1:-}
if [ -z "$hallmark" ]; then
    swift build --product hallmark >&2
    hallmark="$(swift build --show-bin-path)/hallmark"
fi

dev=Certificates/dev
"$hallmark" certs init-alliance --name "Hallmark Development Alliance (DEVELOPMENT ONLY)" --out "$dev" --force

issue() { # id, name
    "$hallmark" certs issue-member --alliance "$dev" --member "$1" --name "$2 (DEVELOPMENT ONLY)" \
        --host localhost --host 127.0.0.1 --host ::1 --out "$dev/$1" --force
}
issue brand-a "Fictitious Brand A"
issue brand-b "Fictitious Brand B"
issue market-c "Fictitious Marketplace C"

cat > "$dev/DEVELOPMENT-ONLY.txt" <<'NOTE'
DEVELOPMENT ONLY. The keys in this folder are published with the source code.
Anyone can impersonate these "members". Use them for the demo and the tests, nothing else.
A real alliance makes its own: see Certificates/README.md.
NOTE
echo "wrote $dev" >&2
