#!/usr/bin/env python3
"""A listing pipeline's check against a Hallmark node: which of these new listings' sellers, SKUs and URLs are known
counterfeit, and who says so.

Reads identifiers, one `KIND VALUE` a line (kinds: seller, sku, url, image-pdq), from a file or standard input,
asks the node in batches of up to 10 000 (`POST /v1/check`, one request a batch), and prints one line per listed
identifier with the members that list it. Exits 0 when nothing is listed, 1 when something is (block or review
those listings), 2 on an error. Python's standard library only.

    check_listings.py --node http://127.0.0.1:7480 new-listings.txt
    check_listings.py --node https://hallmark.internal:7480 --token "$HALLMARK_TOKEN" --ca ca.pem < listings.txt
"""

import argparse
import json
import ssl
import sys
import urllib.error
import urllib.request

BATCH = 10_000


def read_identifiers(lines):
    identifiers = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, value = line.partition(" ")
        if not value.strip():
            raise ValueError(f"line {number}: expected 'KIND VALUE', got {line!r}")
        identifiers.append({"kind": kind, "value": value.strip()})
    return identifiers


def check(node, identifiers, token=None, context=None):
    """The node's verdicts for `identifiers`, in order."""
    verdicts = []
    for start in range(0, len(identifiers), BATCH):
        body = json.dumps({"identifiers": identifiers[start : start + BATCH]}).encode()
        request = urllib.request.Request(
            node.rstrip("/") + "/v1/check", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=60, context=context) as response:
                verdicts += json.load(response)["verdicts"]
        except urllib.error.HTTPError as error:
            # The node answers problems as RFC 9457 documents: say what it said.
            problem = json.loads(error.read() or b"{}")
            raise RuntimeError(f"the node refused the check: {error.code} {problem.get('detail', error.reason)}")
    return verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="identifiers, one 'KIND VALUE' a line (default: standard input)")
    parser.add_argument("--node", default="http://127.0.0.1:7480", help="the node's HTTP API")
    parser.add_argument("--token", help="a read token (needed beyond loopback)")
    parser.add_argument("--ca", help="the CA certificate that issued the API's HTTPS certificate (ca.pem)")
    arguments = parser.parse_args()
    context = ssl.create_default_context(cafile=arguments.ca) if arguments.ca else None
    try:
        with open(arguments.file) if arguments.file else sys.stdin as lines:
            identifiers = read_identifiers(lines)
        verdicts = check(arguments.node, identifiers, arguments.token, context)
    except (OSError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    listed = [verdict for verdict in verdicts if verdict["status"] == "listed"]
    for verdict in listed:
        sources = ", ".join(
            f"{origin['member']} (confidence {origin['confidence']}, {origin['reason']})" for origin in verdict["origins"]
        )
        print(f"LISTED {verdict['kind']} {verdict['value']}: {sources}")
    print(f"{len(identifiers)} checked, {len(listed)} listed", file=sys.stderr)
    return 1 if listed else 0


if __name__ == "__main__":
    sys.exit(main())
