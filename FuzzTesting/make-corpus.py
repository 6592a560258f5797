#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses, FuzzTesting/Corpus/<harness>/, from the repository's own files.

    python3 FuzzTesting/make-corpus.py [--hallmark PATH-TO-hallmark-EXECUTABLE]

Sources: Protocol/test-vectors/*.json (entries, checkpoints, identifiers), Certificates/dev (member certificates, and
their keys to sign checkpoints and cosignatures of the development alliance), examples/indicators.csv, and
hand-written documents. With --hallmark (a built `hallmark` command line), also evidence bundles (`init`, `submit`,
`retract`, `audit evidence` in a temporary data folder) and revocation lists signed by the development CA
(`certs revoke`); without it those two corpora are left as they are.

Needs Python's `cryptography` package (for the signatures). Signatures are randomized (ECDSA), so files differ from run
to run; each is valid either way. Existing seed files of the same name are overwritten, others are left alone.
"""
import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "FuzzTesting", "Corpus")
DEV = os.path.join(ROOT, "Certificates", "dev")


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return json.load(f)


def write(harness, name, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- protobuf wire format, enough for hallmark.v1 ---------------------------------------------------------------


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_varint(field, value):
    return varint(field << 3) + varint(value) if value else b""


def pb_bytes(field, value):
    if isinstance(value, str):
        value = value.encode("utf-8")
    return varint(field << 3 | 2) + varint(len(value)) + value if value else b""


# --- the development alliance -------------------------------------------------------------------------------------


def member_key(member):
    with open(os.path.join(DEV, member, "member-key.pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def member_der(member):
    with open(os.path.join(DEV, member, "member.pem"), "rb") as f:
        return x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)


def sign(member, message):
    # OpenSSL writes minimal DER, the canonical form Hallmark requires.
    return member_key(member).sign(message, ec.ECDSA(hashes.SHA256()))


# --- logs ----------------------------------------------------------------------------------------------------------


def leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def subtree_sizes(start, end):
    sizes, position = [], start
    while position < end:
        size = 1 << 63 if position == 0 else position & -position
        while size > end - position:
            size >>= 1
        sizes.append(size)
        position += size
    return sizes


def subtree_hashes(leaves, start, end):
    out, position = [], start
    for size in subtree_sizes(start, end):
        out.append(mth(leaves[position : position + size]))
        position += size
    return out


def checkpoint_body(origin, size, root, time_ms):
    return f"hallmark/v1 checkpoint\norigin {origin}\nsize {size}\nroot {root.hex()}\ntime {time_ms}\n".encode()


def checkpoint_bytes(body, signature):
    return b"\x01" + struct.pack(">H", len(body)) + body + bytes([len(signature)]) + signature


def cosignature_message(cosigner, seconds, body, certificate=True):
    signature = sign(cosigner, f"cosignature/v1\ntime {seconds}\n".encode() + body)
    return (
        pb_bytes(1, cosigner)
        + pb_varint(2, seconds)
        + pb_bytes(3, signature)
        + (pb_bytes(4, member_der(cosigner)) if certificate else b"")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hallmark", help="a built hallmark executable, for evidence bundles and revocation lists")
    args = parser.parse_args()

    entries = load("Protocol/test-vectors/entries.json")
    checkpoints = load("Protocol/test-vectors/checkpoints.json")["checkpoints"]
    entry_bytes = [bytes.fromhex(e["encodedHex"]) for e in entries["valid"]]
    leaves = [leaf(e) for e in entry_bytes]

    # entry: every valid vector, and a few refused ones (near misses are good mutation material).
    for i, data in enumerate(entry_bytes):
        write("entry", f"valid-{i}", data)
    for i, invalid in enumerate(entries["invalid"][:6]):
        write("entry", f"invalid-{i}", bytes.fromhex(invalid["encodedHex"]))

    # checkpoint: the three vectors (sizes 7, 3, 0).
    for c in checkpoints:
        write("checkpoint", f"acme-brand-{c['treeSize']}", bytes.fromhex(c["encodedHex"]))

    # cosignature: of checkpoints.json's checkpoint at size 7 (the one the harness checks against), by members of the
    # development alliance with their certificates; one without a certificate, one naming another member.
    body7 = checkpoints[0]["signedBody"].encode()
    write("cosignature", "brand-b", cosignature_message("brand-b", 1796299265, body7))
    write("cosignature", "market-c", cosignature_message("market-c", 1796299300, body7))
    write("cosignature", "brand-a-no-certificate", cosignature_message("brand-a", 1796299400, body7, False))
    wrong = bytearray(cosignature_message("brand-b", 1796299265, body7))
    write("cosignature", "names-another", pb_bytes(1, "market-c") + bytes(wrong[len(pb_bytes(1, "brand-b")) :]))

    # log-chunk: chunks of the acme-brand log against its checkpoint at 7, from 0 (held: nothing) and from 3 (held:
    # the first 3 entries), whole and with the right subtrees that prove a partial chunk.
    cp7 = bytes.fromhex(checkpoints[0]["encodedHex"])

    def chunk(first, last):
        return (
            pb_varint(1, first)
            + b"".join(pb_bytes(2, e) for e in entry_bytes[first:last])
            + b"".join(pb_bytes(3, h) for h in subtree_hashes(leaves, last, 7))
            + pb_bytes(4, cp7)
        )

    write("log-chunk", "all-from-0", chunk(0, 7))
    write("log-chunk", "first-3-proven", chunk(0, 3))
    write("log-chunk", "first-1-proven", chunk(0, 1))
    write("log-chunk", "rest-from-3", chunk(3, 7))
    write("log-chunk", "two-from-3-proven", chunk(3, 5))

    # origin-head: heads of the development members' logs, their checkpoints signed with their own keys; the log is
    # the acme-brand one re-signed (the harness checks signatures and certificates, not the entries).
    root7 = mth(leaves)
    heads = []
    for origin, size, cosigners in [("brand-a", 7, ["brand-b"]), ("market-c", 3, []), ("brand-b", 7, ["brand-a", "market-c"])]:
        body = checkpoint_body(origin, size, mth(leaves[:size]), 1796299205000)
        head = (
            pb_bytes(1, origin)
            + pb_bytes(2, checkpoint_bytes(body, sign(origin, body)))
            + pb_bytes(3, member_der(origin))
            + b"".join(pb_bytes(4, cosignature_message(c, 1796299265, body)) for c in cosigners)
        )
        heads.append(head)
        write("origin-head", f"{origin}-{size}", head)
    assert root7 == bytes.fromhex(checkpoints[0]["rootHash"]), "the entries vectors do not hash to the checkpoint"

    # fetch-log-request: each request the listener takes, and a GetHeads answer.
    write("fetch-log-request", "fetch-all", pb_bytes(1, "brand-a") + pb_varint(3, 7))
    write("fetch-log-request", "fetch-range", pb_bytes(1, "brand-a") + pb_varint(2, 3) + pb_varint(3, 7) + pb_varint(4, 2))
    write(
        "fetch-log-request",
        "get-heads",
        pb_bytes(1, pb_bytes(1, "brand-a") + pb_varint(2, 7)) + pb_bytes(1, pb_bytes(1, "market-c") + pb_varint(2, 3)) + pb_varint(2, 1),
    )
    write("fetch-log-request", "watch-heads", pb_varint(1, 1))
    write("fetch-log-request", "heads-answer", pb_varint(1, 1) + pb_bytes(2, "brand-b") + b"".join(pb_bytes(3, h) for h in heads[:2]))

    # indicator-file: the example CSV, the same as JSON Lines, an allowlist file.
    with open(os.path.join(ROOT, "examples", "indicators.csv"), "rb") as f:
        csv = f.read()
    write("indicator-file", "indicators.csv", csv)
    lines = [
        {"kind": "seller", "value": "ShopMart:Luxe Outlet 88", "confidence": 95, "reason": "counterfeit", "note": "fake bags"},
        {"kind": "sku", "value": "SM G991B/DS", "confidence": 70, "reason": "grey-import", "expires": "90d"},
        {"kind": "url", "value": "HTTPS://Shop.Example.COM:443/listing/12345?ref=ad#photos"},
        {"kind": "image-pdq", "value": "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22", "expires": "2027-06-01T00:00:00Z"},
    ]
    write("indicator-file", "indicators.jsonl", "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    write("indicator-file", "allowlist.csv", 'kind,value,note\nseller,"ShopMart:Official Store",authorized reseller\nurl,https://brand.example/shop,\n')
    write("indicator-file", "quoted.csv", 'value,kind,note\n"a ""quoted"" seller\nacross lines",seller,"x,y"\r\n')

    # api-bodies: one of each request document.
    for name, document in [
        ("check", {"identifiers": [{"kind": "sku", "value": "LV-M40990"}, {"kind": "seller", "digest": "f400a6f2b3b47a5dc1bb7603a7d94f7501846f4769ce2037acbe65702881d6ce"}]}),
        ("indicators", {"indicators": [{"kind": "url", "value": "http://replica-watches.example/item/%7e77", "confidence": 85, "reason": "counterfeit", "expires": "365d", "note": "seen twice"}]}),
        ("retractions", {"identifiers": [{"kind": "sku", "value": "LV-M40990"}], "note": "false positive"}),
        ("dispute", {"kind": "seller", "value": "bazaar:designer-deals", "origin": "brand-b", "reason": "authorized-reseller", "note": "contract 2026-14"}),
        ("clear-quarantine", {"note": "checked with brand-b's operator"}),
    ]:
        write("api-bodies", name + ".json", json.dumps(document, ensure_ascii=False))
    # ... and binary digest records (POST /v1/check/digests): a seller and an image hash, then an unknown kind code.
    digest = bytes.fromhex("f400a6f2b3b47a5dc1bb7603a7d94f7501846f4769ce2037acbe65702881d6ce")
    write("api-bodies", "digests.bin", b"\x01" + digest + b"\x04" + digest)
    write("api-bodies", "digests-unknown-kind.bin", b"\x02" + digest + b"\x09" + digest)

    # node-config: the documented example, and a small one.
    write(
        "node-config",
        "full.json",
        json.dumps(
            {
                "listen": "0.0.0.0:7400",
                "api": "127.0.0.1:7480",
                "peers": ["brand-b@hallmark.brand-b.example:7400", "market-c@192.0.2.7:7401"],
                "sync_interval_seconds": 30,
                "fetch_idle_timeout_seconds": 30,
                "handshake_timeout_seconds": 10,
                "max_connections_per_address": 64,
                "max_connections": 512,
                "api_tls_certificate": "/etc/hallmark/api.pem",
                "api_tls_key": "api-key.pem",
            },
            indent=2,
        ),
    )
    write("node-config", "loopback.json", '{"listen": "0.0.0.0:7400", "api": "127.0.0.1:8080", "peers": ["brand-b@127.0.0.1:7401"], "sync_interval_seconds": 5}')
    write("node-config", "ipv6-refused.json", '{"listen": "[::]:7400", "peers": []}')

    # filter-snapshot: snapshots of 1 and 4 blocks (Protocol/filter-snapshot.md).
    for blocks, inserted in [(1, 0), (1, 3), (4, 40)]:
        words = bytes((i * 37 + blocks) & 0xFF for i in range(32 * blocks)) if inserted else bytes(32 * blocks)
        head = b"HMSBBF\r\n" + struct.pack("<IIQQQ", 1, 0, 0x5EED0000 + blocks, blocks, inserted) + hashlib.sha256(b"tag").digest()
        checksum = hashlib.sha256(head + words).digest()
        write("filter-snapshot", f"blocks-{blocks}-inserted-{inserted}", head + checksum + words)

    # identifier: normalization vectors, a few of each kind, valid and refused.
    normalization = load("Protocol/test-vectors/normalization.json")
    taken = {}
    for case in normalization["cases"] + normalization["invalid"]:
        kind = case["kind"]
        key = (kind, "error_contains" in case)
        if taken.get(key, 0) >= (6 if not key[1] else 2):
            continue
        taken[key] = taken.get(key, 0) + 1
        write("identifier", f"{kind}-{'invalid' if key[1] else 'valid'}-{taken[key]}", case["input"])

    if args.hallmark:
        from_command_line(os.path.abspath(args.hallmark))


def from_command_line(hallmark):
    """Evidence bundles and revocation lists, made with the hallmark command line from the development alliance."""
    work = tempfile.mkdtemp(prefix="hallmark-corpus-")
    try:

        def run(*arguments):
            subprocess.run([hallmark, *arguments], check=True, stdout=subprocess.DEVNULL)

        data = os.path.join(work, "data")
        run(
            "init", "--data", data,
            "--member-cert", os.path.join(DEV, "brand-a", "member.pem"),
            "--member-key", os.path.join(DEV, "brand-a", "member-key.pem"),
            "--alliance-ca", os.path.join(DEV, "ca.pem"),
            "--alliance-key", os.path.join(DEV, "alliance.key"),
        )
        run("submit", "--data", data, "sku", "EVIDENCE-1", "--note", "seized 3 units")
        run("submit", "--data", data, "seller", "bazaar:Designer-Deals", "--confidence", "80")
        run("submit", "--data", data, "sku", "EVIDENCE-2")
        run("retract", "--data", data, "sku", "EVIDENCE-2")
        for kind, value, name in [("sku", "evidence-1", "one-entry"), ("sku", "evidence-2", "retracted"), ("seller", "bazaar:designer-deals", "seller")]:
            out = os.path.join(work, name + ".json")
            run("audit", "evidence", "--data", data, kind, value, "--out", out)
            with open(out, "rb") as f:
                write("evidence-bundle", name + ".json", f.read())

        alliance = os.path.join(work, "alliance")
        os.makedirs(alliance)
        for name in ["ca.pem", "ca-key.pem"]:
            shutil.copy(os.path.join(DEV, name), alliance)
        pem = os.path.join(alliance, "revocations.pem")
        for member, reason in [("market-c", "keyCompromise"), ("brand-b", "superseded")]:
            run(
                "certs", "revoke", "--alliance", alliance,
                "--member-cert", os.path.join(DEV, member, "member.pem"),
                "--reason", reason, "--time", "2026-11-01T12:00:00Z",
            )
            with open(pem, "rb") as f:
                text = f.read()
            write("revocation-list", f"{member}.pem", text)
            der = x509.load_pem_x509_crl(text).public_bytes(serialization.Encoding.DER)
            write("revocation-list", f"{member}.der", der)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
