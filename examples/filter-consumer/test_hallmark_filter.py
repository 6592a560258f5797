"""Tests of hallmark_filter.py, self-contained: every file is built here from Protocol/member-filter.md, signed with
a fresh P-256 key. Run from this folder: `python3 -m unittest` (Python 3.11)."""

import datetime
import hashlib
import hmac
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import hallmark_filter as hf  # noqa: E402

# --- an independent writer, from the specification ------------------------------------------------------------------

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1


def mul64x64(a, b):
    """(high, low) 64-bit halves of a × b, by 32-bit schoolbook multiplication (no big integers beyond 64 bits)."""
    a_lo, a_hi, b_lo, b_hi = a & M32, a >> 32, b & M32, b >> 32
    ll, lh, hl, hh = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    middle = (ll >> 32) + (lh & M32) + (hl & M32)
    low = ((middle & M32) << 32) | (ll & M32)
    high = (hh + (lh >> 32) + (hl >> 32) + (middle >> 32)) & M64
    return high, low


def ref_fold(a, b):
    high, low = mul64x64(a, b)
    return high ^ low


def ref_hash(digest, seed):
    w = [int.from_bytes(digest[8 * i : 8 * i + 8], "big") for i in range(4)]
    k0 = seed ^ 0x243F6A8885A308D3
    k1 = mul64x64(seed, 0x9E3779B97F4A7C15)[1] ^ 0x13198A2E03707344
    k2 = k0 ^ 0xA4093822299F31D0
    k3 = k1 ^ 0x082EFA98EC4E6C89
    left = ref_fold(w[0] ^ k0, w[1] ^ k1)
    right = ref_fold(w[2] ^ k2, w[3] ^ k3)
    return ref_fold(left ^ 0x452821E638D01377, right ^ seed ^ 0xBE5466CF34E90C6C)


SALTS = [0x47B6137B, 0x44974D91, 0x8824AD5B, 0xA2B7289D, 0x705495C7, 0x2DF1424B, 0x9EFC4947, 0x5C6BFB31]


def bit_positions(h, block_count):
    """(byte offset, bit in that byte) of the eight bits of a hash: word i of block b at 32b + 4i, little-endian."""
    block = ((h >> 32) * block_count) >> 32
    key = h & M32
    out = []
    for i, salt in enumerate(SALTS):
        bit = ((key * salt) & M32) >> 27
        out.append((32 * block + 4 * i + bit // 8, bit % 8))
    return out


def insert(words, block_count, seed, digest):
    for byte, bit in bit_positions(ref_hash(digest, seed), block_count):
        words[byte] |= 1 << bit


def name_field(text):
    raw = text.encode("ascii")
    return bytes([len(raw)]) + raw


def build(
    private_key,
    *,
    type=0,
    kinds=0b1111,
    seed=0x0123456789ABCDEF,
    block_count=4,
    digest_count=0,
    created=1_767_225_600_000,
    base=bytes(32),
    words=None,
    words_hash=None,
    changes=None,
    member="test-member",
    key_id="k0000000000000000",
    version=1,
    reserved=0,
    magic=b"HMFILT\r\n",
    change_count=None,
    signature=None,
    signature_length=None,
    trailing=b"",
):
    if type == 0:
        if words is None:
            words = bytes(32 * block_count)
        body = bytes(words)
    else:
        changes = changes or []
        body = struct.pack("<Q", len(changes) if change_count is None else change_count)
        for index, block in changes:
            body += struct.pack("<I", index) + bytes(block)
    if words_hash is None:
        words_hash = hashlib.sha256(words).digest()
    header = (
        magic
        + struct.pack("<HBBI", version, type, kinds, reserved)
        + struct.pack("<QQQQ", seed, block_count, digest_count, created)
        + base
        + words_hash
        + name_field(member)
        + name_field(key_id)
    )
    signed = header + body
    if signature is None:
        signature = private_key.sign(signed, ec.ECDSA(hashes.SHA256()))
    length = len(signature) if signature_length is None else signature_length
    return signed + struct.pack("<H", length) + signature + trailing


def make_certificate(private_key, member="test-member", issuer_key=None, issuer_name=None):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Member {member}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name or name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.UniformResourceIdentifier(f"hallmark://member/{member}")]
            ),
            critical=False,
        )
    )
    return builder.sign(issuer_key or private_key, hashes.SHA256())


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_file_text(secret, ca=None, id_=None):
    lines = ["hallmark-alliance-key v1", "# test key", f"id: {id_ or hf.key_id(secret)}"]
    if ca:
        lines.append(f"ca: {ca.hex()}")
    lines.append(f"secret: {secret.hex()}")
    return "\n".join(lines) + "\n"


