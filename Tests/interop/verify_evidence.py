#!/usr/bin/env python3
"""A second, independent verifier of Hallmark evidence bundles, written from Protocol/evidence.md alone.

It checks each bundle with nothing but the bundle and the alliance CA certificate, making the checks of
evidence.md section 4 in their order and under their names, and prints each check and a verdict:

    verify_evidence.py --alliance-ca ca.pem bundle.json [more.json ...]

For each file it prints `== FILE`, one line per check (`ok`, `FAILED` or `NOT CHECKED`, the check's name,
the item, the detail) and `VERDICT: VALID`, `VERDICT: INVALID. Check 'NAME' failed for ITEM: ...` or
`VERDICT: UNREADABLE. ...`. Exit status: 0 when every bundle is valid, 1 when one is invalid, 2 when one
cannot be read (or the CA certificate cannot).

Needs only the standard library and `cryptography` (see requirements.txt).
"""

import argparse
import datetime
import hashlib
import json
import re
import sys

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from log_format import CheckFailed, decode_checkpoint, decode_entry, leaf_hash, node_hash

FORMAT = "hallmark-evidence/1"
MEMBER = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
KIND = re.compile(r"[a-z0-9-]{1,32}")
HASH = re.compile(r"[0-9a-f]{64}")
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
ACTIONS = {1: "assert", 2: "retract", 3: "dispute"}


class Unreadable(Exception):
    """The input is not a readable bundle of this format."""


# Values: lower-case hex and canonical times only, so that no changed character reads as the same value.


def unhex(text, what: str) -> bytes:
    if not isinstance(text, str) or len(text) % 2 or not re.fullmatch(r"[0-9a-f]*", text):
        raise CheckFailed(f"{what} is not lower-case hex")
    return bytes.fromhex(text)


def unhash(text, what: str) -> bytes:
    if not isinstance(text, str) or not HASH.fullmatch(text):
        raise CheckFailed(f"{what} is not 64 lower-case hex digits")
    return bytes.fromhex(text)


def milliseconds(text, what: str) -> int:
    """Milliseconds since 1970 of a canonical ISO 8601 time such as 2026-11-29T04:40:30.123Z."""
    if not isinstance(text, str) or not TIME.fullmatch(text):
        raise CheckFailed(f"{what} '{text}' is not a UTC time written as 2026-11-29T04:40:30.123Z")
    try:
        moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise CheckFailed(f"{what} '{text}' is not a valid time")
    return (moment - EPOCH) // datetime.timedelta(milliseconds=1)


