#!/usr/bin/env python3
"""Independent Python implementation of Hallmark's indicator normalization (Protocol/normalization.md).

    scripts/check-normalization-vectors.py [VECTORS.json]
        Recomputes every normalized form and digest of the vector file (default:
        Protocol/test-vectors/normalization.json), checks that every invalid case is rejected,
        and exits non-zero on any mismatch.

    scripts/check-normalization-vectors.py --print-case-folding-table
        Prints the Swift source of Sources/HallmarkCore/Indicators/CaseFolding+Table.swift.

    scripts/check-normalization-vectors.py --print-nfkc-tables
        Prints the Swift source of Sources/HallmarkCore/Indicators/NFKC+Tables.swift.

Needs Python 3.11 exactly for its Unicode 14.0 database: Hallmark v1 normalizes the Unicode 14.0
repertoire, and 3.11's `unicodedata` is that version. Every mode refuses any other version, as newer
tables would change digests.
"""

import hashlib
import hmac
import ipaddress
import json
import os
import sys
import unicodedata

MAX_INPUT_BYTES = 1024

# Unicode White_Space (PropList.txt), unchanged since Unicode 6.3.
WHITE_SPACE = frozenset(
    [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680]
    + list(range(0x2000, 0x200B))
    + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
SKU_SEPARATORS = frozenset(ord(c) for c in "-._/\\")

# Unicode 14.0 Default_Ignorable_Code_Point (DerivedCoreProperties.txt; unchanged in 15.0). Python's
# unicodedata lacks the property, so the ranges are spelled out here, exactly as in IndicatorText.swift.
DEFAULT_IGNORABLE_RANGES = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
]


class Invalid(Exception):
    pass


def is_white(ch):
    return ord(ch) in WHITE_SPACE


def is_control(ch):
    return unicodedata.category(ch) == "Cc"


def trim(s):
    start, end = 0, len(s)
    while start < end and is_white(s[start]):
        start += 1
    while end > start and is_white(s[end - 1]):
        end -= 1
    return s[start:end]


def check_repertoire(kind, s):
    for ch in s:
        if is_control(ch) and not is_white(ch):
            raise Invalid(f"{kind} value contains control character U+{ord(ch):04X}")
        if unicodedata.category(ch) == "Cn":
            raise Invalid(f"{kind} value contains U+{ord(ch):04X}, which is not assigned in Unicode 14.0")


def is_default_ignorable(ch):
    c = ord(ch)
    return any(low <= c <= high for low, high in DEFAULT_IGNORABLE_RANGES)


def has_visible_content(s):
    return any(not is_white(ch) and not is_default_ignorable(ch) for ch in s)


def fold(s):
    s = "".join(ch for ch in s if not is_default_ignorable(ch))
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", s).casefold())


def collapse_white(s):
    out, pending = [], False
    for ch in s:
        if is_white(ch):
            pending = True
            continue
        if pending and out:
            out.append(" ")
        pending = False
        out.append(ch)
    return "".join(out)


def prepare(kind, value):
    if len(value.encode("utf-8")) > MAX_INPUT_BYTES:
        raise Invalid(f"{kind} value is {len(value.encode('utf-8'))} bytes, the limit is {MAX_INPUT_BYTES}")
    value = trim(value)
    if not value:
        raise Invalid(f"empty {kind} value")
    return value


def normalize_seller(value):
    value = prepare("seller", value)
    check_repertoire("seller", value)
    if not has_visible_content(value):
        raise Invalid("seller value is empty once invisible (default-ignorable) characters are removed")
    value = collapse_white(fold(value))
    if ":" not in value:
        if not value:
            raise Invalid("empty seller value")
        return value
    marketplace, account = value.split(":", 1)
    marketplace, account = marketplace.strip(" "), account.strip(" ")
    if not marketplace:
        raise Invalid("seller marketplace before ':' is empty")
    if any(c not in "abcdefghijklmnopqrstuvwxyz0123456789.-" for c in marketplace):
        raise Invalid("seller marketplace may hold only a-z, 0-9, '.' and '-'")
    if not account:
        raise Invalid("seller account after ':' is empty")
    return marketplace + ":" + account


def normalize_sku(value):
    value = prepare("sku", value)
    check_repertoire("sku", value)
    if not has_visible_content(value):
        raise Invalid("sku value is empty once invisible (default-ignorable) characters are removed")
    value = "".join(
        ch
        for ch in fold(value)
        if not is_white(ch) and ord(ch) not in SKU_SEPARATORS and unicodedata.category(ch) != "Pd"
    )
    if not value:
        raise Invalid("sku value is empty once white space and separators are removed")
    return value


