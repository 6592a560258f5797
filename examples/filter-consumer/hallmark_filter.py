#!/usr/bin/env python3
"""Reference consumer of Hallmark's member filter file, version 1 (`Protocol/member-filter.md`).

Written from the specification alone, to show that it is enough to read the format in another language. An
importable module and a command-line tool; Python 3.11 (its Unicode 14.0 database is what Hallmark v1 normalizes
with), the standard library and `cryptography`.

    from hallmark_filter import MemberFilter
    f = MemberFilter.load("full.hmf", "member.pem", "alliance.key")
    f.apply_delta("delta-1.hmf")
    f.may_contain("seller", "eBay : Acme  Outlet")      # True: maybe listed, False: not listed

    hallmark_filter.py --filter FULL [--delta D]... --certificate MEMBER.pem --alliance-key KEYFILE \
        [--ca CA.pem] [--kind K] [--summary] [IDENTIFIER...]

The tool reads identifiers, one a line, from standard input (or takes each IDENTIFIER argument as such a line):
`KIND<TAB>VALUE`, or just `VALUE` with `--kind K`. Empty lines are skipped. It prints one line per identifier,
`maybe` or `no`, a tab, then the input line. Exit status 0 when every identifier was answered, 2 on any error (one
line on standard error, starting `error: `). Every file is verified before anything is answered.

THE ALLIANCE KEY AND THE FILTER ARE FOR THE MEMBER'S OWN SYSTEMS ONLY: whoever holds both can test any identifier
against the alliance's blacklist (member-filter.md, introduction).

Identifiers are normalized by the repository's independent Python implementation of `Protocol/normalization.md`,
`scripts/check-normalization-vectors.py` (or the script the environment variable HALLMARK_NORMALIZATION names),
loaded on first use.
"""

import argparse
import hashlib
import hmac
import importlib.util
import os
import re
import struct
import sys
import unicodedata

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
except ImportError as _error:
    if __name__ == "__main__":
        print(f"error: {_error}: install cryptography (Tests/interop/requirements.txt pins it)", file=sys.stderr)
        sys.exit(2)
    raise

__all__ = [
    "KINDS",
    "AllianceKey",
    "MemberFilter",
    "HallmarkFilterError",
    "MalformedFile",
    "VerificationError",
    "KeyFileError",
    "CertificateError",
    "KindError",
    "InvalidIdentifier",
    "NormalizationUnavailable",
    "key_id",
    "hash64",
    "normalize",
    "digest",
]

# --- format constants (member-filter.md §2, §3) -------------------------------------------------------------------

MAGIC = b"HMFILT\r\n"
VERSION = 1
TYPE_FULL = 0
TYPE_DELTA = 1
KINDS = ("seller", "sku", "url", "image-pdq")  # bit 0, 1, 2, 3 of the kinds field
KIND_BITS = {kind: 1 << bit for bit, kind in enumerate(KINDS)}
ALL_KIND_BITS = (1 << len(KINDS)) - 1
MAX_BLOCK_COUNT = (1 << 32) - 1
MAX_NAME_LENGTH = 64  # member and alliance key id
MAX_SIGNATURE_LENGTH = 72
FIXED_HEADER = 113  # bytes 0 ..< 113: up to and including the member length byte
CHANGE_SIZE = 36  # 4-byte block index + 32 bytes of words
BLOCK_SIZE = 32  # eight 32-bit words

MASK64 = (1 << 64) - 1
K0 = 0x243F6A8885A308D3
K1_MULTIPLIER = 0x9E3779B97F4A7C15
K1 = 0x13198A2E03707344
K2 = 0xA4093822299F31D0
K3 = 0x082EFA98EC4E6C89
FINAL_LEFT = 0x452821E638D01377
FINAL_RIGHT = 0xBE5466CF34E90C6C
SALTS = (0x47B6137B, 0x44974D91, 0x8824AD5B, 0xA2B7289D, 0x705495C7, 0x2DF1424B, 0x9EFC4947, 0x5C6BFB31)

