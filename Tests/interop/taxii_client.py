"""Reads a Hallmark node's TAXII 2.1 server with the OASIS client (taxii2-client) and prints what it found as JSON.

Usage: taxii_client.py URL PER_REQUEST

It lists the API roots and collections, pages through the objects and the manifest of every collection, and checks
the media types and an Accept header the server must refuse, the way a security tool reading the feed would.
"""

import json
import sys

import requests
from taxii2client.v21 import Server, as_pages


def main():
    url, per_request = sys.argv[1], int(sys.argv[2])
    server = Server(url)
    root = server.default
    report = {"title": server.title, "api_roots": [r.url for r in server.api_roots], "collections": {}}
    for collection in root.collections:
        ids, pages, headers = [], 0, None
        for envelope in as_pages(collection.get_objects, per_request=per_request):
            pages += 1
            ids += [o["id"] for o in envelope.get("objects", [])]
        manifest = []
        for envelope in as_pages(collection.get_manifest, per_request=per_request * 5):
            manifest += [m["id"] for m in envelope.get("objects", [])]
        first = requests.get(collection.url + "objects/", params={"limit": 1},
                             headers={"Accept": "application/taxii+json;version=2.1"})
        headers = {k: v for k, v in first.headers.items() if k.lower().startswith("x-taxii")}
        report["collections"][collection.title] = {
            "id": collection.id,
            "can_read": collection.can_read,
            "can_write": collection.can_write,
            "objects": len(ids),
            "distinct": len(set(ids)),
            "pages": pages,
            "manifest": len(manifest),
            "manifest_distinct": len(set(manifest)),
            "content_type": first.headers.get("Content-Type"),
            "date_headers": sorted(headers),
        }
    refused = requests.get(url, headers={"Accept": "application/json"})
    report["plain_json_accept"] = refused.status_code
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