def hmac_digest(secret, kind, normalized):
    return hmac.new(secret, f"hallmark/v1/{kind}/{normalized}".encode(), hashlib.sha256).digest()


class Fixture:
    """A member, an alliance key and a few listed identifiers."""

    def __init__(self, block_count=64, seed=0xDEADBEEF01234567, kinds=0b1111):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.certificate = make_certificate(self.private_key)
        self.pem = pem(self.certificate)
        self.secret = bytes(range(1, 33))
        self.key = hf.AllianceKey(self.secret)
        self.block_count, self.seed, self.kinds = block_count, seed, kinds

    def words_for(self, digests):
        words = bytearray(32 * self.block_count)
        for d in digests:
            insert(words, self.block_count, self.seed, d)
        return words

    def full(self, digests, **overrides):
        fields = dict(
            seed=self.seed,
            block_count=self.block_count,
            kinds=self.kinds,
            key_id=self.key.id,
            digest_count=len(digests),
            words=self.words_for(digests),
        )
        fields.update(overrides)
        return build(self.private_key, **fields)

    def delta(self, old_digests, new_digests, **overrides):
        old, new = self.words_for(old_digests), self.words_for(new_digests)
        changes = [
            (b, new[32 * b : 32 * b + 32]) for b in range(self.block_count) if old[32 * b : 32 * b + 32] != new[32 * b : 32 * b + 32]
        ]
        fields = dict(
            type=1,
            seed=self.seed,
            block_count=self.block_count,
            kinds=self.kinds,
            key_id=self.key.id,
            digest_count=len(new_digests),
            base=hashlib.sha256(old).digest(),
            words=new,
            changes=changes,
        )
        fields.update(overrides)
        return build(self.private_key, **fields)


# Identifiers: (kind, raw value, normalized form)
LISTED = [
    ("seller", "eBay : Acme  Outlet", "ebay:acme outlet"),
    ("sku", " LV.M.40990 ", "lvm40990"),
    ("url", "HTTPS://Counterfeit.Example:443/a/./b/../bag?x=1#frag", "https://counterfeit.example/a/bag?x=1"),
    ("image-pdq", "AB" * 32, "ab" * 32),
]


def digest_of(secret, kind, normalized):
    if kind == "image-pdq":
        return bytes.fromhex(normalized)
    return hmac_digest(secret, kind, normalized)


# --- tests -----------------------------------------------------------------------------------------------------------


