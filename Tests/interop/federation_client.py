#!/usr/bin/env python3
"""A Hallmark federation client on Python's gRPC stack, written from Protocol/ alone.

It generates its gRPC stubs from Protocol/hallmark/v1/federation.proto with grpcio-tools into a
temporary folder, connects to a node over mutual TLS with a member certificate, fetches one
origin's whole log in chunks and checks it independently of the Swift code:

- every chunk as PROTOCOL.md section 3 says (expected first index, the tiling of the right
  subtrees, the frontier append, the root against the checkpoint's);
- every entry's structure and its origin and index (log-format.md section 2.2);
- the RFC 9162 root of all the leaves, computed recursively, against the checkpoint's root and size;
- the checkpoint's body (log-format.md section 4) and its ECDSA P-256 signature, with the key of the
  origin's certificate from GetHeads, which must be issued by the alliance CA and name the origin.

It prints what it checked and exits 0 only when every check passed; 1 when one failed; 2 when it
could not run (bad arguments, stubs that do not generate).

    federation_client.py --port 7401 --cert member.pem --key member-key.pem --ca ca.pem --origin brand-a

With --offer-to PORT it also exercises Offer (PROTOCOL.md section 4.5) as the dialling side: it opens
an Offer call to the node at PORT and answers that node's requests by relaying them to the node at
--port (GetHeads, FetchLog), announcing the heads it holds first, so that the node at PORT learns the
logs of the node at --port through a connection the client opened. With --offer-violation it instead
answers a request never sent, which the node must refuse with INVALID_ARGUMENT; with --offer-twice it
first opens an Offer call it leaves unanswered, which the node must end with ABORTED once the second opens.

Needs: grpcio, grpcio-tools, cryptography (see Tests/interop/requirements.txt).
"""

import argparse
import json
import queue
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from log_format import CheckFailed, decode_checkpoint, decode_entry, leaf_hash, node_hash, sha256

REPOSITORY = Path(__file__).resolve().parents[2]


def merkle_root(leaves: list) -> bytes:
    """MTH over leaf hashes, recursively as RFC 9162 section 2.1.1 defines it."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def self_test(vectors: Path) -> None:
    """Checks this script's own hashing and decoding against Protocol/test-vectors before trusting them."""
    reference = json.loads((vectors / "merkle.json").read_text())["reference"]
    leaves = [leaf_hash(bytes.fromhex(data)) for data in reference["leafInputs"]]
    for size, root in enumerate(reference["roots"]):
        if merkle_root(leaves[:size]).hex() != root:
            raise CheckFailed(f"self-test: this script's Merkle root of {size} reference leaves is wrong")
    entries = json.loads((vectors / "entries.json").read_text())
    for vector in entries["valid"]:
        data = bytes.fromhex(vector["encodedHex"])
        if leaf_hash(data).hex() != vector["leafHash"] or decode_entry(data, "vector")["index"] != vector["index"]:
            raise CheckFailed(f"self-test: valid entry vector {vector['index']} is not read right")
    for vector in entries["invalid"]:
        try:
            decode_entry(bytes.fromhex(vector["encodedHex"]), "vector")
        except CheckFailed:
            continue
        raise CheckFailed(f"self-test: invalid entry vector accepted: {vector['description']}")


# The chunk check of PROTOCOL.md section 3.


def tiling_sizes(p: int, n: int) -> list:
    """The exponents k of the aligned subtrees [p, p + 2^k) that tile [p, n), left to right (section 3.1)."""
    sizes = []
    while p < n:
        k = 0
        while (p == 0 or p % (1 << (k + 1)) == 0) and p + (1 << (k + 1)) <= n:
            k += 1
        sizes.append(k)
        p += 1 << k
    return sizes


class Frontier:
    """The maximal complete subtrees of [0, size), largest first (log-format.md section 3.1)."""

    def __init__(self, size: int = 0, hashes: list = None):
        self.size = size
        self.hashes = list(hashes or [])

    def copy(self) -> "Frontier":
        return Frontier(self.size, self.hashes)

    def append(self, h: bytes, k: int) -> None:
        if self.size % (1 << k) != 0:
            raise CheckFailed(f"cannot append a subtree of 2^{k} leaves to a frontier of size {self.size}")
        s = self.size >> k
        while s & 1:
            h = node_hash(self.hashes.pop(), h)
            s >>= 1
        self.hashes.append(h)
        self.size += 1 << k

    def root(self) -> bytes:
        if not self.hashes:
            return sha256(b"")
        h = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            h = node_hash(left, h)
        return h


