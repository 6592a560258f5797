#!/usr/bin/env bash
# The member layer is the only door to the store (docs/ARCHITECTURE.md): no module above it imports HallmarkStore,
# and none but the member layer, the test support and the tests depend on it in Package.swift.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
offenders=$(grep -rl --include='*.swift' '^import HallmarkStore$' Sources | grep -v '^Sources/Hallmark\(Store\|Member\)/' || true)
if [ -n "$offenders" ]; then
    echo "error: these files import HallmarkStore; go through the member layer (Member) instead:" >&2
    echo "$offenders" >&2
    status=1
fi
# Every target's dependency list in Package.swift, and which of them name HallmarkStore.
dependents=$(awk '
    /^ *name: "/ { match($0, /name: "[^"]+"/); name = substr($0, RSTART + 7, RLENGTH - 8) }
    /"HallmarkStore"/ && !/name: "HallmarkStore"/ && !/targets:/ { print name }
' Package.swift | sort -u)
for target in $dependents; do
    case "$target" in
        HallmarkMember | HallmarkTestSupport | *Tests) ;;
        *)
            echo "error: Package.swift: $target depends on HallmarkStore; only HallmarkMember may" >&2
            status=1
            ;;
    esac
done
[ $status -eq 0 ] && echo "layering: only the member layer reaches the store"
exit $status
