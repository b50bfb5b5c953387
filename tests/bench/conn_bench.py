#!/usr/bin/env python3
"""Memory per connection (issue 16, finding 10): opens CONNS keep-alive
connections to admind, each making one request (/healthz) and staying open,
then closes them all; prints admind's RSS before, with them open, and a few
seconds after they left. Asserts nothing.

Usage: tests/bench/conn_bench.py [BUILD_DIR] [CONNS]
Environment: BENCH_CONF_EXTRA (config lines). Starts its own escale-admind.
"""

import os
import resource
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from escale_test import rss_kb  # noqa: E402


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < conns + 100:
        raise SystemExit("RLIMIT_NOFILE %d is too low for %d connections" % (hard, conns))
    os.environ["ESCALE_ADMIND"] = os.path.join(build, "admin", "escale-admind")
    os.environ["ESCALECTL"] = os.path.join(build, "admin", "escalectl")
    import escale_test as et

    srv = et.Admind(extra_conf='web = { root = ""; };\nmax_connections_per_ip = 0;\n'
                    'request_deadline_seconds = 600;\n' + os.environ.get("BENCH_CONF_EXTRA", ""))
    socks = []
    try:
        srv.start()
        pid = srv.proc.pid
        time.sleep(1)
        base = rss_kb(pid)
        req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        t = time.monotonic()
        for i in range(conns):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
            s.sendall(req)
            data = b""
            while b"\r\n\r\n" not in data or not data.endswith(b"}\n"):
                chunk = s.recv(4096)
                if not chunk:
                    raise SystemExit("connection %d closed by admind" % i)
                data += chunk
            socks.append(s)
        opened = time.monotonic() - t
        time.sleep(2)
        full = rss_kb(pid)
        for s in socks:
            s.close()
        socks = []
        time.sleep(4)
        after = rss_kb(pid)
        print("nproc %d; %d connections, one /healthz each, opened in %.1f s" % (
            os.cpu_count(), conns, opened))
        print("admind RSS: %d MB before, %d MB with them open (%.1f KB each), %d MB 4 s after "
              "they closed" % (base // 1024, full // 1024, (full - base) / conns, after // 1024))
    finally:
        for s in socks:
            s.close()
        srv.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
