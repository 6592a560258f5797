#!/usr/bin/env python3
"""Kills Hallmark nodes with SIGKILL at random moments while they import, sync and rebuild filters, and checks after
every restart that nothing acknowledged was lost and that the store still proves what it holds (RELIABILITY.md,
"Crashes").

    scripts/crash-harness.py [--hallmark PATH] [--kills N] [--seconds S] [--initial N] [--seed N] [--json]
                             [--data-root DIR [--fill-disk]]

Three members (brand-a, brand-b, market-c of the development alliance, Certificates/dev) each run `hallmark node`
on loopback with the other two as peers, so that every node syncs as sender and receiver. brand-a starts with
--initial sellers imported, so that a node killed early is in the middle of a cold sync. While the harness runs:

- writers send batches of new SKUs to a random node's API (`POST /v1/indicators`), import CSV files through
  `hallmark import` (which goes through the running node, or into the store when the node is down), and retract
  some acknowledged SKUs (`POST /v1/retractions`), which makes the nodes rebuild their filters;
- every 0.2 to 2 s one node is killed with SIGKILL. While it is down, `hallmark audit verify-store` must exit 0.
  It is restarted, and every write it acknowledged must answer as acknowledged (listed, or not listed once its
  retraction was acknowledged) from its API.

After the last kill the writers stop, the nodes must converge (the same logs, sizes and roots at all three) within
two minutes, every acknowledged write must answer right at every node, and verify-store must pass at each.

With --fill-disk the data folders go under --data-root, which should be a small file system of its own (a tmpfs
mounted with size=…): from a third of the kills to two thirds, a filler file takes every byte left on it. Meanwhile
every write the nodes refuse must be refused clearly (API: 507 `storage-full`; CLI: an error saying the disk is
full), the kills, restarts and verify-store go on (a node killed while the disk is full may find no room to open its
store: then verify-store and the node must say that the disk is full, and both run once space returns), and nothing
acknowledged before may be lost; once the filler is deleted, writes must be acknowledged again. The harness's own files (logs, CSV files) stay in a temporary folder.
Prints a summary (with --json, one JSON object) and exits 0 only when the run holds: N kills within S seconds,
no acknowledged write lost, no store failing verification, convergence. Needs only Python's standard library.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV = os.path.join(ROOT, "Certificates", "dev")
MEMBERS = ["brand-a", "brand-b", "market-c"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One member's data folder and, while it runs, its `hallmark node` process."""

    def __init__(self, hallmark, data_root, work, member):
        self.hallmark = hallmark
        self.member = member
        self.data = os.path.join(data_root, member)
        self.federation_port = free_port()
        self.api_port = free_port()
        self.log_path = os.path.join(work, f"{member}.log")
        self.process = None
        self.starts = 0

    def init(self):
        run([self.hallmark, "init", "--data", self.data,
             "--member-cert", os.path.join(DEV, self.member, "member.pem"),
             "--member-key", os.path.join(DEV, self.member, "member-key.pem"),
             "--alliance-ca", os.path.join(DEV, "ca.pem"), "--alliance-key", os.path.join(DEV, "alliance.key")])

    def start(self, peers, disk=None):
        """Starts the node and waits until it is ready. Returns False when, with the disk full, the node refused to
        start saying so (it cannot open its store without a few bytes for SQLite's shared-memory index): it waits
        for space to return."""
        arguments = [self.hallmark, "node", "--data", self.data, "--listen", f"127.0.0.1:{self.federation_port}",
                     "--api", f"127.0.0.1:{self.api_port}"]
        for peer in peers:
            arguments += ["--peer", f"{peer.member}@127.0.0.1:{peer.federation_port}"]
        # Ready when the API answers. An import writing to the store while the node was down holds the folder, and
        # the node refuses to start beside it: start again until it runs.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.starts += 1
            with open(self.log_path, "a") as log:
                log.write(f"--- start {self.starts}\n")
                log.flush()
                self.process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=log)
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    self.get("/readyz", timeout=2)
                    return True
                except (OSError, ValueError):
                    time.sleep(0.1)
            if disk is not None and disk.full.is_set() and self.process.poll() is not None:
                with open(self.log_path) as log:
                    if "disk holding the store is full" in log.read()[-2000:]:
                        return False
            time.sleep(0.5)
        raise HarnessError(f"{self.member}: the node did not become ready within 120 s (see {self.log_path})")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def request(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.api_port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")

    def get(self, path, timeout=60):
        return self.request("GET", path, timeout=timeout)

    def verify_store(self):
        result = subprocess.run([self.hallmark, "audit", "verify-store", "--data", self.data],
                                capture_output=True, text=True)
        return result.returncode, result.stdout + result.stderr


class HarnessError(Exception):
    pass


def run(arguments, **options):
    result = subprocess.run(arguments, capture_output=True, text=True, **options)
    if result.returncode != 0:
        raise HarnessError(f"{' '.join(arguments[:3])} exited {result.returncode}: {result.stderr.strip()}")
    return result


class Ledger:
    """Every write a node acknowledged: SKU value -> (origin, listed after it)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.writes = {}
        self.acknowledged = 0

    def record(self, origin, values, listed):
        with self.lock:
            for value in values:
                self.writes[value] = (origin, listed)
            self.acknowledged += len(values)

    def forget(self, values):
        """Values whose state is no longer known: a retraction of them was sent but not acknowledged."""
        with self.lock:
            for value in values:
                self.writes.pop(value, None)

    def of(self, origin=None):
        with self.lock:
            return {value: listed for value, (o, listed) in self.writes.items() if origin is None or o == origin}

    def listed_of(self, origin):
        with self.lock:
            return [value for value, (o, listed) in self.writes.items() if o == origin and listed]


def check_all(node, expected):
    """The values whose verdict at `node` is not the acknowledged one."""
    wrong = []
    values = sorted(expected)
    for start in range(0, len(values), 10_000):
        batch = values[start:start + 10_000]
        answer = node.request("POST", "/v1/check",
                              {"identifiers": [{"kind": "sku", "value": value} for value in batch]})
        for value, verdict in zip(batch, answer["verdicts"]):
            if (verdict["status"] == "listed") != expected[value]:
                wrong.append(value)
    return wrong


def settle(node, ledger, wrong, expected, counts):
    """Of the values `node` answered wrongly against `expected`, those still wrong after 20 s: lost. A value whose
    state the writers changed meanwhile (a retraction acknowledged after `expected` was read) is checked against its
    new state; one right on a later look was late (a CLI import that wrote into the store while the node was down
    reaches its filter within the node's poll, about two seconds and a rebuild), and is counted, not failed."""
    deadline = time.monotonic() + 20
    while wrong and time.monotonic() < deadline:
        time.sleep(1)
        now = ledger.of()
        still = [value for value in wrong if value in now]
        wrong = check_all(node, {value: now[value] for value in still})
        for value in still:
            if value not in wrong and now[value] == expected[value]:
                counts["late " + ("api" if value.startswith("CRASH") else "cli")] += 1
    return wrong


class Disk:
    """The filler that takes every byte left on the data folders' file system, while --fill-disk wants it full."""

    def __init__(self, root):
        self.path = os.path.join(root, "filler")
        self.full = threading.Event()
        self.freed = threading.Event()

    def fill(self):
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 4096, 1):
                chunk = bytes(size)
                try:
                    while os.write(descriptor, chunk) > 0:
                        pass
                except OSError:
                    pass  # no space left for a chunk this size
        finally:
            os.close(descriptor)
        self.full.set()

    def free(self):
        if os.path.exists(self.path):
            os.remove(self.path)
        self.full.clear()
        self.freed.set()


def refused(counts, failures, disk, what, status, text):
    """A write the node refused. While the disk is full it must say so; a refusal that does not is a failure (a
    generic 500 hides from the operator what to mend)."""
    if disk is not None and disk.full.is_set():
        if "storage-full" in text or "disk holding the store is full" in text:
            counts["refused full"] += 1
            return
        if status is not None and status >= 500:
            failures.append(f"while the disk was full, {what} was refused unclearly ({status}): {text[:300]}")
            return
    counts["unacknowledged"] += 1


def writer(name, nodes, ledger, work, stop, rng, counts, most, failures, disk):
    sequence = 0
    while not stop.is_set():
        node = rng.choice(nodes)
        sequence += 1
        # SKUs normalize without separators, so fixed widths keep every value distinct.
        batch = f"{MEMBERS.index(node.member)}{name}{sequence:06d}"
        choice = rng.random()
        try:
            if choice < 0.6:
                values = [f"CRASH{batch}N{i:04d}" for i in range(rng.randint(1, most))]
                node.request("POST", "/v1/indicators",
                             {"indicators": [{"kind": "sku", "value": value} for value in values]})
                ledger.record(node.member, values, True)
                counts["api"] += 1
                if disk is not None and disk.freed.is_set():
                    counts["after space returned"] += 1
            elif choice < 0.85:
                values = [f"IMPORT{batch}N{i:04d}" for i in range(rng.randint(1, 6 * most))]
                path = os.path.join(work, f"import-{name}{sequence}.csv")
                with open(path, "w") as file:
                    file.write("kind,value\n" + "".join(f"sku,{value}\n" for value in values))
                result = subprocess.run([node.hallmark, "import", "--data", node.data, path],
                                        capture_output=True, text=True)
                os.remove(path)
                if result.returncode == 0:
                    ledger.record(node.member, values, True)
                    counts["cli"] += 1
                    if disk is not None and disk.freed.is_set():
                        counts["after space returned"] += 1
                else:
                    refused(counts, failures, disk, "hallmark import", None, result.stderr)
            else:
                listed = ledger.listed_of(node.member)
                if listed:
                    values = rng.sample(listed, min(len(listed), rng.randint(1, 50)))
                    try:
                        node.request("POST", "/v1/retractions",
                                     {"identifiers": [{"kind": "sku", "value": value} for value in values]})
                    except (OSError, urllib.error.URLError, json.JSONDecodeError):
                        ledger.forget(values)
                        raise
                    ledger.record(node.member, values, False)
                    counts["retractions"] += 1
        except urllib.error.HTTPError as error:
            refused(counts, failures, disk, "an API write", error.code, error.read().decode(errors="replace"))
        except (OSError, urllib.error.URLError, json.JSONDecodeError):
            counts["unacknowledged"] += 1  # the node was down or went down: nothing was promised
        time.sleep(rng.uniform(0.0, 0.1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hallmark", default=os.path.join(ROOT, ".build", "release", "hallmark"))
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=1800, help="the bound on the whole run")
    parser.add_argument("--initial", type=int, default=100_000, help="sellers brand-a holds before the first start")
    parser.add_argument("--batch", type=int, default=500, help="the most SKUs an API request asserts (CLI: 6x)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--data-root", help="where the data folders go (default: the temporary folder)")
    parser.add_argument("--fill-disk", action="store_true",
                        help="fill --data-root's file system for the middle third of the kills")
    options = parser.parse_args()
    if options.fill_disk and not options.data_root:
        parser.error("--fill-disk needs --data-root, a small file system of its own (it is filled to the last byte)")
    seed = options.seed if options.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="hallmark-crash-")
    data_root = work
    if options.data_root:
        data_root = tempfile.mkdtemp(prefix="hallmark-crash-", dir=options.data_root)
    nodes = [Node(options.hallmark, data_root, work, member) for member in MEMBERS]
    disk = Disk(options.data_root) if options.fill_disk else None
    fill_at, free_at = options.kills // 3, 2 * options.kills // 3
    ledger = Ledger()
    counts = {"api": 0, "cli": 0, "retractions": 0, "unacknowledged": 0, "late api": 0, "late cli": 0,
              "refused full": 0, "after space returned": 0,
              "waited for space": 0}
    failures = []
    kills = 0
    lost = set()  # acknowledged writes some node answered wrongly after a restart or at the end
    stop = threading.Event()
    try:
        for node in nodes:
            node.init()
        initial = os.path.join(work, "initial.csv")
        with open(initial, "w") as file:
            file.write("kind,value\n" + "".join(f"seller,shopmart:crash {i}\n" for i in range(options.initial)))
        run([options.hallmark, "import", "--data", nodes[0].data, initial])
        for node in nodes:
            node.start([peer for peer in nodes if peer is not node])

        threads = [threading.Thread(target=writer, args=(name, nodes, ledger, work, stop, random.Random(rng.random()),
                                                         counts, options.batch, failures, disk), daemon=True)
                   for name in "wx"]
        for thread in threads:
            thread.start()
        # Nodes that could not open their store while the disk was full: verified and started once space returns.
        waiting = set()

        def settled(node, what):
            expected = ledger.of(node.member)
            wrong = settle(node, ledger, check_all(node, expected), expected, counts)
            lost.update(wrong)
            if wrong:
                failures.append(f"{what} lost {len(wrong)} acknowledged writes, e.g. {wrong[:3]}")

        def recover(node, what):
            counts["waited for space"] += 1
            status, output = node.verify_store()
            if status != 0:
                failures.append(f"{what}: verify-store exited {status}: {output.strip()}")
            if not node.start([peer for peer in nodes if peer is not node], disk):
                raise HarnessError(f"{what} still finds the disk full")
            settled(node, what)

        while kills < options.kills and time.monotonic() - started < options.seconds:
            time.sleep(rng.uniform(0.2, 2.0))
            if disk is not None and kills == fill_at and not disk.full.is_set() and not disk.freed.is_set():
                disk.fill()
            # Space returns two thirds of the way, or earlier if every node is waiting for it.
            if disk is not None and disk.full.is_set() and (kills >= free_at or len(waiting) == len(nodes)):
                disk.free()
                time.sleep(3)  # let the writers be acknowledged again before the next kill
                for node in list(waiting):
                    waiting.remove(node)
                    recover(node, f"once space returned, {node.member}")
            running = [node for node in nodes if node not in waiting]
            for node in running:
                if node.process.poll() is not None:
                    failures.append(f"{node.member} exited by itself with status {node.process.returncode}")
                    if not node.start([peer for peer in nodes if peer is not node], disk):
                        waiting.add(node)
            running = [node for node in running if node not in waiting]
            if not running:
                continue
            victim = rng.choice(running)
            victim.kill()
            kills += 1
            status, output = victim.verify_store()
            disk_full = disk is not None and disk.full.is_set() and "disk holding the store is full" in output
            if status != 0 and disk_full:
                waiting.add(victim)  # it says so; it is verified once space returns
                continue
            if status != 0:
                failures.append(f"kill {kills}: verify-store of {victim.member} exited {status}: {output.strip()}")
            if not victim.start([peer for peer in nodes if peer is not victim], disk):
                waiting.add(victim)
                continue
            settled(victim, f"kill {kills}: {victim.member}")
        stop.set()
        for thread in threads:
            thread.join()
        if disk is not None:
            disk.free()
            for node in list(waiting):
                waiting.remove(node)
                recover(node, f"once space returned, {node.member}")
            if counts["refused full"] == 0:
                failures.append("the disk was full, yet no write was refused for it")
            if counts["after space returned"] == 0:
                failures.append("no write was acknowledged after space returned")

        # Convergence: the same logs everywhere, then every acknowledged write right at every node.
        deadline = time.monotonic() + 120
        while True:
            heads = [sorted((log["origin"], log["tree_size"], log["root_hash"]) for log in node.get("/v1/status")["logs"])
                     for node in nodes]
            if all(h == heads[0] for h in heads) and len(heads[0]) == len(nodes):
                converged = True
                break
            if time.monotonic() > deadline:
                converged = False
                failures.append(f"the nodes did not converge within 120 s: {heads}")
                break
            time.sleep(1)
        expected = ledger.of()
        for node in nodes:
            wrong = check_all(node, expected)
            lost.update(wrong)
            if wrong:
                failures.append(f"at the end, {node.member} answers {len(wrong)} acknowledged writes wrongly, "
                                f"e.g. {wrong[:3]}")
            status, output = node.verify_store()
            if status != 0:
                failures.append(f"at the end, verify-store of {node.member} exited {status}: {output.strip()}")
        if kills < options.kills:
            failures.append(f"only {kills} of {options.kills} kills within {options.seconds:.0f} s")
        summary = {
            "seed": seed, "kills": kills, "seconds": round(time.monotonic() - started, 1),
            "starts": sum(node.starts for node in nodes),
            "acknowledged_writes": ledger.acknowledged,
            "acknowledged_requests": {key: counts[key] for key in ("api", "cli", "retractions")},
            "unacknowledged_requests": counts["unacknowledged"], "late_answers": {"api": counts["late api"], "cli": counts["late cli"]},
            "identifiers_checked": len(expected), "lost": len(lost),
            "stores_failing_verification": sum(1 for f in failures if "verify-store" in f),
            "converged": converged, "entries": {n.member: n.get("/v1/status")["entries"] for n in nodes},
            "failures": failures,
        }
        if disk is not None:
            summary["full_disk"] = {
                "full_from_kill": fill_at, "freed_at_kill": free_at,
                "writes_refused_as_full": counts["refused full"],
                "nodes_that_waited_for_space_to_open_their_store": counts["waited for space"],
                "requests_acknowledged_after_space_returned": counts["after space returned"],
                "free_bytes_at_the_end": shutil.disk_usage(options.data_root).free,
            }
    except HarnessError as error:
        stop.set()
        summary = {"seed": seed, "kills": kills, "failures": failures + [str(error)], "logs": work}
    finally:
        stop.set()
        for node in nodes:
            node.stop()
        if disk is not None:
            disk.free()
    if options.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    if summary["failures"]:
        print(f"node logs kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(data_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
