#!/usr/bin/env python3
"""Writes a large JSON Lines file like the ones `cactus monitor --output json`
writes, for bench/report-big: the lines of a real run (report-sample.jsonl.gz:
three docker containers, a web server, a database and a client that fetches,
connects, reads, writes, chmods, renames and signals, with the runtime's
set-up) copied with their container, time, pids, paths and addresses varied,
over a few thousand containers living for part of a few hours.

Usage: bench/report-gen.py OUT [--bytes N] [--containers N] [--hours H] [--seed S]
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import sys
import time

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "report-sample.jsonl.gz")
SERVICES = ["web", "api", "db", "cache", "worker", "cron", "auth", "search",
            "queue", "mail"]
IMAGES = ["nginx:1.25", "python:3.12", "postgres:16", "redis:7", "busybox:1.36",
          "node:20", "golang:1.22"]
NAMESPACES = ["shop", "auth", "data", "ops"]
CTR_KEYS = ("container_id", "container_name", "image", "runtime",
            "k8s_namespace", "k8s_pod", "k8s_pod_uid", "k8s_container")


def load_sample():
    events, start, end = [], None, None
    with gzip.open(SAMPLE, "rt") as f:
        for line in f:
            d = json.loads(line)
            t = d.get("type")
            if t == "container_start":
                start = d
            elif t == "container_end":
                end = d
            elif not t:
                events.append(d)
    return events, start, end


def make_containers(n, span, rnd):
    """n containers, in pods of 1-3 for two thirds of them; each with a
    lifetime inside the span and a busyness."""
    out, k = [], 0
    while k < n:
        pod = rnd.random() < 2 / 3
        size = rnd.randint(1, 3) if pod else 1
        ns = rnd.choice(NAMESPACES) if pod else ""
        svc = rnd.choice(SERVICES)
        podname = f"{svc}-{k:05d}" if pod else ""
        uid = hashlib.md5(f"pod{k}".encode()).hexdigest() if pod else ""
        ip = f"10.{(k >> 8) & 255}.{k & 255}.{rnd.randint(2, 250)}"
        start = rnd.uniform(0, span * 0.8)
        life = rnd.uniform(min(600, span), span - start)
        for j in range(size):
            if k >= n:
                break
            name = f"{svc}-{k:05d}" if not pod else f"k8s_{svc}-c{j}_{podname}_{ns}_{uid[:8]}_0"
            out.append({
                "fields": {
                    "container_id": hashlib.sha256(f"ctr{k}".encode()).hexdigest(),
                    "container_name": name,
                    "image": rnd.choice(IMAGES),
                    "runtime": "containerd" if pod else "docker",
                    "k8s_namespace": ns, "k8s_pod": podname,
                    "k8s_pod_uid": uid, "k8s_container": f"{svc}-c{j}" if pod else "",
                },
                "k": k, "ip": ip, "start": start, "end": start + life,
                "weight": rnd.lognormvariate(0, 1.2), "events": 0, "started": False,
            })
            k += 1
    return out


def vary(d, c, rnd, peers):
    """The sample event as container c's: pids moved, some names varied."""
    base = 100000 + c["k"] * 64
    for key in ("host_pid", "host_tid", "host_ppid", "parent_pid"):
        if key in d:
            d[key] = base + d[key] % 64
    fn = d.get("filename")
    if fn and d.get("dirname", "").startswith(("/data", "/var/log", "/www", "/tmp")):
        r = rnd.random()
        if r < 0.3:
            d["filename"] = f"{fn}.{rnd.randint(0, 400)}"
        elif r < 0.35:
            d["dirname"] = f"{d['dirname']}/{rnd.randint(0, 80)}"
    if d.get("activity") == "Network Connect" and peers and rnd.random() < 0.5:
        p = rnd.choice(peers)
        d["addr"], d["port"] = p["ip"], 8080
    if d.get("activity") == "Network Bind" and d.get("family") in ("AF_INET", "AF_INET6"):
        d["family"], d["addr"], d["port"] = "AF_INET", c["ip"], 8080
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--bytes", type=int, default=1 << 30)
    ap.add_argument("--containers", type=int, default=3000)
    ap.add_argument("--hours", type=float, default=4)
    ap.add_argument("--seed", type=int, default=21)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    events, start_rec, end_rec = load_sample()
    span = a.hours * 3600
    ctrs = make_containers(a.containers, span, rnd)
    t0 = 1_780_000_000  # 2026-05-28
    # one line in ~630 bytes: the ticks' budget
    per_tick = max(1, a.bytes // 630 // int(span))
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    written, lines = 0, 0
    by_start = sorted(ctrs, key=lambda c: c["start"])
    alive, nxt = [], 0
    with open(a.out, "w", buffering=1 << 22) as f:
        tick = 0
        while written < a.bytes and tick < span:
            now = t0 + tick
            prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
            while nxt < len(by_start) and by_start[nxt]["start"] <= tick:
                alive.append(by_start[nxt])
                nxt += 1
            ended = [c for c in alive if c["end"] <= tick]
            alive = [c for c in alive if c["end"] > tick]
            out = []
            for c in ended:
                d = dict(end_rec, **c["fields"], time=stamp(now, 0), events=c["events"])
                out.append(dumps(d))
            if alive:
                weights = [c["weight"] for c in alive]
                for c in rnd.choices(alive, weights, k=per_tick):
                    if not c["started"]:
                        c["started"] = True
                        out.append(dumps(dict(start_rec, **c["fields"],
                                              time=stamp(now, 0))))
                    d = dict(rnd.choice(events))
                    d.update(c["fields"])
                    d["time"] = f"{prefix}.{rnd.randrange(1_000_000_000):09d}Z"
                    out.append(dumps(vary(d, c, rnd, alive[:50])))
                    c["events"] += 1
            if out:
                s = "\n".join(out) + "\n"
                f.write(s)
                written += len(s)
                lines += len(out)
            tick += 1
    print(f"report-gen: {a.out}: {lines} lines, {written} bytes, "
          f"{len(ctrs)} containers over {a.hours} h", file=sys.stderr)


def stamp(sec, ns):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + f".{ns:09d}Z"


if __name__ == "__main__":
    main()
