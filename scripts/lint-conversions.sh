#!/usr/bin/env bash
# Keeps new trapping sites out of Sources/: integer conversions that trap when the value does not fit (`Int64(x)`,
# `UInt8(x)`, `Int(someDouble)`; not the `exactly:`, `truncatingIfNeeded:`, `clamping:`, `bitPattern:` or `ascii:`
# forms), `try!`, force unwraps (`x!`, `as!`), `precondition`/`preconditionFailure`/`fatalError`, and allocations
# sized by a count (`reserveCapacity(n)`, `(repeating: …, count: n)`). A peer, a request or a file must never crash
# the node through one of them.
#
# Every site is compared, as `path: trimmed source line`, with the reviewed ones in scripts/conversions-allowed.txt
# (docs/CONVERSIONS.md says why each is safe). Lines are matched by their text, not their number, and counted, so a
# line written twice in a file needs two entries. Generated code (Sources/HallmarkProtocol/, the Unicode tables) is
# left out. Needs only bash, grep, sort and diff.
#
#   scripts/lint-conversions.sh           fails, listing them, when there are sites the allowlist does not hold
#   scripts/lint-conversions.sh --print   prints every site in the allowlist's form (to review the list afresh)
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s extglob

allowlist=scripts/conversions-allowed.txt

# What a site is, on a line whose excluded conversions are already removed. (Bash regexes are POSIX ERE: no \b.)
conversion='(^|[^A-Za-z0-9_])U?Int(8|16|32|64)?\('
trapping='try!|(^|[^A-Za-z0-9_])(precondition|preconditionFailure|fatalError)\(|reserveCapacity\(|repeating:.*count:'
unwrap='[]A-Za-z0-9_)"]!([^=]|$)'
site="$conversion|$trapping|$unwrap"

# Generated code, left out.
generated='^Sources/HallmarkProtocol/|^Sources/HallmarkCore/Indicators/(NFKC\+Tables|CaseFolding\+Table)\.swift:'

# Every site in Sources/ as `path: trimmed line`, sorted (C locale, as the allowlist is).
sites() {
    { grep -rnE --include='*.swift' 'U?Int(8|16|32|64)?\(|try!|precondition|fatalError|reserveCapacity|repeating:|!' \
        Sources || true; } |
        { grep -vE "$generated" || true; } |
        while IFS= read -r hit; do
            path=${hit%%:*}
            code=${hit#*:}
            code=${code#*:}
            code=${code#"${code%%[![:space:]]*}"}
            code=${code%"${code##*[![:space:]]}"}
            [[ $code == //* ]] && continue
            stripped=${code//@(U|)Int@(8|16|32|64|)\(@(exactly|truncatingIfNeeded|clamping|bitPattern|ascii):/}
            stripped=${stripped//!=/}
            if [[ $stripped =~ $site ]]; then printf '%s: %s\n' "$path" "$code"; fi
        done | LC_ALL=C sort
}

if [[ ${1:-} == --print ]]; then
    sites
    exit 0
fi

# The line numbers of `code` (a trimmed line) in `path`, for the message.
line_numbers() {
    local numbers="" hit text
    while IFS= read -r hit; do
        text=${hit#*:}
        text=${text#"${text%%[![:space:]]*}"}
        text=${text%"${text##*[![:space:]]}"}
        [[ $text == "$2" ]] && numbers+="${numbers:+,}${hit%%:*}"
    done < <(grep -nF -- "$2" "$1" || true)
    printf '%s' "$numbers"
}

found=$(sites)
count=$(grep -c . <<<"$found" || true)
# Both lists sorted: the lines diff leaves in common are exactly the sites both hold, counted.
new=()
stale=()
while IFS= read -r change; do
    case $change in
        '> '*) new+=("${change#> }") ;;
        '< '*) stale+=("${change#< }") ;;
    esac
done < <(diff <(LC_ALL=C sort "$allowlist") <(printf '%s\n' "$found") || true)

if ((${#new[@]} > 0)); then
    echo "conversion lint: ${#new[@]} site(s) that can trap are not in $allowlist:" >&2
    for entry in "${new[@]}"; do
        path=${entry%%: *}
        code=${entry#*: }
        echo "  $path:$(line_numbers "$path" "$code"): $code" >&2
    done
    cat >&2 <<'EOF'
Fix each so that a value from outside (a peer's message, an API request, a file, a flag) cannot trap it: a
conversion with init(exactly:) and a HallmarkError naming the field, a bounds or range check before the subscript or
the arithmetic, a limit before the allocation, `try` instead of `try!`, `guard let` instead of `!`. If its value cannot
come from outside, or cannot trap, add a row to docs/CONVERSIONS.md saying why, and its `path: trimmed line` to
scripts/conversions-allowed.txt (kept sorted with LC_ALL=C; `scripts/lint-conversions.sh --print` lists every site).
EOF
    exit 1
fi
if ((${#stale[@]} > 0)); then
    for entry in "${stale[@]}"; do
        echo "conversion lint: no longer in Sources/, remove from $allowlist: $entry" >&2
    done
fi
echo "conversion lint: $count reviewed sites, no new ones"
