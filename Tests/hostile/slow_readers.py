#!/usr/bin/env python3
"""Reads one origin's log from a node over many FetchLog streams at once, each slowly, as a hostile member might.

Opens COUNT streams (each on a channel of its own, so each is its own HTTP/2 connection) asking for the whole log
of ORIGIN at its latest checkpoint, reads one chunk every INTERVAL seconds on each for SECONDS seconds (or, with
--until-stdin-closes, until its standard input is closed, if sooner), then cancels
them all and exits. Prints how many chunks each read. Used to measure what a node keeps in memory for slow readers
and whether it gives it back (RELIABILITY.md, "Slow readers").

    slow_readers.py --port 7401 --cert m.pem --key m-key.pem --ca ca.pem --origin brand-a --count 20

Needs: grpcio, grpcio-tools (see Tests/interop/requirements.txt).
"""

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import grpc

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "Tests/interop"))
from federation_client import generate_stubs  # noqa: E402
from log_format import decode_checkpoint  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--ca", type=Path, required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=1024, help="max_entries_per_chunk")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between two reads of one stream")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--until-stdin-closes",
        action="store_true",
        help="also stop, before SECONDS, as soon as standard input is closed (so a test ends the attack when it is done)",
    )
    arguments = parser.parse_args()

    credentials = grpc.ssl_channel_credentials(
        root_certificates=arguments.ca.read_bytes(),
        private_key=arguments.key.read_bytes(),
        certificate_chain=arguments.cert.read_bytes(),
    )
    with tempfile.TemporaryDirectory(prefix="hallmark-stubs-") as stubs:
        generate_stubs(REPOSITORY / "Protocol", Path(stubs))
        sys.path.insert(0, stubs)
        from hallmark.v1 import federation_pb2 as pb
        from hallmark.v1 import federation_pb2_grpc as pb_grpc

        channels = [grpc.secure_channel(f"127.0.0.1:{arguments.port}", credentials) for _ in range(arguments.count)]
        heads = pb_grpc.FederationStub(channels[0]).GetHeads(pb.GetHeadsRequest(protocol_version=1), timeout=30)
        sizes = [decode_checkpoint(head.checkpoint)["size"] for head in heads.heads if head.origin == arguments.origin]
        if not sizes:
            print(f"error: the node holds no log of {arguments.origin}", file=sys.stderr)
            return 2
        request = pb.FetchLogRequest(
            origin=arguments.origin, start=0, tree_size=sizes[0], max_entries_per_chunk=arguments.chunk
        )
        streams = [pb_grpc.FederationStub(channel).FetchLog(request) for channel in channels]
        read = [0] * len(streams)
        end = time.monotonic() + arguments.seconds
        stop = threading.Event()

        def watch_stdin() -> None:
            while sys.stdin.buffer.read1(4096):
                pass
            stop.set()

        if arguments.until_stdin_closes:
            threading.Thread(target=watch_stdin, daemon=True).start()

        def reader(index: int) -> None:
            try:
                for _ in streams[index]:
                    read[index] += 1
                    if time.monotonic() >= end or stop.wait(arguments.interval):
                        return
            except grpc.RpcError:
                pass

        threads = [threading.Thread(target=reader, args=(index,)) for index in range(len(streams))]
        for thread in threads:
            thread.start()
        print(f"reading {len(streams)} streams of {sizes[0]} entries", flush=True)
        for thread in threads:
            thread.join()
        for stream in streams:
            stream.cancel()
        for channel in channels:
            channel.close()
        print(f"chunks read per stream: {read}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
