#!/usr/bin/env python3
"""escale-proxy's cost, on loopback (docs/benchmarks.md, tests/bench/README.md).

Usage: tests/bench/proxy_bench.py [BUILD_DIR]

1. throughput of a 100 MB download (SIZE_MB) with curl: direct, through
   escale-proxy (CONNECT), through tinyproxy (CONNECT, same allowlist with
   Filter + FilterDefaultDeny), RUNS runs each, interleaved, medians;
2. time to first byte of a small answer (TTFB_N requests each), p50: direct
   and through each proxy, and the difference ("added");
3. escale-proxy's RSS idle and with TUNNELS open tunnels.

The site is a plain HTTP server (os.sendfile) on port 443 of a 127.A.B.x
address; inside the tunnel curl speaks plain HTTP (--proxytunnel), so what
is measured is the proxy and not TLS. escale-proxy finds the name in its
hosts file; tinyproxy runs in a mount namespace of its own where
/etc/hosts names it (root: unshare -m), nothing else on the machine sees
that file. Prints figures, asserts nothing.
"""

import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC_ROOT, "build")
PROXY = os.path.join(BUILD, "kiosk", "escale-proxy")
RUNS = int(os.environ.get("RUNS", "5"))
SIZE_MB = int(os.environ.get("SIZE_MB", "100"))
TTFB_N = int(os.environ.get("TTFB_N", "200"))
TUNNELS = int(os.environ.get("TUNNELS", "200"))
NAME = "bench.caf.fr"

sys.path.insert(0, os.path.join(SRC_ROOT, "tests", "integration"))
from escale_test import free_port, rss_kb  # noqa: E402


class Site(threading.Thread):
    """GET /big: SIZE_MB of a file with sendfile; GET /small: 100 bytes; anything
    else: the connection is held open until the client closes it (for tunnels)."""

    def __init__(self, addr, big):
        super().__init__(daemon=True)
        self.big = big
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, 443))
        self.sock.listen(512)

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def serve(self, c):
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                d = c.recv(4096)
                if not d:
                    return
                data += d
            path = data.split(b" ", 2)[1]
            if path == b"/big":
                size = os.path.getsize(self.big)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                          % size)
                with open(self.big, "rb") as f:
                    off = 0
                    while off < size:
                        off += os.sendfile(c.fileno(), f.fileno(), off, size - off)
            elif path == b"/small":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close"
                          b"\r\n\r\n" + b"x" * 100)
            else:
                while c.recv(4096):
                    pass
        except OSError:
            pass
        finally:
            c.close()


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nothing listens on %d" % port)


def curl(args, url):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                          "%{http_code} %{speed_download} %{time_starttransfer}"] + args + [url],
                         capture_output=True, text=True, check=True).stdout.split()
    if out[0] != "200":
        raise SystemExit("curl %s %s: HTTP %s" % (args, url, out[0]))
    return float(out[1]), float(out[2])


def cpu_s(pid):
    """User + system CPU seconds of PID so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    if not os.access(PROXY, os.X_OK):
        raise SystemExit("%s missing: build first (ninja -C %s)" % (PROXY, BUILD))
    tiny = shutil.which("tinyproxy")
    if os.geteuid() != 0:
        raise SystemExit("run as root: the site listens on port 443 and tinyproxy needs "
                         "a mount namespace")
    tmp = tempfile.mkdtemp(prefix="escale-proxy-bench-")
    procs = []
    try:
        big = os.path.join(tmp, "big")
        with open(big, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(SIZE_MB):
                f.write(block)
        rnd = random.Random(os.getpid())
        addr = "127.%d.%d.%d" % (rnd.randint(1, 254), rnd.randint(1, 254), rnd.randint(2, 254))
        Site(addr, big).start()
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("127.0.0.1 localhost\n%s %s\n" % (addr, NAME))

        eport, tport = free_port(), free_port()
        conf = os.path.join(tmp, "kiosk.conf")
        with open(conf, "w") as f:
            f.write("""admin = { url = "http://127.0.0.1:1/"; token_file = "%s/token"; };
proxy = { listen = "127.0.0.1:%d"; hosts_file = "%s"; control = "%s/control.sock";
          enforce = false; max_connections = 1024; };
