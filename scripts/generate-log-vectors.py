#!/usr/bin/env python3
# Independent generator of Hallmark log test vectors
# (Protocol/test-vectors/{entries,merkle,checkpoints,cosignatures}.json),
# written from Protocol/log-format.md rather than from the Swift code, so the two check each other.
# Usage: scripts/generate-log-vectors.py OUTPUT_DIR   (needs the Python package cryptography)
import hashlib, json, struct, datetime, sys
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes, serialization

OUT = sys.argv[1]

def sha(b): return hashlib.sha256(b).digest()
def leaf(b): return sha(b"\x00" + b)
def node(l, r): return sha(b"\x01" + l + r)

def mth(d):
    n = len(d)
    if n == 0: return sha(b"")
    if n == 1: return leaf(d[0])
    k = 1
    while k * 2 < n: k *= 2
    return node(mth(d[:k]), mth(d[k:]))

def path(m, d):
    n = len(d)
    if n <= 1: return []
    k = 1
    while k * 2 < n: k *= 2
    if m < k: return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]

def subproof(m, d, b):
    n = len(d)
    if m == n: return [] if b else [mth(d)]
    k = 1
    while k * 2 < n: k *= 2
    if m <= k: return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]

def proof(m, d):
    if m == 0 or m == len(d): return []
    return subproof(m, d, True)