def normalize_pdq(value):
    value = prepare("image-pdq", value)
    if len(value) != 64:
        raise Invalid(f"image-pdq value must be 64 hex digits, got {len(value)} characters")
    for i, ch in enumerate(value):
        if ch not in "0123456789abcdefABCDEF":
            raise Invalid(f"image-pdq value has a non-hex character at position {i + 1}")
    return value.lower()


# --- url ---------------------------------------------------------------------------------------

UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
SUB_DELIMS = frozenset(b"!$&'()*+,;=")
PATH_KEEP = UNRESERVED | SUB_DELIMS | frozenset(b":@/")
QUERY_KEEP = PATH_KEEP | frozenset(b"?")
HEX = b"0123456789ABCDEF"


def normalize_escapes(part: bytes, keep, where):
    out = bytearray()
    i = 0
    while i < len(part):
        b = part[i]
        if b == 0x25:  # %
            pair = part[i + 1 : i + 3]
            if len(pair) != 2 or any(c not in b"0123456789abcdefABCDEF" for c in pair):
                raise Invalid(f"malformed url: bad percent escape in {where}")
            v = int(pair, 16)
            if v in UNRESERVED:
                out.append(v)
            else:
                out += b"%" + bytes([HEX[v >> 4], HEX[v & 15]])
            i += 3
            continue
        if b in keep:
            out.append(b)
        else:
            out += b"%" + bytes([HEX[b >> 4], HEX[b & 15]])
        i += 1
    return bytes(out)


def remove_dot_segments(path: bytes):
    segments = path[1:].split(b"/")
    out = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == b".":
            if last:
                out.append(b"")
        elif seg == b"..":
            if out:
                out.pop()
            if last:
                out.append(b"")
        else:
            out.append(seg)
    return b"/" + b"/".join(out)


def parse_ipv4(host):
    parts = host.split(".")
    if len(parts) != 4:
        raise Invalid(f"malformed url: host '{host}' ends in a number but is not an IPv4 address")
    for p in parts:
        if not p.isascii() or not p.isdigit() or (len(p) > 1 and p[0] == "0") or int(p) > 255:
            raise Invalid(f"malformed url: host '{host}' ends in a number but is not an IPv4 address")
    return host


def format_ipv6(text):
    if "%" in text:
        raise Invalid("malformed url: IPv6 zone identifiers are not supported")
    if text[:1] in ("v", "V"):
        raise Invalid("malformed url: IPvFuture addresses are not supported")
    try:
        packed = ipaddress.IPv6Address(text).packed
    except ValueError:
        raise Invalid("malformed url: invalid IPv6 address")
    groups = [packed[i] << 8 | packed[i + 1] for i in range(0, 16, 2)]
    best_start, best_len = -1, 0
    i = 0
    while i < 8:
        if groups[i] == 0:
            j = i
            while j < 8 and groups[j] == 0:
                j += 1
            if j - i > best_len and j - i >= 2:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    hexes = ["%x" % g for g in groups]
    if best_start < 0:
        return ":".join(hexes)
    return ":".join(hexes[:best_start]) + "::" + ":".join(hexes[best_start + best_len :])


HOST_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._~")


def normalize_host(host):
    if not host:
        raise Invalid("malformed url: missing host")
    if host.startswith("["):
        if not host.endswith("]"):
            raise Invalid("malformed url: IPv6 address is missing ']'")
        return "[" + format_ipv6(host[1:-1]) + "]"
    if not host.isascii():
        check_repertoire("url", host)
        host = fold(host).replace("\u3002", ".")
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise Invalid("malformed url: missing host")
    labels = host.split(".")
    out = []
    for label in labels:
        if not label:
            raise Invalid("malformed url: host has an empty label")
        if label.isascii():
            for ch in label:
                if ch not in HOST_ASCII:
                    raise Invalid("malformed url: invalid character in host")
            out.append(label)
        else:
            for ch in label:
                if ord(ch) < 0x80 and ch not in HOST_ASCII:
                    raise Invalid("malformed url: invalid character in host")
                if is_white(ch):
                    raise Invalid("malformed url: invalid character in host")
            out.append("xn--" + label.encode("punycode").decode("ascii"))
    last = out[-1]
    if last.isdigit() or (last.startswith("0x") and all(c in "0123456789abcdef" for c in last[2:])):
        parse_ipv4(".".join(out))
    return ".".join(out)