KEY_FILE_HEADER = "hallmark-alliance-key v1"
MEMBER_URI_PREFIX = "hallmark://member/"
REQUIRED_UNICODE = "14.0.0"

_BIG_ENDIAN_WORDS = struct.Struct(">4Q")
_BLOCK_WORDS = struct.Struct("<8I")


# --- errors ----------------------------------------------------------------------------------------------------------


class HallmarkFilterError(Exception):
    """Base of every error this module raises on purpose."""


class MalformedFile(HallmarkFilterError):
    """The file's bytes are not a well-formed member filter file (member-filter.md §3, §4)."""


class VerificationError(HallmarkFilterError):
    """The file is well formed but does not verify: signature, alliance key id, base or words hash."""


class KeyFileError(HallmarkFilterError):
    """The alliance key file cannot be read or its id does not match its secret."""


class CertificateError(HallmarkFilterError):
    """The member certificate (or alliance CA certificate) cannot be used."""


class KindError(HallmarkFilterError):
    """An unknown kind, or a kind whose digests the filter does not hold."""


class InvalidIdentifier(HallmarkFilterError):
    """The value is rejected by normalization (normalization.md)."""


class NormalizationUnavailable(HallmarkFilterError):
    """The normalization script cannot be loaded, or this Python's Unicode database is not 14.0."""


# --- hashing (member-filter.md §2 step 3) ----------------------------------------------------------------------------


def _fold(a, b):
    product = a * b  # a, b < 2^64, so the product fits in 128 bits
    return (product >> 64) ^ (product & MASK64)


def hash64(digest, seed):
    """The 64-bit hash of a 32-byte digest under `seed`, exactly as member-filter.md §2 step 3 writes it."""
    if len(digest) != 32:
        raise ValueError(f"a digest is 32 bytes, got {len(digest)}")
    w0, w1, w2, w3 = _BIG_ENDIAN_WORDS.unpack(digest)
    k0 = seed ^ K0
    k1 = ((seed * K1_MULTIPLIER) & MASK64) ^ K1
    k2 = k0 ^ K2
    k3 = k1 ^ K3
    left = _fold(w0 ^ k0, w1 ^ k1)
    right = _fold(w2 ^ k2, w3 ^ k3)
    return _fold(left ^ FINAL_LEFT, right ^ seed ^ FINAL_RIGHT)


# --- alliance key ----------------------------------------------------------------------------------------------------


def key_id(secret):
    """The alliance key id of a 32-byte secret (normalization.md §7)."""
    return "k" + hashlib.sha256(b"hallmark/v1/key-id/" + bytes(secret)).hexdigest()[:16]


_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