class HashTests(unittest.TestCase):
    def test_fold_against_schoolbook(self):
        rng = random.Random(1)
        for a, b in [(M64, M64), (0, M64), (1 << 63, 2), (M64, 2)] + [(rng.getrandbits(64), rng.getrandbits(64)) for _ in range(200)]:
            self.assertEqual(hf._fold(a, b), ref_fold(a, b))

    def test_known_values(self):
        # Worked through by hand (products with bc(1)) from §2 step 3, for the zero digest and seed 0: the words are
        # 0 and seed × 0x9E37… is 0, so k0 = 0x243F6A8885A308D3, k1 = 0x13198A2E03707344, k2 = k0 ⊕ 0xA409… =
        # 0x803652AAAC3C3903, k3 = k1 ⊕ 0x082E… = 0x1B3770B6EF3E1FCD.
        self.assertEqual(0x243F6A8885A308D3 * 0x13198A2E03707344, 0x02B452AA3C8F8D75_BEA754A41195210C)
        self.assertEqual(mul64x64(0x243F6A8885A308D3, 0x13198A2E03707344), (0x02B452AA3C8F8D75, 0xBEA754A41195210C))
        left = 0x02B452AA3C8F8D75 ^ 0xBEA754A41195210C
        self.assertEqual(left, 0xBC13060E2D1AAC79)
        self.assertEqual(0x803652AAAC3C3903 * 0x1B3770B6EF3E1FCD, 0x0DA17ED725709FE6_F80BA578D2DB0467)
        right = 0x0DA17ED725709FE6 ^ 0xF80BA578D2DB0467
        self.assertEqual(right, 0xF5AADBAFF7AB9B81)
        self.assertEqual(left ^ 0x452821E638D01377, 0xF93B27E815CABF0E)
        self.assertEqual(right ^ 0 ^ 0xBE5466CF34E90C6C, 0x4BFEBD60C34297ED)
        self.assertEqual(0xF93B27E815CABF0E * 0x4BFEBD60C34297ED, 0x49FC55C1776638D0_37B5DFC3AF0021F6)
        expected = 0x49FC55C1776638D0 ^ 0x37B5DFC3AF0021F6
        self.assertEqual(expected, 0x7E498A02D8661926)
        self.assertEqual(ref_hash(bytes(32), 0), expected)
        self.assertEqual(hf.hash64(bytes(32), 0), expected)
        # A digest with every byte distinct and a seed whose product with 0x9E37… wraps, so that a change shows.
        d = bytes(range(32))
        self.assertEqual(hf.hash64(d, 0x0123456789ABCDEF), ref_hash(d, 0x0123456789ABCDEF))
        self.assertEqual(hf.hash64(d, 0x0123456789ABCDEF), 0x30AE5C65355527EA)

    def test_big_endian_digest_words_and_wraparound(self):
        rng = random.Random(2)
        for _ in range(500):
            d = rng.randbytes(32)
            seed = rng.choice([0, M64, 1 << 63, rng.getrandbits(64)])
            self.assertEqual(hf.hash64(d, seed), ref_hash(d, seed))
        # Big-endian: swapping bytes inside a group changes the hash.
        d = bytes(range(32))
        swapped = d[7::-1] + d[8:]
        self.assertNotEqual(hf.hash64(d, 5), hf.hash64(swapped, 5))

    def test_probe_matches_hash_and_bits(self):
        fx = Fixture(block_count=3)
        rng = random.Random(3)
        for _ in range(50):
            d = rng.randbytes(32)
            f = hf.MemberFilter.load(fx.full([d]), fx.pem, fx.key)
            self.assertTrue(f.may_contain_digest("sku", d))
            # Clearing any one of its eight bits makes it absent.
            positions = bit_positions(ref_hash(d, fx.seed), fx.block_count)
            byte, bit = positions[rng.randrange(8)]
            words = bytearray(f.words)
            words[byte] &= ~(1 << bit)
            f2 = hf.MemberFilter.load(fx.full([], words=words), fx.pem, fx.key)
            self.assertFalse(f2.may_contain_digest("sku", d))

    def test_probe_reads_little_endian_words(self):
        # Set, byte by byte, the bits §2 step 4 names for one hash; a reader with big-endian words would miss them.
        fx = Fixture(block_count=1)
        d = bytes(32)
        words = bytearray(32)
        for byte, bit in bit_positions(ref_hash(d, fx.seed), 1):
            words[byte] |= 1 << bit
        f = hf.MemberFilter.load(fx.full([], words=words), fx.pem, fx.key)
        self.assertTrue(f.may_contain_digest("seller", d))
        swapped = b"".join(words[i : i + 4][::-1] for i in range(0, 32, 4))
        # Each word holds one bit; reversing its bytes moves that bit to another byte, so the probe misses it.
        f = hf.MemberFilter.load(fx.full([], words=swapped), fx.pem, fx.key)
        self.assertFalse(f.may_contain_digest("seller", d))


class KeyTests(unittest.TestCase):
    def test_dev_key_file(self):
        key = hf.AllianceKey.from_file(os.path.join(ROOT, "Certificates", "dev", "alliance.key"))
        self.assertEqual(key.id, "k398c5edc6a01d93b")
        self.assertEqual(len(key.secret), 32)
        self.assertNotIn(key.secret.hex(), repr(key))

    def test_id_mismatch(self):
        with self.assertRaisesRegex(hf.KeyFileError, "id"):
            hf.AllianceKey.parse(key_file_text(bytes(32), id_="k0000000000000000"))

    def test_malformed(self):
        for text in ["", "hallmark-alliance-key v2\n", "hallmark-alliance-key v1\nid: k\n", "hallmark-alliance-key v1\nid: k\nsecret: zz\n"]:
            with self.assertRaises(hf.KeyFileError):
                hf.AllianceKey.parse(text)

    def test_dev_ca_fingerprint(self):
        key = hf.AllianceKey.from_file(os.path.join(ROOT, "Certificates", "dev", "alliance.key"))
        hf._check_issued_by_ca(
            hf._load_certificate(os.path.join(ROOT, "Certificates", "dev", "brand-a", "member.pem"), "member"),
            hf._load_certificate(os.path.join(ROOT, "Certificates", "dev", "ca.pem"), "ca"),
            key,
        )