def ms(iso):
    dt = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp() * 1000 + 0.5) if False else (int(dt.timestamp()) * 1000 + dt.microsecond // 1000)

ACTIONS = {"assert": 1, "retract": 2, "dispute": 3}

def short(s):
    b = s.encode()
    assert len(b) < 256
    return bytes([len(b)]) + b

def encode(e):
    out = bytes([1])
    out += short(e["origin"])
    out += struct.pack(">Q", e["index"])
    out += struct.pack(">q", ms(e["time"]))
    out += bytes([ACTIONS[e["action"]]])
    out += short(e["kind"])
    out += bytes.fromhex(e["digest"])
    out += short(e["keyID"])
    out += bytes([e["confidence"]])
    out += short(e["reason"])
    if e.get("expires") is None: out += b"\x00"
    else: out += b"\x01" + struct.pack(">q", ms(e["expires"]))
    note = e["note"].encode()
    out += struct.pack(">H", len(note)) + note
    if e.get("disputedOrigin") is None: out += b"\x00"
    else: out += b"\x01" + short(e["disputedOrigin"])
    return out

def d(label): return sha(("hallmark test digest: " + label).encode()).hex()

KEY = "k3f9a0c27b1d4e856"
entries = [
    dict(origin="acme-brand", index=0, time="2026-11-29T04:40:30.123Z", action="assert", kind="seller",
         digest=d("seller shopmart:cheap-watches-4u"), keyID=KEY, confidence=95, reason="counterfeit.confirmed",
         expires="2027-11-29T00:00:00.000Z", note="Test purchase 2026-11-12, case 4411", disputedOrigin=None),
    dict(origin="acme-brand", index=1, time="2026-11-29T04:41:00.000Z", action="assert", kind="sku",
         digest=d("sku ACM-9931-X"), keyID=KEY, confidence=70, reason="counterfeit.suspected",
         expires=None, note="", disputedOrigin=None),
    dict(origin="acme-brand", index=2, time="2026-11-29T05:00:00.500Z", action="assert", kind="url",
         digest=d("url https://shopmart.example/item/123"), keyID=KEY, confidence=88, reason="counterfeit.listing",
         expires="2026-12-31T23:59:59.999Z", note="Fälschung – 偽物 ✓", disputedOrigin=None),
    dict(origin="acme-brand", index=3, time="2026-11-30T00:00:00.000Z", action="assert", kind="image-pdq",
         digest="f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", keyID="", confidence=60,
         reason="counterfeit.image", expires=None, note="logo variant", disputedOrigin=None),
    dict(origin="acme-brand", index=4, time="2026-12-01T08:15:00.000Z", action="retract", kind="sku",
         digest=d("sku ACM-9931-X"), keyID=KEY, confidence=0, reason="", expires=None,
         note="genuine grey-market stock", disputedOrigin=None),
    dict(origin="acme-brand", index=5, time="2026-12-02T10:00:00.001Z", action="dispute", kind="seller",
         digest=d("seller shopmart:authorized-reseller-17"), keyID=KEY, confidence=90, reason="false-positive.authorized",
         expires=None, note="authorized reseller since 2019", disputedOrigin="globex-market"),
    dict(origin="acme-brand", index=6, time="2026-12-03T12:00:00.000Z", action="assert", kind="phone-number",
         digest=d("phone-number +1 555 0100"), keyID=KEY, confidence=50, reason="counterfeit.contact",
         expires=None, note="a kind this node version does not know", disputedOrigin=None),
]

valid = []
encs = []
for e in entries:
    b = encode(e)
    encs.append(b)
    v = dict(e)
    v["timeMs"] = ms(e["time"])
    v["expiresMs"] = ms(e["expires"]) if e.get("expires") else None
    v["encodedHex"] = b.hex()
    v["leafHash"] = leaf(b).hex()
    valid.append(v)

# Invalid encodings: each is a valid one with one defect; decoders must refuse it, naming the field.
def replace(b, offset, new): return b[:offset] + new + b[offset:]
e0 = encs[0]
o_index = 1 + 1 + len("acme-brand")
o_time = o_index + 8
o_action = o_time + 8
o_kind = o_action + 1
o_digest = o_kind + 1 + len("seller")
o_key = o_digest + 32
o_conf = o_key + 1 + len(KEY)
o_reason = o_conf + 1
o_exp = o_reason + 1 + len("counterfeit.confirmed")
o_note = o_exp + 9
note0 = "Test purchase 2026-11-12, case 4411".encode()
o_disp = o_note + 2 + len(note0)
assert o_disp == len(e0) - 1
def sub(b, offset, length, new): return b[:offset] + new + b[offset + length:]
invalid = [
    ("empty input", b"", "version"),
    ("unknown format version 2", sub(e0, 0, 1, b"\x02"), "version"),
    ("truncated inside the digest", e0[:o_digest + 10], "digest"),
    ("truncated before the disputed-origin presence byte", e0[:-1], "disputedOrigin"),
    ("one trailing byte", e0 + b"\x00", None),
    ("origin with an upper-case letter", sub(e0, 2, 1, b"A"), "origin"),
    ("empty origin", sub(e0, 1, 1 + len("acme-brand"), b"\x00"), "origin"),
    ("time before 1970", sub(e0, o_time, 8, struct.pack(">q", -1)), "time"),
    ("action byte 0", sub(e0, o_action, 1, b"\x00"), "action"),
    ("action byte 4", sub(e0, o_action, 1, b"\x04"), "action"),
    ("kind with an upper-case letter", sub(e0, o_kind + 1, 1, b"S"), "kind"),
    ("empty kind", sub(e0, o_kind, 1 + len("seller"), b"\x00"), "kind"),
    ("key id missing for a keyed kind", sub(e0, o_key, 1 + len(KEY), b"\x00"), "keyID"),
    ("key id longer than 64 bytes", sub(e0, o_key, 1 + len(KEY), bytes([65]) + b"k" * 65), "keyID"),
    ("confidence 101", sub(e0, o_conf, 1, bytes([101])), "confidence"),
    ("reason missing for an assertion", sub(e0, o_reason, 1 + len("counterfeit.confirmed"), b"\x00"), "reason"),
    ("reason with a space", sub(e0, o_reason + 1, 1, b" "), "reason"),
    ("expiry presence byte 2", sub(e0, o_exp, 1, b"\x02"), "expires"),
    ("expiry not after the time", sub(e0, o_exp + 1, 8, struct.pack(">q", ms(entries[0]["time"]))), "expires"),
    ("note length over 280", sub(e0, o_note, 2, struct.pack(">H", 281)), "note"),
    ("note with a line feed", sub(e0, o_note + 2, 1, b"\n"), "note"),
    ("note with a C1 control (U+0085)", sub(e0, o_note + 2, 2, b"\xc2\x85"), "note"),
    ("note with invalid UTF-8", sub(e0, o_note + 2, 1, b"\xff"), "note"),
    ("note length pointing past the end", sub(e0, o_note, 2, struct.pack(">H", 200)), "note"),
    ("disputed origin on an assertion", e0[:-1] + b"\x01" + short("globex-market"), "disputedOrigin"),
    ("disputed-origin presence byte 2", e0[:-1] + b"\x02", "disputedOrigin"),
    ("dispute without a disputed origin", sub(encs[5], len(encs[5]) - 1 - len(short("globex-market")), 1 + len(short("globex-market")), b"\x00"), "disputedOrigin"),
    ("dispute of the origin's own assertion", encs[5][:len(encs[5]) - len(short("globex-market"))] + short("acme-brand"), "disputedOrigin"),
    ("key id on an image-pdq entry", sub(encs[3], 1 + 11 + 16 + 1 + 1 + len("image-pdq") + 32, 1, bytes([len(KEY)]) + KEY.encode()), "keyID"),
]
bad = []
for why, b, field in invalid:
    bad.append({"description": why, "encodedHex": b.hex(), "field": field})

with open(OUT + "/entries.json", "w") as f:
    json.dump({
        "description": "Hallmark log entries (format version 1, see Protocol/log-format.md): fields, their canonical "
                       "encoding and RFC 9162 leaf hash SHA-256(0x00 || encoding). Digests are arbitrary test values. "
                       "'invalid' encodings must each be refused; 'field' names the field at fault (null: the entry as a whole).",
        "valid": valid,
        "invalid": bad,
    }, f, indent=2, ensure_ascii=False)
    f.write("\n")

# Merkle vectors over the valid entries, all sizes.
def frontier(d):
    hs = []
    start = 0
    size = len(d)
    for level in range(63, -1, -1):
        if size >> level & 1:
            hs.append(mth(d[start:start + (1 << level)]))
            start += 1 << level
    return (b"\x01" + struct.pack(">Q", size) + b"".join(hs)).hex()
n = len(encs)
merkle = {
    "description": "RFC 9162 Merkle tree over the encodings of entries.json 'valid' entries, in order. roots[s] is the "
                   "root of the first s leaves; every inclusion and consistency proof of every size; frontiers[s] is "
                   "the encoded compact state (version 0x01, size as 8 big-endian bytes, the maximal complete subtree "
                   "hashes largest first). The 'reference' section is the published 8-leaf test tree of RFC 6962 "
                   "implementations (certificate-transparency, transparency-dev/merkle testonly and proof tests).",
    "entries": {
        "leafHashes": [leaf(b).hex() for b in encs],
        "roots": [mth(encs[:s]).hex() for s in range(n + 1)],
        "inclusionProofs": [
            {"leafIndex": i, "treeSize": s, "path": [h.hex() for h in path(i, encs[:s])]}
            for s in range(1, n + 1) for i in range(s)
        ],
        "consistencyProofs": [
            {"oldSize": m, "newSize": s, "path": [h.hex() for h in proof(m, encs[:s])]}
            for s in range(0, n + 1) for m in range(0, s + 1)
        ],
    },
}
merkle["entries"]["frontiers"] = [frontier(encs[:s]) for s in range(n + 1)]

ref_inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ref_leaves = [bytes.fromhex(x) for x in ref_inputs]
merkle["reference"] = {
    "leafInputs": ref_inputs,
    "roots": [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ],
    "inclusionProofs": [
        {"leafIndex": 0, "treeSize": 8, "path": [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]},
        {"leafIndex": 5, "treeSize": 8, "path": [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]},
        {"leafIndex": 2, "treeSize": 3, "path": [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]},
        {"leafIndex": 1, "treeSize": 5, "path": [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]},
        {"leafIndex": 0, "treeSize": 1, "path": []},
    ],
    "consistencyProofs": [
        {"oldSize": 1, "newSize": 1, "path": []},
        {"oldSize": 1, "newSize": 8, "path": [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]},
        {"oldSize": 6, "newSize": 8, "path": [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]},
        {"oldSize": 2, "newSize": 5, "path": [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]},
        {"oldSize": 6, "newSize": 7, "path": [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]},
    ],
}
# Published node hashes (level, then position) and compact ranges of the reference tree (transparency-dev/merkle
# testonly NodeHashes and CompactTrees).
NH = [
    ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"],
    ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"],
    ["d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
merkle["reference"]["nodeHashes"] = NH
merkle["reference"]["compactRanges"] = [
    [], [NH[0][0]], [NH[1][0]], [NH[1][0], NH[0][2]], [NH[2][0]], [NH[2][0], NH[0][4]],
    [NH[2][0], NH[1][2]], [NH[2][0], NH[1][2], NH[0][6]], [NH[3][0]],
]
for level, row in enumerate(NH):
    for i, h in enumerate(row):
        assert mth(ref_leaves[i << level:(i + 1) << level]).hex() == h
for s in range(9):
    assert frontier(ref_leaves[:s])[18:] == "".join(merkle["reference"]["compactRanges"][s]), s
# Cross-check the independent reference implementation against the published values.
for s in range(9):
    assert mth(ref_leaves[:s]).hex() == merkle["reference"]["roots"][s], s
for p in merkle["reference"]["inclusionProofs"]:
    assert [h.hex() for h in path(p["leafIndex"], ref_leaves[:p["treeSize"]])] == p["path"], p
for p in merkle["reference"]["consistencyProofs"]:
    assert [h.hex() for h in proof(p["oldSize"], ref_leaves[:p["newSize"]])] == p["path"], p

with open(OUT + "/merkle.json", "w") as f:
    json.dump(merkle, f, indent=2)
    f.write("\n")

# Checkpoints, signed with a fixed test key (never a real member's).
n_order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
scalar = int.from_bytes(sha(b"hallmark test-vector checkpoint key (public, never use for anything real)"), "big") % n_order
key = ec.derive_private_key(scalar, ec.SECP256R1())
pub = key.public_key()
pem = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
x963 = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint).hex()

def body(origin, size, root, t):
    return f"hallmark/v1 checkpoint\norigin {origin}\nsize {size}\nroot {root}\ntime {t}\n".encode()

cps = []
for size, t in [(n, ms("2026-12-03T12:00:05.000Z")), (3, ms("2026-11-29T05:00:01.000Z")), (0, ms("2026-11-29T00:00:00.000Z"))]:
    root = mth(encs[:size]).hex()
    b = body("acme-brand", size, root, t)
    sig = key.sign(b, ec.ECDSA(hashes.SHA256()))
    enc = b"\x01" + struct.pack(">H", len(b)) + b + bytes([len(sig)]) + sig
    cps.append({"origin": "acme-brand", "treeSize": size, "rootHash": root, "timeMs": t,
                "signedBody": b.decode(), "signatureHex": sig.hex(), "encodedHex": enc.hex()})

with open(OUT + "/checkpoints.json", "w") as f:
    json.dump({
        "description": "Checkpoints of the entries.json log signed with a fixed P-256 TEST key (ECDSA, SHA-256, DER "
                       "signature over signedBody). The private key is published on purpose: it is for tests only. "
                       "encodedHex = 0x01, body length (2 bytes big-endian), body, signature length (1 byte), signature.",
        "testKey": {
            "privateKeyRawHex": scalar.to_bytes(32, "big").hex(),
            "publicKeyPEM": pem,
            "publicKeyX963Hex": x963,
        },
        "checkpoints": cps,
    }, f, indent=2)
    f.write("\n")

# Cosignatures (log-format.md §5) of those checkpoints' bodies, by a second fixed test key. RFC 6979 deterministic
# ECDSA, so that regenerating gives the same bytes (any valid ECDSA signature verifies the same way).
w_scalar = int.from_bytes(sha(b"hallmark test-vector cosigner key (public, never use for anything real)"), "big") % n_order
w_key = ec.derive_private_key(w_scalar, ec.SECP256R1())
w_pub = w_key.public_key()
cosigs = []
for c, seconds in [(cps[0], 1796299265), (cps[1], 1795928461), (cps[2], 0)]:
    message = f"cosignature/v1\ntime {seconds}\n".encode() + c["signedBody"].encode()
    sig = w_key.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    cosigs.append({"cosigner": "globex-market", "timeSeconds": seconds, "checkpointSignedBody": c["signedBody"],
                   "signedMessage": message.decode(), "signatureHex": sig.hex()})

with open(OUT + "/cosignatures.json", "w") as f:
    json.dump({
        "description": "Cosignatures (cosignature/v1 with P-256: ECDSA, SHA-256, DER signature over "
                       "'cosignature/v1\\ntime <seconds>\\n' followed by the checkpoint's signed body) of the "
                       "checkpoints.json bodies, by a fixed P-256 TEST key, published on purpose: for tests only. "
                       "Signatures are RFC 6979 deterministic.",
        "testKey": {
            "privateKeyRawHex": w_scalar.to_bytes(32, "big").hex(),
            "publicKeyPEM": w_pub.public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        },
        "cosignatures": cosigs,
    }, f, indent=2)
    f.write("\n")
print("ok")