class AllianceKey:
    """An alliance key: its 32-byte `secret`, its `id`, and (when the key file names one) `ca_fingerprint`, the
    SHA-256 of the alliance CA certificate's DER, as 32 bytes."""

    __slots__ = ("secret", "id", "ca_fingerprint")

    def __init__(self, secret, ca_fingerprint=None):
        secret = bytes(secret)
        if len(secret) != 32:
            raise KeyFileError(f"an alliance key secret is 32 bytes, got {len(secret)}")
        self.secret = secret
        self.id = key_id(secret)
        self.ca_fingerprint = ca_fingerprint

    def __repr__(self):  # never the secret
        return f"AllianceKey(id={self.id!r})"

    @classmethod
    def parse(cls, text, source="alliance key file"):
        """Reads the text of a key file: `hallmark-alliance-key v1`, then `# comment` lines and `name: value`
        lines, among them `id:` and `secret:` (64 hex digits) and optionally `ca:` (64 hex digits)."""
        lines = text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None or lines[first].strip() != KEY_FILE_HEADER:
            raise KeyFileError(f"{source}: does not start with '{KEY_FILE_HEADER}'")
        fields = {}
        for number, line in enumerate(lines[first + 1 :], start=first + 2):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if not sep or not name:
                raise KeyFileError(f"{source}: line {number}: expected 'name: value'")
            if name in fields:
                raise KeyFileError(f"{source}: line {number}: '{name}' appears twice")
            fields[name] = value
        for name in ("id", "secret"):
            if name not in fields:
                raise KeyFileError(f"{source}: no '{name}:' line")
        if not _HEX64.fullmatch(fields["secret"]):
            raise KeyFileError(f"{source}: 'secret:' must be 64 hex digits")
        ca = None
        if "ca" in fields:
            if not _HEX64.fullmatch(fields["ca"]):
                raise KeyFileError(f"{source}: 'ca:' must be 64 hex digits")
            ca = bytes.fromhex(fields["ca"])
        key = cls(bytes.fromhex(fields["secret"]), ca)
        if key.id != fields["id"]:
            raise KeyFileError(
                f"{source}: its secret's key id is {key.id}, but its 'id:' line says {fields['id']!r}"
            )
        return key

    @classmethod
    def from_file(cls, path):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as error:
            raise KeyFileError(f"cannot read alliance key file {os.fspath(path)}: {error}") from None
        return cls.parse(text, source=f"alliance key file {os.fspath(path)}")

    @classmethod
    def coerce(cls, value):
        """An AllianceKey from an AllianceKey, a key file path, the 32 secret bytes, or key file text as bytes."""
        if isinstance(value, AllianceKey):
            return value
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = bytes(value)
            if len(value) == 32:
                return cls(value)
            try:
                return cls.parse(value.decode("utf-8"))
            except UnicodeDecodeError:
                raise KeyFileError("alliance key: neither 32 secret bytes nor the text of a key file") from None
        return cls.from_file(value)


# --- certificates ----------------------------------------------------------------------------------------------------


def _load_certificate(value, what):
    """The first certificate of PEM data (bytes or str holding `-----BEGIN`), of a PEM or DER file, or an
    `x509.Certificate` as is."""
    if isinstance(value, x509.Certificate):
        return value
    if isinstance(value, str) and "-----BEGIN" in value:
        data, source = value.encode("ascii", "replace"), what
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data, source = bytes(value), what
    else:
        try:
            with open(value, "rb") as f:
                data = f.read()
        except OSError as error:
            raise CertificateError(f"cannot read {what} {os.fspath(value)}: {error}") from None
        source = f"{what} {os.fspath(value)}"
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
            if not certificates:
                raise ValueError("no certificate")
            return certificates[0]
        return x509.load_der_x509_certificate(data)
    except ValueError as error:
        raise CertificateError(f"{source} holds no readable certificate: {error}") from None