class NormalizationTests(unittest.TestCase):
    def test_vectors_through_the_reused_script(self):
        path = os.path.join(ROOT, "Protocol", "test-vectors", "normalization.json")
        with open(path, encoding="utf-8") as f:
            vectors = json.load(f)
        secret = bytes.fromhex(vectors["key"]["secret_hex"])
        self.assertEqual(hf.key_id(secret), vectors["key"]["id"])
        for case in vectors["cases"]:
            raw = bytes.fromhex(case["input_hex"]) if "input_hex" in case else case["input"]
            normalized = hf.normalize(case["kind"], raw)
            self.assertEqual(normalized, case["normalized"])
            self.assertEqual(hf.digest(secret, case["kind"], normalized).hex(), case["digest"])
        for case in vectors["invalid"]:
            if case["kind"] not in hf.KINDS:
                continue
            raw = bytes.fromhex(case["input_hex"]) if "input_hex" in case else case["input"]
            with self.assertRaises(hf.InvalidIdentifier):
                hf.normalize(case["kind"], raw)

    def test_listed_examples(self):
        for kind, raw, normalized in LISTED:
            self.assertEqual(hf.normalize(kind, raw), normalized)


class LoadTests(unittest.TestCase):
    def setUp(self):
        self.fx = Fixture()
        self.digests = [digest_of(self.fx.secret, k, n) for k, _, n in LISTED]

    def load(self, data):
        return hf.MemberFilter.load(data, self.fx.pem, self.fx.key)

    def test_load_and_query(self):
        f = self.load(self.fx.full(self.digests))
        self.assertEqual(f.kinds, hf.KINDS)
        self.assertEqual((f.member, f.key_id, f.digest_count, f.seed), ("test-member", self.fx.key.id, 4, self.fx.seed))
        for kind, raw, _ in LISTED:
            self.assertTrue(f.may_contain(kind, raw), (kind, raw))
        self.assertFalse(f.may_contain("seller", "someone-else"))  # 64 blocks, 4 digests: a false positive is ~0
        self.assertFalse(f.may_contain("image-pdq", "cd" * 32))
        with self.assertRaises(hf.InvalidIdentifier):
            f.may_contain("url", "ftp://example.com/")
        with self.assertRaises(hf.KindError):
            f.may_contain("colour", "red")

    def test_load_from_path_and_chain(self):
        other = make_certificate(ec.generate_private_key(ec.SECP256R1()), member="other")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "full.hmf")
            with open(path, "wb") as out:
                out.write(self.fx.full(self.digests))
            cert = os.path.join(d, "member.pem")
            with open(cert, "wb") as out:
                out.write(self.fx.pem + pem(other))  # a chain: the first certificate is the member's
            keyfile = os.path.join(d, "alliance.key")
            with open(keyfile, "w") as out:
                out.write(key_file_text(self.fx.secret))
            f = hf.MemberFilter.load(path, cert, keyfile)
            self.assertTrue(f.may_contain("sku", "LV-M40990"))

    def test_kind_not_in_file(self):
        fx = Fixture(kinds=0b0011)  # seller, sku
        f = hf.MemberFilter.load(fx.full([]), fx.pem, fx.key)
        self.assertEqual(f.kinds, ("seller", "sku"))
        with self.assertRaisesRegex(hf.KindError, "no url digests"):
            f.may_contain("url", "https://example.com/")
        with self.assertRaisesRegex(hf.KindError, "no image-pdq"):
            f.may_contain_digest("image-pdq", bytes(32))

    def assertRejected(self, data, pattern, error=hf.HallmarkFilterError):
        with self.assertRaisesRegex(error, pattern):
            self.load(data)

    def test_malformed_headers(self):
        fx, k = self.fx, self.fx.private_key
        good = fx.full(self.digests)
        self.assertRejected(good[:50], "truncated", hf.MalformedFile)
        self.assertRejected(b"HMFILT\n\n" + good[8:], "magic", hf.MalformedFile)
        self.assertRejected(fx.full([], version=2), "unknown format version 2", hf.MalformedFile)
        self.assertRejected(fx.full([], type=2), "unknown type 2", hf.MalformedFile)
        self.assertRejected(fx.full([], kinds=0), "no kind", hf.MalformedFile)
        self.assertRejected(fx.full([], kinds=0x10), "bits set", hf.MalformedFile)
        self.assertRejected(fx.full([], reserved=1), "reserved", hf.MalformedFile)
        self.assertRejected(build(k, block_count=0, key_id=fx.key.id), "block count 0", hf.MalformedFile)
        big = build(k, block_count=1 << 32, words=b"", key_id=fx.key.id)
        self.assertRejected(big, "block count 4294967296 is out of range", hf.MalformedFile)
        self.assertRejected(fx.full([], base=b"\x01" * 32), "base must be zeros", hf.MalformedFile)
        self.assertRejected(fx.full([], member=""), "member id length 0", hf.MalformedFile)
        self.assertRejected(fx.full([], member="m" * 65), "member id length 65", hf.MalformedFile)
        self.assertRejected(fx.full([], key_id=""), "alliance key id length 0", hf.MalformedFile)
        self.assertRejected(fx.full([], key_id="k" * 65), "alliance key id length 65", hf.MalformedFile)
        header = 114 + len("test-member") + len(fx.key.id)
        self.assertRejected(good[: header + 100], "truncated: 64 blocks need the words", hf.MalformedFile)
        self.assertRejected(good[: header + 32 * fx.block_count + 1], "no signature length", hf.MalformedFile)
        self.assertRejected(good[:-1], "truncated", hf.MalformedFile)
        self.assertRejected(fx.full([], trailing=b"\0"), "1 bytes follow the signature", hf.MalformedFile)
        self.assertRejected(fx.full([], signature=bytes(73)), "signature length 73", hf.MalformedFile)
        self.assertRejected(fx.full([], signature=b""), "signature length 0", hf.MalformedFile)

    def test_verification_failures(self):
        fx = self.fx
        good = bytearray(fx.full(self.digests))
        good[200] ^= 1  # inside the words
        self.assertRejected(bytes(good), "signature does not verify", hf.VerificationError)
        other = Fixture()
        self.assertRejected(other.full([]), "signature does not verify", hf.VerificationError)  # another member's key
        self.assertRejected(fx.full([], key_id="k1111111111111111"), "alliance key k1111111111111111", hf.VerificationError)
        self.assertRejected(fx.full([], words_hash=bytes(32)), "words hash", hf.VerificationError)
        self.assertRejected(fx.full([], member="impostor"), "member 'impostor'", hf.VerificationError)
        self.assertRejected(fx.delta([], self.digests), "is a delta", hf.MalformedFile)

    def test_certificate_checks(self):
        cert = make_certificate(ec.generate_private_key(ec.SECP384R1()))
        with self.assertRaisesRegex(hf.CertificateError, "P-256"):
            hf.MemberFilter.load(self.fx.full([]), pem(cert), self.fx.key)
        with self.assertRaises(hf.CertificateError):
            hf.MemberFilter.load(self.fx.full([]), b"-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n", self.fx.key)

    def test_ca_check(self):
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Alliance CA")])
        now = datetime.datetime.now(datetime.timezone.utc)
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        member = make_certificate(self.fx.private_key, issuer_key=ca_key, issuer_name=ca_name)
        fingerprint = ca.fingerprint(hashes.SHA256())
        key = hf.AllianceKey(self.fx.secret, fingerprint)
        data = self.fx.full(self.digests)
        hf.MemberFilter.load(data, pem(member), key, ca_pem=pem(ca))
        with self.assertRaisesRegex(hf.CertificateError, "not issued by"):
            hf.MemberFilter.load(data, self.fx.pem, key, ca_pem=pem(ca))  # self-signed, not by the CA
        with self.assertRaisesRegex(hf.CertificateError, "not the one the alliance key file names"):
            hf.MemberFilter.load(data, pem(member), hf.AllianceKey(self.fx.secret, bytes(32)), ca_pem=pem(ca))