def normalize_url(value):
    value = prepare("url", value)
    for ch in value:
        if is_control(ch):
            raise Invalid(f"malformed url: control character U+{ord(ch):04X}")
    colon = value.find(":")
    scheme = value[:colon].lower() if colon > 0 else ""
    if colon <= 0 or not all(c.isascii() and (c.isalnum() or c in "+-.") for c in scheme) or not scheme[0].isalpha():
        raise Invalid("malformed url: missing scheme")
    if scheme not in ("http", "https"):
        raise Invalid(f"unsupported url scheme '{scheme}'")
    rest = value[colon + 1 :]
    if not rest.startswith("//"):
        raise Invalid("malformed url: expected '//' after")
    rest = rest[2:]
    rest = rest.split("#", 1)[0]
    end = len(rest)
    for i, ch in enumerate(rest):
        if ch in "/?":
            end = i
            break
    authority, rest = rest[:end], rest[end:]
    authority = authority.rsplit("@", 1)[-1]
    port = ""
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise Invalid("malformed url: IPv6 address is missing ']'")
        host, after = authority[: close + 1], authority[close + 1 :]
        if after:
            if not after.startswith(":"):
                raise Invalid("malformed url: unexpected text after IPv6 address")
            port = after[1:]
        has_port = bool(after)
    else:
        host, sep, port = authority.rpartition(":")
        if not sep:
            host, port = authority, ""
    if port:
        if not (port.isascii() and port.isdigit()):
            raise Invalid("malformed url: port is not a number")
        if int(port) > 65535:
            raise Invalid("malformed url: port is out of range")
        port = str(int(port))
        if (scheme, port) in (("http", "80"), ("https", "443")):
            port = ""
    host = normalize_host(host)
    q = rest.find("?")
    path, query = (rest, None) if q < 0 else (rest[:q], rest[q + 1 :])
    path = path or "/"
    path = remove_dot_segments(normalize_escapes(path.encode("utf-8"), PATH_KEEP, "path")).decode("ascii")
    out = scheme + "://" + host + (":" + port if port else "") + path
    if query:
        out += "?" + normalize_escapes(query.encode("utf-8"), QUERY_KEEP, "query").decode("ascii")
    return out


NORMALIZERS = {"seller": normalize_seller, "sku": normalize_sku, "url": normalize_url, "image-pdq": normalize_pdq}


def normalize(kind, value):
    if kind not in NORMALIZERS:
        raise Invalid(f"unknown indicator kind '{kind}'")
    return NORMALIZERS[kind](value)


def digest(secret, kind, normalized):
    if kind == "image-pdq":
        return normalized
    message = ("hallmark/v1/" + kind + "/" + normalized).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def key_id(secret):
    return "k" + hashlib.sha256(b"hallmark/v1/key-id/" + secret).hexdigest()[:16]


def case_value(case):
    if "input_hex" in case:
        raw = bytes.fromhex(case["input_hex"])
        if len(raw) > MAX_INPUT_BYTES:
            raise Invalid(f"{case['kind']} value is {len(raw)} bytes, the limit is {MAX_INPUT_BYTES}")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(f"{case['kind']} value is not valid UTF-8")
    return case["input"]


def check(path):
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    secret = bytes.fromhex(vectors["key"]["secret_hex"])
    failures = 0
    if key_id(secret) != vectors["key"]["id"]:
        print(f"key id: expected {vectors['key']['id']}, computed {key_id(secret)}")
        failures += 1
    count = 0
    for case in vectors["cases"]:
        count += 1
        label = f"{case['kind']} {json.dumps(case.get('input', case.get('input_hex')))}"
        try:
            got = normalize(case["kind"], case_value(case))
        except Invalid as error:
            print(f"FAIL {label}: rejected ({error}), expected {case['normalized']!r}")
            failures += 1
            continue
        if got != case["normalized"]:
            print(f"FAIL {label}: normalized {got!r}, expected {case['normalized']!r}")
            failures += 1
        elif digest(secret, case["kind"], got) != case["digest"]:
            print(f"FAIL {label}: digest {digest(secret, case['kind'], got)}, expected {case['digest']}")
            failures += 1
    for case in vectors["invalid"]:
        count += 1
        label = f"{case['kind']} {json.dumps(case.get('input', case.get('input_hex')))}"
        try:
            got = normalize(case["kind"], case_value(case))
            print(f"FAIL {label}: accepted as {got!r}, expected an error containing {case['error_contains']!r}")
            failures += 1
        except Invalid:
            pass
    print(f"{count} cases checked, {failures} failures (Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version})")
    return failures == 0