def _member_ids(certificate):
    """The member ids of the certificate's `hallmark://member/ID` URI subject alternative names."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [
        uri[len(MEMBER_URI_PREFIX) :]
        for uri in names.get_values_for_type(x509.UniformResourceIdentifier)
        if uri.startswith(MEMBER_URI_PREFIX)
    ]


def _check_issued_by_ca(certificate, ca_certificate, alliance_key):
    fingerprint = ca_certificate.fingerprint(hashes.SHA256())
    if alliance_key.ca_fingerprint is not None and fingerprint != alliance_key.ca_fingerprint:
        raise CertificateError(
            "the alliance CA certificate is not the one the alliance key file names "
            f"(its SHA-256 is {fingerprint.hex()}, the key file says {alliance_key.ca_fingerprint.hex()})"
        )
    try:
        certificate.verify_directly_issued_by(ca_certificate)
    except (ValueError, TypeError, InvalidSignature) as error:
        raise CertificateError(f"the member certificate was not issued by the alliance CA: {error or 'bad signature'}")


# --- parsing (member-filter.md §3, §4) -------------------------------------------------------------------------------


class _Parsed:
    """The fields of one file, checked for structure only (no signature, key id or hash yet)."""

    __slots__ = (
        "type", "kinds", "seed", "block_count", "digest_count", "created", "base", "words_hash",
        "member", "key_id", "words", "changes", "signed", "signature",
    )


def _read_input(path_or_bytes, what):
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), what
    try:
        with open(path_or_bytes, "rb") as f:
            return f.read(), f"{what} {os.fspath(path_or_bytes)}"
    except OSError as error:
        raise MalformedFile(f"cannot read {what} {os.fspath(path_or_bytes)}: {error}") from None


def _kind_names(bits):
    return [kind for kind in KINDS if bits & KIND_BITS[kind]]


def _parse(data, source):
    """Structural checks, in the order of the fields; returns a _Parsed. Every length is checked against the
    data before it is used, so nothing is allocated beyond what was given."""

    def bad(message):
        return MalformedFile(f"{source}: {message}")

    size = len(data)
    if size < FIXED_HEADER:
        raise bad(f"truncated: {size} bytes, shorter than the {FIXED_HEADER}-byte fixed header")
    if data[0:8] != MAGIC:
        raise bad(f"bad magic {data[0:8].hex(' ')}: not a member filter file (expected 48 4d 46 49 4c 54 0d 0a)")
    (version,) = struct.unpack_from("<H", data, 8)
    if version != VERSION:
        raise bad(f"unknown format version {version} (this reader knows version {VERSION} only)")
    p = _Parsed()
    p.type = data[10]
    if p.type not in (TYPE_FULL, TYPE_DELTA):
        raise bad(f"unknown type {p.type} (0 is a full file, 1 a delta)")
    p.kinds = data[11]
    if p.kinds & ~ALL_KIND_BITS:
        raise bad(f"kinds 0x{p.kinds:02x} has bits set beyond the four known kinds")
    if p.kinds == 0:
        raise bad("kinds is 0: no kind is set")
    (reserved,) = struct.unpack_from("<I", data, 12)
    if reserved != 0:
        raise bad(f"reserved field is {reserved}, must be 0")
    p.seed, p.block_count, p.digest_count, p.created = struct.unpack_from("<4Q", data, 16)
    if not 1 <= p.block_count <= MAX_BLOCK_COUNT:
        raise bad(f"block count {p.block_count} is out of range (1 to 2^32 - 1)")
    p.base = data[48:80]
    p.words_hash = data[80:112]
    if p.type == TYPE_FULL and p.base != bytes(32):
        raise bad("a full file's base must be zeros")

    def name(offset, what):
        length = data[offset]
        if not 1 <= length <= MAX_NAME_LENGTH:
            raise bad(f"{what} length {length} is out of range (1 to {MAX_NAME_LENGTH})")
        end = offset + 1 + length
        if size < end:
            raise bad(f"truncated: the {what} needs bytes up to {end}, the file has {size}")
        raw = data[offset + 1 : end]
        if not raw.isascii():
            raise bad(f"the {what} is not ASCII")
        return raw.decode("ascii"), end

    p.member, offset = name(112, "member id")
    if size < offset + 1:
        raise bad(f"truncated: no alliance key id length at byte {offset}")
    p.key_id, offset = name(offset, "alliance key id")

    # Body.
    p.words = None
    p.changes = None
    if p.type == TYPE_FULL:
        end = offset + BLOCK_SIZE * p.block_count
        if size < end:
            raise bad(f"truncated: {p.block_count} blocks need the words to end at byte {end}, the file has {size}")
        p.words = data[offset:end]
    else:
        if size < offset + 8:
            raise bad(f"truncated: no change count at byte {offset}")
        (count,) = struct.unpack_from("<Q", data, offset)
        if count > p.block_count:
            raise bad(f"change count {count} is out of range: more than the block count {p.block_count}")
        start = offset + 8
        end = start + CHANGE_SIZE * count
        if size < end:
            raise bad(f"truncated: {count} changes need the body to end at byte {end}, the file has {size}")
        changes = []
        previous = -1
        for at in range(start, end, CHANGE_SIZE):
            (index,) = struct.unpack_from("<I", data, at)
            if index >= p.block_count:
                raise bad(f"change {len(changes)}: block index {index} is not below the block count {p.block_count}")
            if index <= previous:
                raise bad(f"change {len(changes)}: block index {index} does not increase (the previous is {previous})")
            previous = index
            changes.append((index, data[at + 4 : at + CHANGE_SIZE]))
        p.changes = changes

    # Signature.
    if size < end + 2:
        raise bad(f"truncated: no signature length at byte {end}")
    (length,) = struct.unpack_from("<H", data, end)
    if not 1 <= length <= MAX_SIGNATURE_LENGTH:
        raise bad(f"signature length {length} is out of range (1 to {MAX_SIGNATURE_LENGTH})")
    if size < end + 2 + length:
        raise bad(f"truncated: the {length}-byte signature needs {end + 2 + length} bytes, the file has {size}")
    if size > end + 2 + length:
        raise bad(f"{size - (end + 2 + length)} bytes follow the signature")
    p.signed = data[:end]
    p.signature = data[end + 2 :]
    return p


def _verify_signature(p, public_key, source):
    try:
        public_key.verify(p.signature, p.signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise VerificationError(
            f"{source}: the signature does not verify with the member certificate's key "
            "(the file was altered, or signed by another member)"
        ) from None


# --- normalization (normalization.md, through scripts/check-normalization-vectors.py) --------------------------------

_normalization = None


def _normalization_module():
    global _normalization
    if _normalization is not None:
        return _normalization
    if unicodedata.unidata_version != REQUIRED_UNICODE:
        raise NormalizationUnavailable(
            f"Python {sys.version.split()[0]}'s Unicode database is {unicodedata.unidata_version}; Hallmark v1 "
            f"normalizes with Unicode {REQUIRED_UNICODE}: run with Python 3.11 (digests need no normalization)"
        )
    path = os.environ.get("HALLMARK_NORMALIZATION") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        "scripts",
        "check-normalization-vectors.py",
    )
    try:
        spec = importlib.util.spec_from_file_location("hallmark_normalization", path)
        if spec is None or spec.loader is None:
            raise ImportError("not a Python source file")
        module = importlib.util.module_from_spec(spec)
        saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # write nothing next to the script
        try:
            spec.loader.exec_module(module)
        finally:
            sys.dont_write_bytecode = saved
        module.normalize, module.Invalid  # the two names this module uses
    except (OSError, ImportError, SyntaxError, AttributeError) as error:
        raise NormalizationUnavailable(
            f"cannot load the normalization script {path} (set HALLMARK_NORMALIZATION to its path): {error}"
        ) from None
    _normalization = module
    return module


def _check_known_kind(kind):
    if kind not in KIND_BITS:
        raise KindError(f"unknown indicator kind {kind!r} (known: {', '.join(KINDS)})")


def normalize(kind, value):
    """The normalized form of a raw value (str, or bytes that must be UTF-8), as normalization.md states."""
    _check_known_kind(kind)
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value)
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidIdentifier(f"{kind} value is not valid UTF-8") from None
    module = _normalization_module()
    try:
        return module.normalize(kind, value)
    except module.Invalid as error:
        raise InvalidIdentifier(str(error)) from None


_DIGEST_PREFIXES = {kind: ("hallmark/v1/" + kind + "/").encode("ascii") for kind in KINDS}


def digest(secret, kind, normalized):
    """The 32-byte digest of a normalized form (normalization.md §7; member-filter.md §2 step 2)."""
    _check_known_kind(kind)
    if kind == "image-pdq":
        return bytes.fromhex(normalized)
    return hmac.digest(secret, _DIGEST_PREFIXES[kind] + normalized.encode("utf-8"), "sha256")


# --- the filter ------------------------------------------------------------------------------------------------------


class MemberFilter:
    """A verified member filter: a full file, with the deltas applied since.

    Attributes: `seed`, `block_count`, `kinds` (the kind names), `kinds_bits`, `digest_count`, `created`
    (milliseconds since the epoch, of the last file applied), `member`, `key_id`, `words_hash` (the SHA-256 of the
    words held), `deltas_applied`. `words` returns a copy of the words (32 × block count bytes)."""

    def __init__(self, parsed, public_key, member_ids, alliance_key, source):
        self._public_key = public_key
        self._member_ids = member_ids
        self._key = alliance_key
        self.seed = parsed.seed
        self.block_count = parsed.block_count
        self.kinds_bits = parsed.kinds
        self.kinds = tuple(_kind_names(parsed.kinds))
        self.digest_count = parsed.digest_count
        self.created = parsed.created
        self.member = parsed.member
        self.key_id = parsed.key_id
        self.words_hash = parsed.words_hash
        self.deltas_applied = 0
        self.source = source
        self._words = bytearray(parsed.words)
        self._prepare_hash()

    def _prepare_hash(self):
        seed = self.seed
        k0 = seed ^ K0
        k1 = ((seed * K1_MULTIPLIER) & MASK64) ^ K1
        self._k = (k0, k1, k0 ^ K2, k1 ^ K3, seed ^ FINAL_RIGHT)

    @property
    def words(self):
        return bytes(self._words)

    def __repr__(self):
        return (
            f"MemberFilter(member={self.member!r}, key_id={self.key_id!r}, kinds={self.kinds}, "
            f"block_count={self.block_count}, digest_count={self.digest_count}, deltas_applied={self.deltas_applied})"
        )

    # Loading.

    @classmethod
    def load(cls, path_or_bytes, certificate_pem, alliance_key, ca_pem=None):
        """Reads and verifies a full file (member-filter.md §4).

        `certificate_pem`: the member's certificate, as PEM data (bytes or str; the first certificate of a chain is
        used), a path to a PEM or DER file, or an `x509.Certificate`. `alliance_key`: an AllianceKey, a key file
        path, or the 32 secret bytes. `ca_pem` (optional): the alliance CA certificate, in the same forms; when given,
        the member certificate must be issued by it, and it must be the CA the key file's `ca:` line names.

        Raises MalformedFile, VerificationError, KeyFileError or CertificateError, each naming the problem."""
        key = AllianceKey.coerce(alliance_key)
        certificate = _load_certificate(certificate_pem, "member certificate")
        public_key = certificate.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(public_key.curve, ec.SECP256R1):
            raise CertificateError("the member certificate's key is not a P-256 (secp256r1) key")
        if ca_pem is not None:
            _check_issued_by_ca(certificate, _load_certificate(ca_pem, "alliance CA certificate"), key)
        member_ids = _member_ids(certificate)

        data, source = _read_input(path_or_bytes, "filter file")
        parsed = _parse(data, source)
        if parsed.type != TYPE_FULL:
            raise MalformedFile(f"{source}: is a delta; a filter starts from a full file (type 0), then applies deltas")
        _verify_signature(parsed, public_key, source)
        if member_ids and parsed.member not in member_ids:
            raise VerificationError(
                f"{source}: made by member {parsed.member!r}, but the certificate is member {member_ids[0]!r}'s"
            )
        if parsed.key_id != key.id:
            raise VerificationError(
                f"{source}: made under alliance key {parsed.key_id}, but the key given is {key.id}"
            )
        if hashlib.sha256(parsed.words).digest() != parsed.words_hash:
            raise VerificationError(f"{source}: the SHA-256 of the words differs from the file's words hash")
        return cls(parsed, public_key, member_ids, key, source)

    def apply_delta(self, path_or_bytes):
        """Verifies a delta and applies it; on any failure the filter is unchanged (member-filter.md §3, §4).

        Raises MalformedFile or VerificationError. A VerificationError about `base` means this delta is not for the
        words held: ask for a full file (or the deltas in order)."""
        data, source = _read_input(path_or_bytes, "delta file")
        parsed = _parse(data, source)
        if parsed.type != TYPE_DELTA:
            raise MalformedFile(f"{source}: is a full file, not a delta (load it with MemberFilter.load)")
        _verify_signature(parsed, self._public_key, source)
        if parsed.member != self.member:
            raise VerificationError(f"{source}: made by member {parsed.member!r}, the filter by {self.member!r}")
        if parsed.key_id != self._key.id:
            raise VerificationError(
                f"{source}: made under alliance key {parsed.key_id}, but the key given is {self._key.id}"
            )
        if parsed.seed != self.seed:
            raise VerificationError(f"{source}: its seed differs from the filter's")
        if parsed.block_count != self.block_count:
            raise VerificationError(
                f"{source}: its block count {parsed.block_count} differs from the filter's {self.block_count}"
            )
        if parsed.kinds != self.kinds_bits:
            raise VerificationError(
                f"{source}: its kinds ({', '.join(_kind_names(parsed.kinds))}) differ from the filter's "
                f"({', '.join(self.kinds)})"
            )
        if parsed.base != self.words_hash:
            raise VerificationError(
                f"{source}: its base is not the filter held (out of order, already applied, or for another "
                "filter): get a full file"
            )
        words = bytearray(self._words)
        for index, block in parsed.changes:
            at = BLOCK_SIZE * index
            words[at : at + BLOCK_SIZE] = block
        if hashlib.sha256(words).digest() != parsed.words_hash:
            raise VerificationError(f"{source}: once applied, the SHA-256 of the words differs from its words hash")
        self._words = words
        self.words_hash = parsed.words_hash
        self.digest_count = parsed.digest_count
        self.created = parsed.created
        self.deltas_applied += 1
        return self

    # Testing.

    def check_kind(self, kind):
        """Raises KindError unless `kind` is known and among the file's kinds."""
        bit = KIND_BITS.get(kind)
        if bit is None:
            _check_known_kind(kind)
        if not self.kinds_bits & bit:
            raise KindError(f"the filter holds no {kind} digests (its kinds: {', '.join(self.kinds)})")

    def digest(self, kind, value):
        """The 32-byte digest of a raw value under the alliance key (normalize, then digest)."""
        self.check_kind(kind)
        return digest(self._key.secret, kind, normalize(kind, value))

    def may_contain(self, kind, value):
        """True when the identifier is maybe listed, False when it is not listed (at the file's time).
        Raises KindError, InvalidIdentifier (the value does not normalize) or NormalizationUnavailable."""
        return self._probe(self.digest(kind, value))

    def may_contain_digest(self, kind, digest_bytes):
        """As may_contain, for a digest already computed (32 bytes)."""
        self.check_kind(kind)
        if len(digest_bytes) != 32:
            raise ValueError(f"a digest is 32 bytes, got {len(digest_bytes)}")
        return self._probe(digest_bytes)

    def _probe(self, digest_bytes):
        # §2 step 3, with the seed's constants precomputed.
        k0, k1, k2, k3, final_right = self._k
        w0, w1, w2, w3 = _BIG_ENDIAN_WORDS.unpack(digest_bytes)
        p = (w0 ^ k0) * (w1 ^ k1)
        left = (p >> 64) ^ (p & MASK64)
        p = (w2 ^ k2) * (w3 ^ k3)
        right = (p >> 64) ^ (p & MASK64)
        p = (left ^ FINAL_LEFT) * (right ^ final_right)
        h = (p >> 64) ^ (p & MASK64)
        # §2 step 4.
        block = ((h >> 32) * self.block_count) >> 32
        key = h & 0xFFFFFFFF
        words = _BLOCK_WORDS.unpack_from(self._words, BLOCK_SIZE * block)
        for word, salt in zip(words, SALTS):
            if not (word >> (((key * salt) & 0xFFFFFFFF) >> 27)) & 1:
                return False
        return True


