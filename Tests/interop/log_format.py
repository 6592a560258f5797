"""Hallmark's byte formats (Protocol/log-format.md) and RFC 9162 hashing, for the Python tools in Tests/interop.

Standard library only, written from Protocol/ alone.
"""

import hashlib
import re


class CheckFailed(Exception):
    """A check of the data the node sent did not pass."""


# RFC 9162 hashing (log-format.md sections 2.3 and 3).


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


# Byte formats of log-format.md.


class Reader:
    def __init__(self, data: bytes, what: str):
        self.data, self.at, self.what = data, 0, what

    def take(self, count: int) -> bytes:
        if self.at + count > len(self.data):
            raise CheckFailed(f"{self.what} ends inside a field at byte {self.at}")
        piece = self.data[self.at : self.at + count]
        self.at += count
        return piece

    def uint(self, width: int) -> int:
        return int.from_bytes(self.take(width), "big")

    def short_string(self, low: int, high: int, pattern: str, field: str) -> str:
        length = self.uint(1)
        if not low <= length <= high:
            raise CheckFailed(f"{self.what}: {field} has length {length}, outside {low}-{high}")
        text = self.take(length).decode("ascii", errors="replace")
        if length and not re.fullmatch(pattern, text):
            raise CheckFailed(f"{self.what}: {field} {text!r} has characters outside {pattern}")
        return text

    def end(self) -> None:
        if self.at != len(self.data):
            raise CheckFailed(f"{self.what} has {len(self.data) - self.at} bytes after its last field")


MEMBER_ID = r"[a-z0-9][a-z0-9-]*"
MAX_TIME = 253402300799999


def decode_entry(data: bytes, what: str) -> dict:
    """The fields of a version 1 entry (log-format.md section 2.2); refuses what is not well formed."""
    if len(data) > 1024:
        raise CheckFailed(f"{what} is {len(data)} bytes, over 1024")
    r = Reader(data, what)
    if r.uint(1) != 1:
        raise CheckFailed(f"{what} is not version 1")
    entry = {"origin": r.short_string(1, 63, MEMBER_ID, "origin"), "index": r.uint(8)}
    entry["time"] = int.from_bytes(r.take(8), "big", signed=True)
    if not 0 <= entry["time"] <= MAX_TIME:
        raise CheckFailed(f"{what}: time {entry['time']} out of range")
    entry["action"] = r.uint(1)
    if entry["action"] not in (1, 2, 3):
        raise CheckFailed(f"{what}: action byte {entry['action']}")
    entry["kind"] = r.short_string(1, 32, r"[a-z0-9-]+", "kind")
    entry["digest"] = r.take(32)
    entry["key_id"] = r.short_string(0, 64, r"[a-z0-9._-]+", "keyID")
    entry["confidence"] = r.uint(1)
    if entry["confidence"] > 100:
        raise CheckFailed(f"{what}: confidence {entry['confidence']} over 100")
    entry["reason"] = r.short_string(0, 64, r"[a-z0-9._-]+", "reason")
    presence = r.uint(1)
    if presence not in (0, 1):
        raise CheckFailed(f"{what}: expires presence byte {presence}")
    if presence:
        entry["expires"] = int.from_bytes(r.take(8), "big", signed=True)
        if not entry["time"] < entry["expires"] <= MAX_TIME:
            raise CheckFailed(f"{what}: expiry {entry['expires']} not after time {entry['time']}")
    note_length = r.uint(2)
    if note_length > 280:
        raise CheckFailed(f"{what}: note of {note_length} bytes, over 280")
    try:
        note = r.take(note_length).decode("utf-8")
    except UnicodeDecodeError:
        raise CheckFailed(f"{what}: note is not valid UTF-8")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in note):
        raise CheckFailed(f"{what}: note holds a control character")
    presence = r.uint(1)
    if presence not in (0, 1):
        raise CheckFailed(f"{what}: disputedOrigin presence byte {presence}")
    if presence:
        entry["disputed_origin"] = r.short_string(1, 63, MEMBER_ID, "disputedOrigin")
    if (entry["action"] == 3) != ("disputed_origin" in entry):
        raise CheckFailed(f"{what}: disputedOrigin must be present on disputes and only there")
    if entry.get("disputed_origin") == entry["origin"]:
        raise CheckFailed(f"{what}: a member disputes its own assertion")
    if entry["kind"] == "image-pdq" and entry["key_id"]:
        raise CheckFailed(f"{what}: an image-pdq entry carries a key id")
    if entry["kind"] in ("seller", "sku", "url") and not entry["key_id"]:
        raise CheckFailed(f"{what}: a {entry['kind']} entry has no key id")
    if entry["action"] != 2 and not entry["reason"]:
        raise CheckFailed(f"{what}: only a retraction may have no reason")
    r.end()
    return entry


CHECKPOINT_BODY = re.compile(
    r"hallmark/v1 checkpoint\n"
    r"origin ([a-z0-9][a-z0-9-]{0,62})\n"
    r"size (0|[1-9][0-9]*)\n"
    r"root ([0-9a-f]{64})\n"
    r"time (0|[1-9][0-9]*)\n"
)


def decode_checkpoint(data: bytes) -> dict:
    """The stored and transferred form of log-format.md section 4: version, body, DER signature."""
    r = Reader(data, "checkpoint")
    if r.uint(1) != 1:
        raise CheckFailed("checkpoint is not version 1")
    body_length = r.uint(2)
    if body_length > 512:
        raise CheckFailed(f"checkpoint body of {body_length} bytes, over 512")
    body = r.take(body_length)
    signature_length = r.uint(1)
    if signature_length > 72:
        raise CheckFailed(f"checkpoint signature of {signature_length} bytes, over 72")
    signature = r.take(signature_length)
    r.end()
    match = CHECKPOINT_BODY.fullmatch(body.decode("utf-8"))
    if not match:
        raise CheckFailed(f"checkpoint body is not the canonical text: {body!r}")
    time = int(match.group(4))
    if time > MAX_TIME:
        raise CheckFailed(f"checkpoint time {time} out of range")
    return {
        "origin": match.group(1),
        "size": int(match.group(2)),
        "root": bytes.fromhex(match.group(3)),
        "time": time,
        "body": body,
        "signature": signature,
    }