def print_case_folding_table():
    keys, values = [], []
    for c in range(0x110000):
        ch = chr(c)
        if unicodedata.category(ch) in ("Cn", "Cs"):
            continue
        folded = ch.casefold()
        if folded == ch:
            continue
        packed = 0
        for i, f in enumerate(folded):
            packed |= ord(f) << (21 * i)
        keys.append(c)
        values.append(packed)

    def rows(items, fmt, per_line):
        lines = []
        for i in range(0, len(items), per_line):
            lines.append("        " + ", ".join(fmt % v for v in items[i : i + per_line]) + ",")
        return "\n".join(lines)

    print(f"""// Generated by `scripts/check-normalization-vectors.py --print-case-folding-table` from Python
// {sys.version.split()[0]}'s Unicode {unicodedata.unidata_version} database (str.casefold: CaseFolding.txt statuses C and F).
// Do not edit by hand.

extension CaseFolding {{
    /// Code points whose full case folding differs from themselves, ascending.
    static let keys: [UInt32] = [
{rows(keys, "0x%05X", 8)}
    ]

    /// The full case folding of each of ``keys``: up to three code points of 21 bits, first in the low bits.
    static let values: [UInt64] = [
{rows(values, "0x%X", 6)}
    ]
}}""")


def print_nfkc_tables():
    def assigned(c):
        return unicodedata.category(chr(c)) not in ("Cn", "Cs")

    decompositions, classes, compositions = [], [], []
    for c in range(0x110000):
        if not assigned(c) or 0xAC00 <= c <= 0xD7A3:  # Hangul syllables decompose algorithmically
            continue
        ch = chr(c)
        if unicodedata.combining(ch):
            classes.append("%X %X" % (c, unicodedata.combining(ch)))
        mapping = unicodedata.decomposition(ch)
        if not mapping:
            continue
        full = unicodedata.normalize("NFKD", ch)
        decompositions.append(" ".join("%X" % ord(x) for x in ch + full))
        parts = mapping.split()
        if not parts[0].startswith("<") and len(parts) == 2:
            pair = "".join(chr(int(x, 16)) for x in parts)
            if unicodedata.normalize("NFC", pair) == ch:  # a primary composite: not excluded
                compositions.append("%s %s %X" % (parts[0], parts[1], c))

    def literal(lines):
        indent = " " * 8
        return '"""\n' + "".join(indent + line + "\n" for line in lines) + indent + '"""'

    print(f"""// Generated by `scripts/check-normalization-vectors.py --print-nfkc-tables` from Python
// {sys.version.split()[0]}'s Unicode {unicodedata.unidata_version} database. Do not edit by hand.
// Each line holds hexadecimal code points; NFKC parses these tables once, on first use.

extension NFKC {{
    /// Full compatibility decompositions, canonically ordered: a code point, then what it decomposes to.
    /// Hangul syllables are left out: they decompose algorithmically.
    static let decompositionLines = {literal(decompositions)}

    /// Non-zero canonical combining classes: a code point, then its class.
    static let combiningClassLines = {literal(classes)}

    /// Primary composites: two code points, then the code point they compose to.
    static let compositionLines = {literal(compositions)}
}}""")


REQUIRED_UNICODE = "14.0.0"


def main():
    # Before any mode: tables or checks from another Unicode version would silently change digests.
    if unicodedata.unidata_version != REQUIRED_UNICODE:
        print(
            f"error: Python {sys.version.split()[0]}'s Unicode database is {unicodedata.unidata_version}, "
            f"Hallmark v1 requires Unicode {REQUIRED_UNICODE}: run this script with Python 3.11",
            file=sys.stderr,
        )
        return 2
    if sys.argv[1:] == ["--print-case-folding-table"]:
        print_case_folding_table()
        return 0
    if sys.argv[1:] == ["--print-nfkc-tables"]:
        print_nfkc_tables()
        return 0
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "Protocol", "test-vectors", "normalization.json")
    return 0 if check(path) else 1


if __name__ == "__main__":
    sys.exit(main())
