#!/usr/bin/env python3
"""What a sign-in flood does to the kiosks (issue 16, finding 1): FLOODERS
clients post /api/v1/login with random names from as many loopback addresses
(so that no lock-out stops them) while one client times /healthz and one
kiosk's heartbeats, one request after the other, over SECONDS seconds; then
the same without the flood. Prints medians and p99, admind's peak RSS, and
how the sign-ins were answered. Asserts no timing.

Usage: tests/bench/login_flood_bench.py [BUILD_DIR] [FLOODERS] [SECONDS]
Environment: BENCH_CONF_EXTRA (lines added to admind's config, e.g.
'threads = 16;'). Starts its own escale-admind.
"""

import collections
import http.client
import json
import os
import statistics
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from escale_test import rss_kb  # noqa: E402


def timed(port, method, path, body=None, token=None, source="127.0.0.1"):
    hdrs = {"Content-Type": "application/json"}
    if token:
        hdrs["Authorization"] = "Bearer " + token
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        r.read()
        return (time.perf_counter() - t) * 1000, r.status
    except (OSError, http.client.HTTPException):
        return (time.perf_counter() - t) * 1000, 0
    finally:
        conn.close()


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else float("nan")


def measure(srv, ktok, seconds, flooders):
    stop = threading.Event()
    answers = collections.Counter()
    peak = [rss_kb(srv.proc.pid)]

    def flood(i):
        n = 0
        while not stop.is_set():
            n += 1
            src = "127.%d.%d.%d" % (10 + i // 250, 1 + i % 250, 1 + n % 250)
            body = json.dumps({"name": "x%d-%d" % (i, n), "password": "guess guess"})
            answers[timed(srv.port, "POST", "/api/v1/login", body, source=src)[1]] += 1

    threads = [threading.Thread(target=flood, args=(i,)) for i in range(flooders)]
    for t in threads:
        t.start()
    health, beats = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        health.append(timed(srv.port, "GET", "/healthz")[0])
        beats.append(timed(srv.port, "POST", "/api/v1/kiosk/heartbeat", '{"state": "login"}',
                           ktok)[0])
        peak[0] = max(peak[0], rss_kb(srv.proc.pid))
    stop.set()
    for t in threads:
        t.join()
    return health, beats, peak[0], answers


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    flooders = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20
    os.environ["ESCALE_ADMIND"] = os.path.join(build, "admin", "escale-admind")
    os.environ["ESCALECTL"] = os.path.join(build, "admin", "escalectl")
    import escale_test as et

    srv = et.Admind(extra_conf='web = { root = ""; };\n'
                    + os.environ.get("BENCH_CONF_EXTRA", ""))
    try:
        srv.bootstrap_admin()
        srv.start()
        st, _, d = srv.request("POST", "/api/v1/kiosks", {"name": "poste-1"}, srv.admin_token)
        if st != 201:
            raise SystemExit("kiosk: %d %r" % (st, d))
        ktok = d["token"]
        print("nproc %d; %s; %d flooders, %.0f s each run" % (
            os.cpu_count(), os.environ.get("BENCH_CONF_EXTRA", "default config").strip(),
            flooders, seconds))
        for label, n in (("quiet", 0), ("flood", flooders)):
            health, beats, peak, answers = measure(srv, ktok, seconds, n)
            print("%-5s /healthz median %.1f ms p99 %.1f ms (%d); heartbeat median %.1f ms "
                  "p99 %.1f ms (%d); admind peak RSS %d MB; sign-ins answered %s"
                  % (label, statistics.median(health), pct(health, 0.99), len(health),
                     statistics.median(beats), pct(beats, 0.99), len(beats), peak // 1024,
                     dict(sorted(answers.items()))))
    finally:
        srv.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