def verify_checkpoint_signature(checkpoint: dict, certificate_der: bytes, ca_pem: bytes) -> None:
    """The origin's certificate is the alliance CA's and names the origin; its P-256 key signed the body."""
    certificate = x509.load_der_x509_certificate(certificate_der)
    ca = x509.load_pem_x509_certificate(ca_pem)
    try:
        certificate.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature) as error:
        raise CheckFailed(f"the origin certificate is not issued by the alliance CA: {error}")
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    uris = names.get_values_for_type(x509.UniformResourceIdentifier)
    if uris != [f"hallmark://member/{checkpoint['origin']}"]:
        raise CheckFailed(f"the origin certificate names {uris}, not {checkpoint['origin']}")
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CheckFailed("the origin certificate's key is not P-256")
    try:
        key.verify(checkpoint["signature"], checkpoint["body"], ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise CheckFailed("the checkpoint signature does not verify with the origin certificate's key")


# gRPC.


def generate_stubs(protocol: Path, into: Path) -> None:
    command = [
        sys.executable, "-m", "grpc_tools.protoc", f"-I{protocol}",
        f"--python_out={into}", f"--pyi_out={into}", f"--grpc_python_out={into}",
        "hallmark/v1/federation.proto",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"error: grpc_tools.protoc failed:\n{result.stderr}", file=sys.stderr)
        sys.exit(2)


def fetch_and_check(arguments, pb, stub, ca_pem: bytes) -> None:
    # An unset protocol_version (0) must be refused (PROTOCOL.md section 6).
    try:
        stub.GetHeads(pb.GetHeadsRequest(), timeout=30)
        raise CheckFailed("GetHeads without protocol_version was answered; FAILED_PRECONDITION expected")
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
            raise CheckFailed(f"GetHeads without protocol_version: {error.code()}, not FAILED_PRECONDITION")
    print("GetHeads with protocol_version 0: refused with FAILED_PRECONDITION")

    response = stub.GetHeads(pb.GetHeadsRequest(protocol_version=1), timeout=30)
    if response.protocol_version < 1:
        raise CheckFailed(f"server speaks protocol_version {response.protocol_version}")
    print(
        f"GetHeads: member {response.member}, {len(response.heads)} heads, "
        f"protocol_version {response.protocol_version}"
    )
    heads = [head for head in response.heads if head.origin == arguments.origin]
    if len(heads) != 1:
        raise CheckFailed(f"expected one head of {arguments.origin}, got {len(heads)}")
    head = heads[0]
    checkpoint = decode_checkpoint(head.checkpoint)
    if checkpoint["origin"] != arguments.origin:
        raise CheckFailed(f"the head of {arguments.origin} carries a checkpoint of {checkpoint['origin']}")
    verify_checkpoint_signature(checkpoint, head.certificate_der, ca_pem)
    size = checkpoint["size"]
    print(
        f"checkpoint of {arguments.origin}: size {size}, root {checkpoint['root'].hex()}; "
        "signature verified with the origin certificate (issued by the alliance CA)"
    )

    request = pb.FetchLogRequest(
        origin=arguments.origin, start=0, tree_size=size, max_entries_per_chunk=arguments.chunk
    )
    frontier = Frontier()
    leaves = []
    chunks = 0
    for chunk in stub.FetchLog(request, timeout=60):
        where = f"chunk {chunks} (first_index {chunk.first_index})"
        # Step 1: position and size.
        if chunk.first_index != frontier.size:
            raise CheckFailed(f"{where}: expected first_index {frontier.size}")
        count = len(chunk.entries)
        if count == 0 or count > arguments.chunk or chunk.first_index + count > size:
            raise CheckFailed(f"{where}: {count} entries, asked for 1-{arguments.chunk} within size {size}")
        # Step 2: the same signed checkpoint in every chunk.
        if chunk.checkpoint != head.checkpoint:
            raise CheckFailed(f"{where}: carries another checkpoint than the head's")
        # Step 3: entries decode, of this origin, in order.
        entries = [bytes(entry) for entry in chunk.entries]
        if arguments.tamper and chunks == 1:
            # Flip one bit of the second chunk's first entry's digest: it still decodes, but must not verify.
            at = len(entries[0]) // 2
            entries[0] = entries[0][:at] + bytes([entries[0][at] ^ 0x01]) + entries[0][at + 1 :]
            print(f"tampered: flipped a bit of entry {chunk.first_index} before hashing it")
        for offset, data in enumerate(entries):
            index = chunk.first_index + offset
            entry = decode_entry(data, f"entry {arguments.origin}#{index}")
            if entry["origin"] != arguments.origin or entry["index"] != index:
                raise CheckFailed(f"entry at {index} claims {entry['origin']}#{entry['index']}")
        # Step 4: the right subtrees tile [first_index + count, size).
        exponents = tiling_sizes(chunk.first_index + count, size)
        if len(chunk.right_subtrees) != len(exponents) or any(len(h) != 32 for h in chunk.right_subtrees):
            raise CheckFailed(
                f"{where}: {len(chunk.right_subtrees)} right subtrees, expected {len(exponents)} of 32 bytes"
            )
        # Step 5: on a copy of the frontier, the leaves and then the right subtrees give the signed root.
        hashes_of_chunk = [leaf_hash(data) for data in entries]
        trial = frontier.copy()
        for h in hashes_of_chunk:
            trial.append(h, 0)
        after_entries = trial.copy()
        for h, k in zip(chunk.right_subtrees, exponents):
            trial.append(bytes(h), k)
        if trial.size != size or trial.root() != checkpoint["root"]:
            raise CheckFailed(f"{where}: root {trial.root().hex()} at size {trial.size} is not the checkpoint's")
        print(
            f"chunk {chunks}: entries {chunk.first_index}..<{chunk.first_index + count}, "
            f"{len(exponents)} right subtrees, root matches"
        )
        # Step 6: keep the frontier after the entries.
        frontier = after_entries
        leaves.extend(hashes_of_chunk)
        chunks += 1

    if frontier.size != size:
        raise CheckFailed(f"the stream ended after {frontier.size} of {size} entries")
    root = merkle_root(leaves)
    if root != checkpoint["root"]:
        raise CheckFailed(f"the Merkle root of all {len(leaves)} entries, {root.hex()}, is not the checkpoint's")
    print(f"fetched {len(leaves)} entries of {arguments.origin} in {chunks} chunks")
    print(f"Merkle root of all {len(leaves)} leaves matches the signed checkpoint (size {size})")


def offer(pb, source, target, violation: bool) -> None:
    """Opens Offer on `target` and answers its requests from `source` (PROTOCOL.md section 4.5)."""
    outbox = queue.Queue()

    def messages():
        while True:
            message = outbox.get()
            if message is None:
                return
            yield message

    held = source.GetHeads(pb.GetHeadsRequest(protocol_version=2), timeout=30)
    if violation:
        # An answer to a request id the server never sent: the server must end the call.
        outbox.put(pb.OfferMessage(id=99, end=pb.OfferEnd()))
    else:
        for head in held.heads:
            outbox.put(pb.OfferMessage(id=0, head=head))
    print(f"Offer: announced {0 if violation else len(held.heads)} heads")
    call = target.Offer(messages(), timeout=120)
    answered = {"get_heads": 0, "fetch_log": 0, "chunks": 0}
    try:
        for request in call:
            kind = request.WhichOneof("request")
            if request.id == 0:
                raise CheckFailed("the server sent a request with id 0")
            if kind == "get_heads":
                heads = source.GetHeads(pb.GetHeadsRequest(protocol_version=2), timeout=30)
                outbox.put(pb.OfferMessage(id=request.id, heads=heads))
            elif kind == "fetch_log":
                end = pb.OfferEnd()
                try:
                    for chunk in source.FetchLog(request.fetch_log, timeout=60):
                        outbox.put(pb.OfferMessage(id=request.id, chunk=chunk))
                        answered["chunks"] += 1
                except grpc.RpcError as error:
                    end = pb.OfferEnd(code=error.code().value[0], message=error.details() or "")
                outbox.put(pb.OfferMessage(id=request.id, end=end))
                print(
                    f"Offer: answered fetch_log {request.fetch_log.origin} "
                    f"[{request.fetch_log.start}, {request.fetch_log.tree_size}) with code {end.code}"
                )
            else:
                raise CheckFailed(f"the server sent a request of unknown kind {kind}")
            answered[kind] += 1
            if answered["fetch_log"] >= 1 and kind == "fetch_log":
                # What this test offers has been asked for and sent: end our side; the server ends its own.
                outbox.put(None)
    except grpc.RpcError as error:
        outbox.put(None)
        if violation and error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            print(f"Offer with an answer to no request: refused with INVALID_ARGUMENT ({error.details()})")
            return
        if not violation and error.code() == grpc.StatusCode.CANCELLED:
            pass
        else:
            raise
    outbox.put(None)
    if violation:
        raise CheckFailed("an answer to a request never sent was not refused")
    if answered["get_heads"] < 1 or answered["fetch_log"] < 1:
        raise CheckFailed(f"the server asked too little over the Offer call: {answered}")
    print(
        f"Offer: answered {answered['get_heads']} get_heads and {answered['fetch_log']} fetch_log requests "
        f"with {answered['chunks']} chunks"
    )


def offer_twice(pb, source, target) -> None:
    """Opens an Offer call and leaves it unanswered, then offers over a second call: the server keeps one call per
    member, so it must end the first with ABORTED and take the offer over the second (PROTOCOL.md section 4.5)."""
    outbox = queue.Queue()

    def silent():
        while outbox.get() is not None:
            pass
        return
        yield  # a generator that sends nothing

    first = target.Offer(silent(), timeout=120)
    request = next(first)  # the server asks at once: the call is open on its side
    print(f"Offer: first call open (the server asked {request.WhichOneof('request')})")
    try:
        offer(pb, source, target, False)
        try:
            for _ in first:
                pass
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.ABORTED:
                raise CheckFailed(f"the first Offer call ended with {error.code()}, not ABORTED: {error.details()}")
            print(f"Offer: the first call ended with ABORTED once the second opened ({error.details()})")
            return
        raise CheckFailed("the first Offer call was not ended when the second opened")
    finally:
        outbox.put(None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", type=Path, required=True, help="member certificate (PEM)")
    parser.add_argument("--key", type=Path, required=True, help="member private key (PEM)")
    parser.add_argument("--ca", type=Path, required=True, help="alliance CA certificate (PEM)")
    parser.add_argument("--origin", required=True, help="the member whose log to fetch")
    parser.add_argument("--chunk", type=int, default=64, help="max_entries_per_chunk (default 64)")
    parser.add_argument("--server-name", help="the name to check the server certificate against")
    parser.add_argument("--protocol", type=Path, default=REPOSITORY / "Protocol")
    parser.add_argument("--tamper", action="store_true", help="flip a bit of one entry: the checks must fail")
    parser.add_argument("--offer-to", type=int, help="then offer what the node at --port holds to this port")
    parser.add_argument("--offer-violation", action="store_true", help="with --offer-to: break the Offer rules")
    parser.add_argument("--offer-twice", action="store_true", help="with --offer-to: open a second Offer call")
    arguments = parser.parse_args()
    if not 1 <= arguments.chunk <= 8192:
        parser.error("--chunk takes 1-8192")

    ca_pem = arguments.ca.read_bytes()
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ca_pem,
        private_key=arguments.key.read_bytes(),
        certificate_chain=arguments.cert.read_bytes(),
    )
    options = [("grpc.ssl_target_name_override", arguments.server_name)] if arguments.server_name else []
    with tempfile.TemporaryDirectory(prefix="hallmark-stubs-") as stubs:
        generate_stubs(arguments.protocol, Path(stubs))
        sys.path.insert(0, stubs)
        from hallmark.v1 import federation_pb2 as pb
        from hallmark.v1 import federation_pb2_grpc as pb_grpc

        print(f"generated Python stubs from {arguments.protocol / 'hallmark/v1/federation.proto'}")
        try:
            self_test(arguments.protocol / "test-vectors")
            print("self-test against Protocol/test-vectors: Merkle roots and entry decoding agree")
            with grpc.secure_channel(f"{arguments.host}:{arguments.port}", credentials, options) as channel:
                fetch_and_check(arguments, pb, pb_grpc.FederationStub(channel), ca_pem)
                if arguments.offer_to:
                    target_address = f"{arguments.host}:{arguments.offer_to}"
                    with grpc.secure_channel(target_address, credentials, options) as target:
                        if arguments.offer_twice:
                            offer_twice(pb, pb_grpc.FederationStub(channel), pb_grpc.FederationStub(target))
                        else:
                            offer(pb, pb_grpc.FederationStub(channel), pb_grpc.FederationStub(target),
                                  arguments.offer_violation)  # fmt: skip
        except CheckFailed as failure:
            print(f"FAILED: {failure}")
            return 1
        except grpc.RpcError as error:
            print(f"FAILED: call refused: {error.code()}: {error.details()}")
            return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