def iso(ms: int) -> str:
    moment = EPOCH + datetime.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def moment(ms: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(milliseconds=ms)


# Reading: every key required, each of the type evidence.md section 2 gives.


SHAPES = {
    "bundle": {"format": str, "subject": "subject", "producer": "producer", "allianceCAFingerprint": str,
               "revocationList": (str, None), "origins": ["origin"], "entries": ["entry"], "attestation": str},
    "subject": {"kind": str, "digest": str},
    "producer": {"member": str, "certificate": str, "time": str},
    "origin": {"member": str, "certificate": str},
    "entry": {"origin": str, "index": int, "bytes": str, "claim": "claim", "checkpoint": "checkpoint",
              "inclusionProof": "proof", "hops": ["hop"]},
    "claim": {"time": str, "action": str, "kind": str, "digest": str, "keyID": str, "confidence": int,
              "reason": str, "expires": (str, None), "note": str, "disputedOrigin": (str, None)},
    "checkpoint": {"encoded": str, "treeSize": int, "rootHash": str, "signedAt": str, "receivedAt": str},
    "proof": {"treeSize": int, "path": [str]},
    "hop": {"from": str, "to": str, "at": str},
}


def check_shape(value, shape, path: str) -> None:
    if isinstance(shape, str):
        if not isinstance(value, dict):
            raise Unreadable(f"{path} is not an object")
        for key, inner in SHAPES[shape].items():
            if key not in value:
                raise Unreadable(f"key '{key}' is missing in {path}")
            check_shape(value[key], inner, f"{path}.{key}")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise Unreadable(f"{path} is not a list")
        for i, item in enumerate(value):
            check_shape(item, shape[0], f"{path}[{i}]")
    elif isinstance(shape, tuple):
        if value is not None and not isinstance(value, str):
            raise Unreadable(f"{path} is neither text nor null")
    elif shape is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Unreadable(f"{path} is not a whole number")
    elif not isinstance(value, shape):
        raise Unreadable(f"{path} is not text")


def read_bundle(data: bytes) -> dict:
    if not data:
        raise Unreadable("the file is empty, not an evidence bundle")
    try:
        bundle = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unreadable(f"not an evidence bundle: the file is not valid JSON (truncated or altered?): {error}")
    check_shape(bundle, "bundle", "the bundle")
    if bundle["format"] != FORMAT:
        raise Unreadable(f"the bundle's format is '{bundle['format']}'; this verifier reads '{FORMAT}'")
    return bundle


# The attested text of evidence.md section 3.


def attested_text(bundle: dict) -> bytes:
    lines = ["hallmark/v1 evidence"]

    def line(name, value):
        if value is None:
            lines.append(f"{name} null")
        else:
            lines.append(f"{name} {hashlib.sha256(str(value).encode('utf-8')).hexdigest()}")

    for name, value in [
        ("format", bundle["format"]), ("subject.kind", bundle["subject"]["kind"]),
        ("subject.digest", bundle["subject"]["digest"]), ("producer.member", bundle["producer"]["member"]),
        ("producer.certificate", bundle["producer"]["certificate"]), ("producer.time", bundle["producer"]["time"]),
        ("allianceCAFingerprint", bundle["allianceCAFingerprint"]), ("revocationList", bundle["revocationList"]),
    ]:
        line(name, value)
    lines.append(f"origins {len(bundle['origins'])}")
    for origin in bundle["origins"]:
        line("origin.member", origin["member"])
        line("origin.certificate", origin["certificate"])
    lines.append(f"entries {len(bundle['entries'])}")
    for entry in bundle["entries"]:
        line("entry.origin", entry["origin"])
        line("entry.index", entry["index"])
        line("entry.bytes", entry["bytes"])
        for key in ["time", "action", "kind", "digest", "keyID", "confidence", "reason", "expires", "note",
                    "disputedOrigin"]:
            line(f"claim.{key}", entry["claim"][key])
        for key in ["encoded", "treeSize", "rootHash", "signedAt", "receivedAt"]:
            line(f"checkpoint.{key}", entry["checkpoint"][key])
        line("inclusionProof.treeSize", entry["inclusionProof"]["treeSize"])
        lines.append(f"inclusionProof.path {len(entry['inclusionProof']['path'])}")
        for hash_hex in entry["inclusionProof"]["path"]:
            line("path", hash_hex)
        lines.append(f"hops {len(entry['hops'])}")
        for hop in entry["hops"]:
            line("hop.from", hop["from"])
            line("hop.to", hop["to"])
            line("hop.at", hop["at"])
    return ("\n".join(lines) + "\n").encode("utf-8")


# Certificates and the revocation list.


def member_certificate(pem: str, member: str, at_ms: int, ca, what: str):
    """A member certificate issued by the alliance CA, naming `member`, valid at `at_ms`, with a P-256 key."""
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("utf-8"))
    except ValueError as error:
        raise CheckFailed(f"the {what} certificate of {member} is not a PEM certificate: {error}")
    try:
        certificate.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise CheckFailed(f"the {what} certificate of {member} was not issued by the alliance CA")
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        if constraints.ca:
            raise CheckFailed(f"the {what} certificate of {member} is a CA certificate")
    except x509.ExtensionNotFound:
        pass
    when = moment(at_ms)
    if not certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc:
        raise CheckFailed(f"the {what} certificate of {member} was not valid at {iso(at_ms)}")
    if not ca.not_valid_before_utc <= when <= ca.not_valid_after_utc:
        raise CheckFailed(f"the alliance CA was not valid at {iso(at_ms)}")
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = [u for u in names.get_values_for_type(x509.UniformResourceIdentifier)
                if u.startswith("hallmark://member/")]
    except x509.ExtensionNotFound:
        uris = []
    if uris != [f"hallmark://member/{member}"]:
        raise CheckFailed(f"the {what} certificate given for {member} names {uris}")
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CheckFailed(f"the {what} certificate of {member} does not hold a P-256 key")
    return certificate