class DeltaTests(unittest.TestCase):
    def setUp(self):
        self.fx = Fixture(block_count=16)
        rng = random.Random(4)
        self.first = [rng.randbytes(32) for _ in range(10)]
        self.second = self.first[3:] + [rng.randbytes(32) for _ in range(5)]  # three retracted, five added
        self.third = self.second + [rng.randbytes(32)]
        self.f = hf.MemberFilter.load(self.fx.full(self.first), self.fx.pem, self.fx.key)

    def test_apply_in_order(self):
        self.f.apply_delta(self.fx.delta(self.first, self.second))
        self.assertEqual(self.f.words, bytes(self.fx.words_for(self.second)))
        self.assertEqual(self.f.digest_count, len(self.second))
        for d in self.second:
            self.assertTrue(self.f.may_contain_digest("sku", d))
        self.f.apply_delta(self.fx.delta(self.second, self.third))
        self.assertEqual(self.f.words, bytes(self.fx.words_for(self.third)))
        self.assertEqual(self.f.words_hash, hashlib.sha256(self.fx.words_for(self.third)).digest())
        self.assertEqual(self.f.deltas_applied, 2)

    def test_empty_delta(self):
        self.f.apply_delta(self.fx.delta(self.first, self.first))
        self.assertEqual(self.f.words, bytes(self.fx.words_for(self.first)))

    def assertRefused(self, data, pattern, error=hf.HallmarkFilterError):
        before = (self.f.words, self.f.words_hash, self.f.digest_count, self.f.deltas_applied)
        with self.assertRaisesRegex(error, pattern):
            self.f.apply_delta(data)
        self.assertEqual(before, (self.f.words, self.f.words_hash, self.f.digest_count, self.f.deltas_applied))

    def test_refusals_change_nothing(self):
        fx = self.fx
        changes = lambda: fx.delta(self.first, self.second)  # noqa: E731
        self.assertRefused(fx.delta(self.second, self.third), "base", hf.VerificationError)  # out of order
        self.assertRefused(fx.full(self.second), "full file, not a delta", hf.MalformedFile)
        self.assertRefused(fx.delta(self.first, self.second, words_hash=bytes(32)), "words hash", hf.VerificationError)
        self.assertRefused(fx.delta(self.first, self.second, seed=1), "seed", hf.VerificationError)
        self.assertRefused(
            fx.delta(self.first, self.second, block_count=17), "block count 17 differs", hf.VerificationError
        )
        self.assertRefused(fx.delta(self.first, self.second, kinds=1), "kinds", hf.VerificationError)
        self.assertRefused(fx.delta(self.first, self.second, key_id="kffffffffffffffff"), "alliance key", hf.VerificationError)
        self.assertRefused(Fixture(block_count=16).delta(self.first, self.second), "signature", hf.VerificationError)
        tampered = bytearray(changes())
        tampered[-80] ^= 0x40
        self.assertRefused(bytes(tampered), "signature|follow|truncated", hf.HallmarkFilterError)
        block = bytes(32)
        self.assertRefused(fx.delta(self.first, self.second, changes=[(3, block), (3, block)]), "does not increase", hf.MalformedFile)
        self.assertRefused(fx.delta(self.first, self.second, changes=[(5, block), (2, block)]), "does not increase", hf.MalformedFile)
        self.assertRefused(fx.delta(self.first, self.second, changes=[(16, block)]), "not below the block count", hf.MalformedFile)
        self.assertRefused(fx.delta(self.first, self.second, changes=[], change_count=17), "change count 17", hf.MalformedFile)
        header = 114 + len("test-member") + len(fx.key.id)
        cut = fx.delta(self.first, self.second, changes=[(0, block), (1, block)])[: header + 8 + 40]
        self.assertRefused(cut, "truncated: 2 changes", hf.MalformedFile)
        self.assertRefused(fx.delta(self.first, self.second, trailing=b"x"), "follow", hf.MalformedFile)
        # After all that, the right delta still applies.
        self.f.apply_delta(changes())
        self.assertEqual(self.f.words, bytes(self.fx.words_for(self.second)))


class CommandLineTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        fx = cls.fx = Fixture(block_count=64)
        digests = [digest_of(fx.secret, k, n) for k, _, n in LISTED]
        cls.paths = {name: os.path.join(d, name) for name in ("full", "delta", "bad", "member.pem", "alliance.key")}
        later = digests[1:] + [hmac_digest(fx.secret, "seller", "new-seller")]
        for name, data in [
            ("full", fx.full(digests)),
            ("delta", fx.delta(digests, later)),
            ("bad", fx.full(digests, words_hash=bytes(32))),
            ("member.pem", fx.pem),
        ]:
            with open(cls.paths[name], "wb") as out:
                out.write(data)
        with open(cls.paths["alliance.key"], "w") as out:
            out.write(key_file_text(fx.secret))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def run_tool(self, *args, stdin=b"", filter="full"):
        command = [
            sys.executable, os.path.join(HERE, "hallmark_filter.py"),
            "--filter", self.paths[filter], "--certificate", self.paths["member.pem"],
            "--alliance-key", self.paths["alliance.key"], *args,
        ]  # fmt: skip
        return subprocess.run(command, input=stdin, capture_output=True)

    def test_answers(self):
        lines = "".join(f"{k}\t{v}\n" for k, v, _ in LISTED) + "seller\tnobody-at-all\n"
        r = self.run_tool("--summary", stdin=lines.encode())
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode().splitlines()
        self.assertEqual([line.split("\t")[0] for line in out], ["maybe"] * 4 + ["no"])
        self.assertEqual(out[0], "maybe\tseller\teBay : Acme  Outlet")
        self.assertEqual(r.stderr.decode(), "maybe: 4, no: 1\n")

    def test_kind_option_and_delta(self):
        r = self.run_tool("--kind", "seller", stdin=b"eBay:Acme Outlet\r\nNEW-SELLER\n\n")
        self.assertEqual(r.stdout, b"maybe\teBay:Acme Outlet\nno\tNEW-SELLER\n")
        r = self.run_tool("--kind", "seller", "--delta", self.paths["delta"], stdin=b"eBay:Acme Outlet\nNEW-SELLER\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"no\teBay:Acme Outlet\nmaybe\tNEW-SELLER\n")

    def test_arguments_as_lines(self):
        r = self.run_tool("--kind", "sku", "lv-m40990", "other")
        self.assertEqual(r.stdout, b"maybe\tlv-m40990\nno\tother\n")

    def test_errors(self):
        r = self.run_tool(stdin=b"seller\tx\n", filter="bad")
        self.assertEqual((r.returncode, r.stdout), (2, b""))
        self.assertRegex(r.stderr.decode(), r"^error: .*words hash[^\n]*\n$")
        r = self.run_tool("--delta", self.paths["full"], stdin=b"seller\tx\n")
        self.assertEqual((r.returncode, r.stdout), (2, b""))
        r = self.run_tool(stdin=b"seller\tfine\nurl\tftp://x/\nseller\tnever\n")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, b"no\tseller\tfine\n")
        self.assertRegex(r.stderr.decode(), r"^error: line 2: unsupported url scheme 'ftp'[^\n]*\n$")
        r = self.run_tool(stdin=b"no tab here\n")
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith(b"error: line 1: expected KIND<TAB>VALUE"))
        r = self.run_tool(stdin=b"colour\tred\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"unknown indicator kind", r.stderr)
        r = self.run_tool("--kind", "bogus")
        self.assertEqual(r.returncode, 2)
        r = self.run_tool("--nonsense")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.count(b"\n"), 1)

    def test_100000_lines(self):
        rng = random.Random(5)
        kinds = ["seller", "sku", "url", "image-pdq"]
        lines = []
        for i in range(100_000):
            kind = kinds[i % 4]
            if kind == "seller":
                value = f"Market{i % 7}: Seller {rng.getrandbits(40):x}"
            elif kind == "sku":
                value = f"SKU-{rng.getrandbits(48):X}"
            elif kind == "url":
                value = f"https://shop{i % 97}.example.com/item/{rng.getrandbits(32)}?ref={i}"
            else:
                value = rng.randbytes(32).hex()
            lines.append(f"{kind}\t{value}\n")
        start = time.monotonic()
        r = self.run_tool("--summary", stdin="".join(lines).encode())
        elapsed = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count(b"\n"), 100_000)
        print(f"\n100 000 lines in {elapsed:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