services = ( { name = "CAF"; url = "https://www.caf.fr/"; domains = [ "caf.fr" ]; } );
""" % (tmp, eport, hosts, tmp))
        log = open(os.path.join(tmp, "proxy.log"), "w")
        ep = subprocess.Popen([PROXY, "-c", conf], stdout=log, stderr=subprocess.STDOUT)
        procs.append(ep)
        wait_port(eport)

        setups = [("direct", ["--resolve", "%s:443:%s" % (NAME, addr)]),
                  ("escale-proxy", ["-p", "-x", "http://127.0.0.1:%d" % eport])]
        if tiny:
            flt = os.path.join(tmp, "filter")
            with open(flt, "w") as f:
                f.write("^(.*\\.)?caf\\.fr$\n")
            tconf = os.path.join(tmp, "tinyproxy.conf")
            with open(tconf, "w") as f:
                f.write("Port %d\nListen 127.0.0.1\nTimeout 600\nMaxClients 1024\n"
                        "ConnectPort 443\nFilter \"%s\"\nFilterDefaultDeny Yes\n"
                        "FilterExtended Yes\nLogLevel Critical\nAllow 127.0.0.1\n"
                        "DisableViaHeader Yes\n" % (tport, flt))
            tp = subprocess.Popen(["unshare", "-m", "sh", "-c",
                                   'mount --bind "$0" /etc/hosts && exec "$1" -d -c "$2"',
                                   hosts, tiny, tconf],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
            procs.append(tp)
            wait_port(tport)
            setups.append(("tinyproxy", ["-p", "-x", "http://127.0.0.1:%d" % tport]))
        else:
            print("tinyproxy not installed (apt-get install tinyproxy-bin): not compared")

        print("escale-proxy bench: %d cores, %d MB download x %d runs, %d TTFB requests, "
              "%d tunnels" % (os.cpu_count(), SIZE_MB, RUNS, TTFB_N, TUNNELS))
        url_big = "http://%s:443/big" % NAME
        url_small = "http://%s:443/small" % NAME
        # the refusal works for tinyproxy too: same allowlist
        for name, args in setups[1:]:
            code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_connect}", "-p"]
                                  + args[1:] + ["http://tracker.example:443/"],
                                  capture_output=True, text=True).stdout
            print("  %-12s refuses tracker.example: HTTP %s" % (name, code))

        speeds = {n: [] for n, _ in setups}
        cpu = 0.0
        for run in range(RUNS):
            for name, args in setups:
                c0 = cpu_s(ep.pid)
                speeds[name].append(curl(args, url_big)[0])
                if name == "escale-proxy":
                    cpu += cpu_s(ep.pid) - c0
        ttfb = {n: [] for n, _ in setups}
        for i in range(TTFB_N):
            for name, args in setups:
                ttfb[name].append(curl(args, url_small)[1])

        print("\nthroughput, %d MB (MB/s, median of %d; each run)" % (SIZE_MB, RUNS))
        direct = statistics.median(speeds["direct"])
        for name, _ in setups:
            med = statistics.median(speeds[name])
            print("  %-12s %8.0f MB/s  %.2fx direct   [%s]" % (
                name, med / 1e6, med / direct,
                " ".join("%.0f" % (s / 1e6) for s in speeds[name])))
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
        print("  escale-proxy CPU: %.2f s per GB carried (load average %s: other programs "
              "share the cores)" % (cpu / (RUNS * SIZE_MB / 1024), load))
        print("\ntime to first byte, %d requests each (p50, p90)" % TTFB_N)
        d50 = statistics.median(ttfb["direct"])
        for name, _ in setups:
            xs = sorted(ttfb[name])
            p50, p90 = statistics.median(xs), xs[int(len(xs) * 0.9)]
            print("  %-12s p50 %.3f ms  p90 %.3f ms  added p50 %+.3f ms" % (
                name, p50 * 1e3, p90 * 1e3, (p50 - d50) * 1e3))

        idle = rss_kb(ep.pid)
        held = []
        for _ in range(TUNNELS):
            s = socket.create_connection(("127.0.0.1", eport), 10)
            s.sendall(b"CONNECT %s:443 HTTP/1.1\r\n\r\n" % NAME.encode())
            held.append(s)
        for s in held:
            data = b""
            while b"\r\n\r\n" not in data:
                data += s.recv(1)
            if not data.startswith(b"HTTP/1.1 200"):
                raise SystemExit("tunnel refused: %r" % data)
            s.sendall(b"GET /hold HTTP/1.1\r\n\r\n")
        time.sleep(0.5)
        loaded = rss_kb(ep.pid)
        print("\nescale-proxy RSS: %.1f MB idle, %.1f MB with %d open tunnels" % (
            idle / 1024, loaded / 1024, TUNNELS))
        for s in held:
            s.close()
    finally:
        for p in procs:
            try:
                if p is not procs[0]:
                    os.killpg(p.pid, signal.SIGTERM)
                else:
                    p.terminate()
                p.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                p.kill()
        if os.environ.get("BENCH_KEEP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