# --- command line ----------------------------------------------------------------------------------------------------


class _Fail(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _Fail(message)


def _arguments(argv):
    parser = _Parser(
        prog="hallmark_filter.py",
        description="Tests identifiers against a Hallmark member filter file. Reads KIND<TAB>VALUE lines (or VALUE "
        "lines with --kind) from standard input, or takes each IDENTIFIER argument as such a line, and prints "
        "'maybe' or 'no', a tab, and the line. The alliance key and the filter are for the member's own systems only.",
    )
    parser.add_argument("--filter", required=True, metavar="FULL", help="the full filter file")
    parser.add_argument("--delta", action="append", default=[], metavar="D", help="a delta to apply, in order")
    parser.add_argument("--certificate", required=True, metavar="MEMBER.pem", help="the member's certificate")
    parser.add_argument("--alliance-key", required=True, metavar="KEYFILE", help="the alliance key file")
    parser.add_argument("--ca", metavar="CA.pem", help="also check the certificate against the alliance CA")
    parser.add_argument("--kind", metavar="K", help="every line is a VALUE of this kind")
    parser.add_argument("--summary", action="store_true", help="print the counts of maybe and no to stderr")
    parser.add_argument("identifiers", nargs="*", metavar="IDENTIFIER", help="lines to test instead of stdin")
    return parser.parse_args(argv)


def _lines(arguments):
    if arguments.identifiers:
        for argument in arguments.identifiers:
            yield os.fsencode(argument)
        return
    for line in sys.stdin.buffer:
        if line.endswith(b"\n"):
            line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
        yield line


def _run(argv):
    arguments = _arguments(argv)
    key = AllianceKey.from_file(arguments.alliance_key)
    f = MemberFilter.load(arguments.filter, arguments.certificate, key, ca_pem=arguments.ca)
    for delta in arguments.delta:
        f.apply_delta(delta)
    fixed_kind = arguments.kind
    if fixed_kind is not None:
        f.check_kind(fixed_kind)

    module = _normalization_module()
    normalize_raw, invalid = module.normalize, module.Invalid
    secret = key.secret
    probe = f._probe
    kinds_bits = f.kinds_bits
    prefixes = {k.encode("ascii"): (k, _DIGEST_PREFIXES[k]) for k in KINDS if kinds_bits & KIND_BITS[k]}
    fixed = prefixes[fixed_kind.encode("ascii")] if fixed_kind is not None else None
    hmac_digest = hmac.digest
    fromhex = bytes.fromhex

    out = sys.stdout.buffer
    pending = []
    maybe = no = 0
    try:
        for number, line in enumerate(_lines(arguments), start=1):
            if not line:
                continue
            if fixed is not None:
                (kind, prefix), raw = fixed, line
            else:
                name, tab, raw = line.partition(b"\t")
                if not tab:
                    raise _Fail(f"line {number}: expected KIND<TAB>VALUE (or give --kind)")
                entry = prefixes.get(name)
                if entry is None:
                    f.check_kind(name.decode("utf-8", "replace"))  # raises the right KindError
                kind, prefix = entry
            try:
                value = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Fail(f"line {number}: {kind} value is not valid UTF-8") from None
            try:
                normalized = normalize_raw(kind, value)
            except invalid as error:
                raise _Fail(f"line {number}: {error}") from None
            if kind == "image-pdq":
                d = fromhex(normalized)
            else:
                d = hmac_digest(secret, prefix + normalized.encode("utf-8"), "sha256")
            if probe(d):
                maybe += 1
                pending.append(b"maybe\t" + line + b"\n")
            else:
                no += 1
                pending.append(b"no\t" + line + b"\n")
            if len(pending) >= 4096:
                out.write(b"".join(pending))
                pending.clear()
    except KindError as error:
        raise _Fail(f"line {number}: {error}") from None
    finally:
        if pending:  # the lines answered before an error stay answered
            out.write(b"".join(pending))
        out.flush()
    if arguments.summary:
        print(f"maybe: {maybe}, no: {no}", file=sys.stderr)
    return 0


def main(argv=None):
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except (_Fail, HallmarkFilterError) as error:
        message = " ".join(str(error).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        try:
            sys.stderr.write("error: standard output was closed\n")
        finally:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