def revocation_of(crl, certificate):
    """The list's entry for a certificate (matched by issuer and serial number), or None."""
    if crl is None or certificate.issuer != crl.issuer:
        return None
    return crl.get_revoked_certificate_by_serial_number(certificate.serial_number)


def revocation_reason(revoked) -> str:
    try:
        return revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason.name
    except x509.ExtensionNotFound:
        return "unspecified"


# The checks of evidence.md section 4.


class Verification:
    def __init__(self, bundle: dict, ca, ca_fingerprint: str):
        self.bundle, self.ca, self.ca_fingerprint = bundle, ca, ca_fingerprint
        self.checks = []
        self.crl, self.crl_usable, self.producer, self.subject = None, True, None, None

    def check(self, name: str, item: str, body) -> bool:
        try:
            detail = body()
            self.checks.append(("ok", name, item, detail))
            return True
        except CheckFailed as error:
            self.checks.append(("FAILED", name, item, str(error)))
            return False

    def skip(self, name: str, item: str, why: str) -> None:
        self.checks.append(("NOT CHECKED", name, item, why))

    def run(self) -> None:
        b = self.bundle

        def alliance_ca():
            if b["allianceCAFingerprint"] != self.ca_fingerprint:
                raise CheckFailed(f"the bundle was made for the alliance CA with fingerprint "
                                  f"{b['allianceCAFingerprint']}, not the CA given ({self.ca_fingerprint})")
            return f"the bundle names the given alliance CA (fingerprint {self.ca_fingerprint})"

        self.check("alliance-ca", "bundle", alliance_ca)

        def revocation_list():
            if b["revocationList"] is None:
                return "the bundle holds no revocation list"
            try:
                crl = x509.load_pem_x509_crl(b["revocationList"].encode("utf-8"))
            except ValueError as error:
                raise CheckFailed(f"the revocation list is not a PEM CRL: {error}")
            if crl.issuer != self.ca.subject:
                raise CheckFailed("the revocation list was not issued by the alliance CA")
            if not crl.is_signature_valid(self.ca.public_key()):
                raise CheckFailed("the revocation list's signature does not verify with the alliance CA's key")
            self.crl = crl
            return f"revocation list signed by the alliance CA, revokes {len(list(crl))} certificate(s)"

        self.crl_usable = self.check("revocation-list", "bundle", revocation_list)

        def producer_certificate():
            member = b["producer"]["member"]
            if not MEMBER.fullmatch(member):
                raise CheckFailed(f"the producer '{member}' is not a member id")
            at = milliseconds(b["producer"]["time"], "the bundle's production time")
            certificate = member_certificate(b["producer"]["certificate"], member, at, self.ca, "producer")
            if not self.crl_usable:
                raise CheckFailed("cannot tell whether it was revoked: the revocation list is unusable")
            revoked = revocation_of(self.crl, certificate)
            if revoked is not None and revoked.revocation_date_utc <= moment(at):
                raise CheckFailed(f"the producer {member}'s certificate was revoked before it made the bundle")
            self.producer = certificate
            return f"{member}'s certificate was issued by the alliance CA and valid at {iso(at)}"

        self.check("producer-certificate", "bundle", producer_certificate)

        def subject():
            if not KIND.fullmatch(b["subject"]["kind"]):
                raise CheckFailed(f"'{b['subject']['kind']}' is not a valid indicator kind name")
            unhash(b["subject"]["digest"], "the subject's digest")
            self.subject = (b["subject"]["kind"], b["subject"]["digest"])
            if not b["entries"]:
                raise CheckFailed("the bundle holds no entries: it proves nothing")
            return f"{b['subject']['kind']} identifier with digest {b['subject']['digest']}"

        self.check("subject", "bundle", subject)
        for entry in b["entries"]:
            self.run_entry(entry)
        self.attestation()

    def run_entry(self, record: dict) -> None:
        item = f"{record['origin']}#{record['index']}"
        state = {}

        def entry_bytes():
            data = unhex(record["bytes"], "the entry's bytes")
            entry = decode_entry(data, "the entry")
            if entry["origin"] != record["origin"] or entry["index"] != record["index"]:
                raise CheckFailed(f"the bytes are entry {entry['origin']}#{entry['index']}, not {item}")
            state["bytes"], state["entry"] = data, entry
            return f"{len(data)} bytes decode to a canonical entry"

        self.check("entry-bytes", item, entry_bytes)

        def claim():
            e = state["entry"]
            actual = {
                "time": iso(e["time"]), "action": ACTIONS[e["action"]], "kind": e["kind"],
                "digest": e["digest"].hex(), "keyID": e["key_id"], "confidence": e["confidence"],
                "reason": e["reason"], "expires": iso(e["expires"]) if "expires" in e else None,
                "note": decode_note(state["bytes"]), "disputedOrigin": e.get("disputed_origin"),
            }
            differences = [key for key in actual if record["claim"][key] != actual[key]]
            if differences:
                raise CheckFailed("the bundle's claim differs from what the entry's bytes say in "
                                  + ", ".join(differences))
            if self.subject is None or (actual["kind"], actual["digest"]) != self.subject:
                raise CheckFailed("the entry is not about the bundle's subject")
            return "the entry says what the bundle claims"

        if "entry" in state:
            self.check("claim", item, claim)
        else:
            self.skip("claim", item, "the entry's bytes are unusable")

        def checkpoint():
            fields = record["checkpoint"]
            parsed = decode_checkpoint(unhex(fields["encoded"], "the checkpoint"))
            if parsed["origin"] != record["origin"]:
                raise CheckFailed(f"the checkpoint is of {parsed['origin']}'s log, not {record['origin']}'s")
            differences = [name for name, same in [
                ("treeSize", parsed["size"] == fields["treeSize"]),
                ("rootHash", parsed["root"].hex() == fields["rootHash"]),
                ("signedAt", iso(parsed["time"]) == fields["signedAt"]),
            ] if not same]
            if differences:
                raise CheckFailed("the checkpoint's fields as the bundle spells them differ from the signed "
                                  "checkpoint in " + ", ".join(differences))
            state["received"] = milliseconds(fields["receivedAt"], "the checkpoint's reception time")
            state["checkpoint"] = parsed
            return f"checkpoint of {parsed['origin']}'s log at size {parsed['size']}"

        self.check("checkpoint", item, checkpoint)

        if "checkpoint" in state:
            cp = state["checkpoint"]

            def origin_certificate():
                pems = [o["certificate"] for o in self.bundle["origins"] if o["member"] == record["origin"]]
                if len(pems) != 1:
                    raise CheckFailed(f"the bundle holds {len(pems)} certificates of {record['origin']}; expected one")
                state["certificate"] = member_certificate(pems[0], cp["origin"], cp["time"], self.ca, "origin")
                return f"{cp['origin']}'s certificate was issued by the alliance CA and valid at {iso(cp['time'])}"

            self.check("origin-certificate", item, origin_certificate)
        else:
            self.skip("origin-certificate", item, "the checkpoint is unusable")

        if "checkpoint" in state and "certificate" in state:
            cp, certificate = state["checkpoint"], state["certificate"]

            def signature():
                try:
                    certificate.public_key().verify(cp["signature"], cp["body"], ec.ECDSA(hashes.SHA256()))
                except InvalidSignature:
                    raise CheckFailed(f"checkpoint of {cp['origin']} at size {cp['size']} is not signed by the given key")
                return "the checkpoint's signature verifies with the origin's certified key"

            def revocation():
                if not self.crl_usable:
                    raise CheckFailed("cannot tell: the bundle's revocation list is unusable")
                revoked = revocation_of(self.crl, certificate)
                if revoked is None:
                    return "the origin's certificate is not revoked"
                judged = max(cp["time"], state["received"])
                if revoked.revocation_date_utc <= moment(judged):
                    raise CheckFailed(
                        f"{cp['origin']}'s certificate was revoked as of "
                        f"{revoked.revocation_date_utc.strftime('%Y-%m-%dT%H:%M:%SZ')} "
                        f"({revocation_reason(revoked)}), before this checkpoint: signed at {iso(cp['time'])}, "
                        f"received at {iso(state['received'])}")
                return "the origin's certificate was revoked only after this checkpoint"

            self.check("checkpoint-signature", item, signature)
            self.check("revocation", item, revocation)
        else:
            why = "the checkpoint is unusable" if "checkpoint" not in state else "the origin's certificate is unusable"
            self.skip("checkpoint-signature", item, why)
            self.skip("revocation", item, why)

        if "checkpoint" in state and "bytes" in state:
            cp = state["checkpoint"]

            def inclusion():
                proof = record["inclusionProof"]
                if proof["treeSize"] != cp["size"]:
                    raise CheckFailed(f"the inclusion proof is for a tree of {proof['treeSize']} entries, but the "
                                      f"checkpoint covers {cp['size']}")
                path = [unhash(h, f"hash {i + 1} of the inclusion proof") for i, h in enumerate(proof["path"])]
                root = inclusion_root(record["index"], cp["size"], leaf_hash(state["bytes"]), path)
                if root != cp["root"]:
                    raise CheckFailed(f"inclusion proof for leaf {record['index']} of {cp['size']} leads to root "
                                      f"{root.hex()}, not {cp['root'].hex()}")
                return f"the entry's bytes are leaf {record['index']} of the tree the checkpoint signs"

            self.check("inclusion-proof", item, inclusion)
        else:
            why = "the checkpoint is unusable" if "checkpoint" not in state else "the entry's bytes are unusable"
            self.skip("inclusion-proof", item, why)

    def attestation(self) -> None:
        if self.producer is None:
            self.skip("attestation", "bundle", "the producer's certificate is unusable")
            return

        def verify():
            signature = unhex(self.bundle["attestation"], "the attestation")
            try:
                self.producer.public_key().verify(signature, attested_text(self.bundle), ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                raise CheckFailed(f"the producer {self.bundle['producer']['member']}'s signature over the bundle "
                                  "does not verify: a value of the bundle was changed after it was made")
            return "the producer signed every value of the bundle"

        self.check("attestation", "bundle", verify)


def decode_note(data: bytes) -> str:
    """The note of an entry that decode_entry accepted: after the fixed fields and the short strings."""
    at = 1
    at += 1 + data[at]  # origin
    at += 8 + 8 + 1  # index, time, action
    at += 1 + data[at]  # kind
    at += 32  # digest
    at += 1 + data[at]  # keyID
    at += 1  # confidence
    at += 1 + data[at]  # reason
    at += 1 + (8 if data[at] else 0)  # expires
    length = int.from_bytes(data[at : at + 2], "big")
    return data[at + 2 : at + 2 + length].decode("utf-8")


def inclusion_root(index: int, size: int, leaf: bytes, path: list) -> bytes:
    """RFC 9162 section 2.1.3.2: the root an audit path leads to from a leaf."""
    if index >= size:
        raise CheckFailed(f"leaf index {index} is not below the tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise CheckFailed(f"inclusion path has {len(path)} hashes, more than leaf {index} of {size} needs")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise CheckFailed(f"inclusion path has {len(path)} hashes, fewer than leaf {index} of {size} needs")
    return r


def verify_file(path: str, ca, ca_fingerprint: str) -> int:
    print(f"== {path}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(64 << 20 + 1)
        if len(data) > 64 << 20:
            raise Unreadable("the file is larger than an evidence bundle may be")
        bundle = read_bundle(data)
    except (OSError, Unreadable) as error:
        print(f"VERDICT: UNREADABLE. {error}")
        return 2
    verification = Verification(bundle, ca, ca_fingerprint)
    verification.run()
    for outcome, name, item, detail in verification.checks:
        print(f"  {outcome:<11}  {name}  {item}  {detail}")
    failures = [c for c in verification.checks if c[0] != "ok"]
    if not failures:
        print("VERDICT: VALID")
        return 0
    first = next((c for c in failures if c[0] == "FAILED"), failures[0])
    print(f"VERDICT: INVALID. Check '{first[1]}' failed for {first[2]}: {first[3]}")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description="Verify Hallmark evidence bundles (Protocol/evidence.md).")
    parser.add_argument("--alliance-ca", required=True, help="the alliance CA certificate (PEM)")
    parser.add_argument("bundles", nargs="+", help="evidence bundle files (JSON)")
    arguments = parser.parse_args()
    try:
        with open(arguments.alliance_ca, "rb") as handle:
            ca = x509.load_pem_x509_certificate(handle.read())
    except (OSError, ValueError) as error:
        print(f"cannot read the alliance CA certificate: {error}", file=sys.stderr)
        return 2
    fingerprint = hashlib.sha256(ca.public_bytes(serialization.Encoding.DER)).hexdigest()
    status = 0
    for path in arguments.bundles:
        status = max(status, verify_file(path, ca, fingerprint))
    return status


if __name__ == "__main__":
    sys.exit(main())
