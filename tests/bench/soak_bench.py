#!/usr/bin/env python3
"""Soak and fault benchmark (issue 16): KIOSKS kiosks at the pace of real
ones (tests/bench/loadgen, a heartbeat every 5 s each on its own
connection, half of them in a session), 10 desk pages refreshing every 3 s,
a sign-in flood, 200 slow connections (a header line every 10 s), 20 kiosks
delivering offline sessions as events and one opening and ending sessions
online, for MINUTES minutes; admind is killed with SIGKILL at a third and at
two thirds of the run and started again on the same port.

Prints the heartbeats' latency and errors (loadgen, on the wire), the desk's,
how the sign-ins were answered, each restart's downtime, and then an
integrity check of the database against what admind acknowledged: every
event acknowledged is stored once, every session acknowledged exists (and
those ended, ended), each offline session holds what was reported, and each
code has been charged exactly what its sessions used (nothing applied
twice, nothing lost). Printing is not part of it (no cupsd here). Asserts
nothing; the last line says whether the integrity check passed.

Usage: tests/bench/soak_bench.py [BUILD_DIR] [MINUTES] [KIOSKS]
"""

import collections
import http.client
import json
import os
import random
import resource
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

LEDGER_KIOSKS = 20
DESKS = 10
FLOODERS = 8
SLOW = 200


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else float("nan")


class Client:
    """Requests that survive admind's restarts: a transport error is retried
    (the same request: event ids make it safe) until an answer comes."""

    def __init__(self, port, token=None, source="127.0.0.1"):
        self.port, self.token, self.source = port, token, source
        self.retries = 0

    def once(self, method, path, body=None, timeout=10):
        hdrs = {}
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(self.source, 0))
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            try:
                return r.status, json.loads(data)
            except ValueError:
                return r.status, data
        finally:
            conn.close()

    def call(self, method, path, body=None, stop=None):
        while True:
            try:
                return self.once(method, path, body)
            except (OSError, http.client.HTTPException):
                self.retries += 1
                if stop is not None and stop.is_set():
                    return 0, None
                time.sleep(0.2)


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    minutes = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    nk = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    seconds = int(minutes * 60)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    os.environ["ESCALE_ADMIND"] = os.path.join(build, "admin", "escale-admind")
    os.environ["ESCALECTL"] = os.path.join(build, "admin", "escalectl")
    loadgen = os.path.join(build, "tests", "bench", "loadgen")
    import escale_test as et

    srv = et.Admind(extra_conf='web = { root = ""; };\nlogin = { max_failures = 1000000; };\n'
                    'offline = { opslimit = 1; memlimit_kib = 8192; };\n'
                    'max_connections_per_ip = 4096;\n')
    stop = threading.Event()
    threads = []
    try:
        srv.bootstrap_admin()
        srv.start()
        port = srv.port
        admin = Client(port, srv.admin_token)

        def api(method, path, body=None):
            st, d = admin.call(method, path, body)
            if st >= 300:
                raise SystemExit("%s %s -> %d %r" % (method, path, st, d))
            return d

        tokens = [api("POST", "/api/v1/kiosks", {"name": "k%04d" % i})["token"]
                  for i in range(nk + LEDGER_KIOSKS + 1)]
        codes = []
        while len(codes) < nk + 2000:
            codes += [c["code"] for c in api("POST", "/api/v1/codes",
                                             {"count": 500, "minutes": 600})["codes"]]
        # Offline sessions can only be dated after their code was issued.
        con = sqlite3.connect(srv.db, timeout=30)
        con.execute("UPDATE codes SET created_at = created_at - 86400")
        con.commit()
        con.close()
        work = tempfile.mkdtemp(prefix="escale-soak-")
        with open(os.path.join(work, "tokens"), "w") as f:
            f.write("\n".join(tokens[:nk]) + "\n")
        with open(os.path.join(work, "codes"), "w") as f:
            f.write("\n".join(codes[:nk]) + "\n")
        spare = codes[nk:]

        lg = subprocess.Popen(
            [loadgen, "--url", "http://127.0.0.1:%d" % port, "--kiosks", str(nk), "--tokens",
             os.path.join(work, "tokens"), "--codes", os.path.join(work, "codes"), "--mix",
             "heartbeat", "--interval", "5", "--max-conn", str(nk), "--seconds", str(seconds),
             "--warmup", "5", "--in-session", "50"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        # ---- the desk's pages
        desk_ms, desk_err = [], collections.Counter()

        def desk():
            c = Client(port, srv.admin_token)
            while not stop.wait(3):
                for p in ("/api/v1/kiosks", "/api/v1/codes?state=active",
                          "/api/v1/sessions?active=1"):
                    t = time.perf_counter()
                    try:
                        st, _ = c.once("GET", p)
                    except (OSError, http.client.HTTPException):
                        st = 0
                    desk_ms.append((time.perf_counter() - t) * 1000)
                    desk_err[st] += 1

        # ---- the sign-in flood
        flood = collections.Counter()

        def flooder(i):
            n = 0
            while not stop.is_set():
                n += 1
                c = Client(port, source="127.%d.%d.%d" % (50 + i, n // 250 % 250, 1 + n % 250))
                try:
                    st, _ = c.once("POST", "/api/v1/login",
                                   {"name": "x%d-%d" % (i, n), "password": "guess guess"})
                except (OSError, http.client.HTTPException) as e:
                    st = type(e).__name__  # admind down: a restart
                    stop.wait(0.1)
                flood[st] += 1

        # ---- slow connections, reconnecting when cut
        slow_cut = [0]

        def slow(i):
            while not stop.is_set():
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                                 source_address=("127.0.100.%d" % (1 + i % 250), 0))
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    while not stop.wait(10):
                        s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    slow_cut[0] += 1
                    stop.wait(1)

        # ---- offline sessions delivered as events; online sessions
        acked_events = {}  # id -> status
        offline = {}       # session -> (code, seconds)
        online = {}        # session -> ended?
        spare_lock = threading.Lock()

        def take_code():
            with spare_lock:
                return spare.pop() if spare else None

        def ledger(i):
            c = Client(port, tokens[nk + i])
            cache = c.call("GET", "/api/v1/kiosk/codes?since=0")[1]
            while not stop.is_set():
                code = take_code()
                if not code:
                    return
                v = et.offline_verifier(code, cache["salt"], cache["opslimit"], cache["memlimit"])
                sid = os.urandom(16).hex()
                t0 = int(time.time())
                evs = [dict(id="o-" + sid, type="session_open", at=t0, session=sid, verifier=v)]
                stop.wait(random.uniform(1, 3))
                t1 = int(time.time())
                evs.append(dict(id="p-" + sid, type="session_progress", at=t1, session=sid,
                                seconds_used=t1 - t0))
                stop.wait(random.uniform(1, 3))
                t2 = int(time.time())
                evs.append(dict(id="e-" + sid, type="session_end", at=t2, session=sid,
                                reason="user", seconds_used=t2 - t0))
                for ev in evs:  # one batch each, as an outbox sends them
                    st, d = c.call("POST", "/api/v1/kiosk/events", {"events": [ev]})
                    if st == 200:
                        acked_events[ev["id"]] = d["results"][0]["status"]
                offline[sid] = (code, t2 - t0)

        def online_cycler():
            c = Client(port, tokens[nk + LEDGER_KIOSKS])
            while not stop.is_set():
                code = take_code()
                if not code:
                    return
                try:
                    st, d = c.once("POST", "/api/v1/kiosk/sessions", {"code": code})
                except (OSError, http.client.HTTPException):
                    continue  # unknown outcome: not counted as acknowledged
                if st != 201:
                    continue
                sid = d["session"]
                online[sid] = False
                stop.wait(2)
                st, _ = c.call("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                               {"reason": "user", "seconds_used": 2}, stop)
                if st == 200:
                    online[sid] = True

        started = time.monotonic()
        for fn, n, indexed in ((desk, DESKS, False), (flooder, FLOODERS, True),
                               (slow, SLOW, True), (ledger, LEDGER_KIOSKS, True),
                               (online_cycler, 1, False)):
            for i in range(n):
                t = threading.Thread(target=fn, args=(i,) if indexed else (), daemon=True)
                t.start()
                threads.append(t)

        downtimes = []
        for frac in (1 / 3, 2 / 3):
            time.sleep(max(0, seconds * frac - (time.monotonic() - started)))
            t = time.monotonic()
            srv.proc.send_signal(signal.SIGKILL)
            srv.proc.wait()
            srv.proc = None
            srv._stderr.close()
            srv.start(port=port)
            downtimes.append(time.monotonic() - t)
        out, _ = lg.communicate()
        stop.set()
        for t in threads:
            t.join(15)

        print("nproc %d; %d kiosks every 5 s, %d desk pages every 3 s, %d sign-in flooders, "
              "%d slow connections, %d offline-event kiosks, 1 online cycler; %.1f min; admind "
              "killed -9 twice" % (os.cpu_count(), nk, DESKS, FLOODERS, SLOW, LEDGER_KIOSKS,
                                   minutes))
        for line in out.splitlines():
            if line.startswith(("RESULT", "  errors", "  by status")):
                print("loadgen: " + line.strip())
        print("restarts (kill -9 to healthy): %s s" % ", ".join("%.2f" % d for d in downtimes))
        print("desk: %d requests, median %.1f ms, p99 %.1f ms, answers %s" % (
            len(desk_ms), statistics.median(desk_ms) if desk_ms else float("nan"),
            pct(desk_ms, 0.99), dict(sorted(desk_err.items()))))
        print("sign-in flood answers: %s" % dict(sorted(flood.items(), key=str)))
        print("slow connections cut and reconnected: %d" % slow_cut[0])

        # ---- integrity
        problems = []
        con = srv.db_connect()
        try:
            stored = {r[0] for r in con.execute("SELECT event_id FROM kiosk_events")}
            for eid, status in acked_events.items():
                if eid not in stored:
                    problems.append("event %s acknowledged (%s) but not stored" % (eid, status))
            for sid, (code, secs) in offline.items():
                row = con.execute("SELECT seconds_used, ended_at FROM sessions WHERE id = ?",
                                  (sid,)).fetchone()
                if not row:
                    problems.append("offline session %s lost" % sid)
                elif row[0] != secs or row[1] is None:
                    problems.append("offline session %s: %r, reported %d s and ended"
                                    % (sid, row, secs))
            for sid, ended in online.items():
                row = con.execute("SELECT ended_at FROM sessions WHERE id = ?", (sid,)).fetchone()
                if not row:
                    problems.append("online session %s acknowledged but lost" % sid)
                elif ended and row[0] is None:
                    problems.append("online session %s end acknowledged but not ended" % sid)
            for cid, used, pages, s_used, s_pages in con.execute(
                    "SELECT c.id, c.seconds_used, c.pages_used, coalesce(sum(s.seconds_used), 0),"
                    " coalesce(sum(s.pages_used), 0) FROM codes c"
                    " LEFT JOIN sessions s ON s.code_id = c.id GROUP BY c.id"):
                if (used, pages) != (s_used, s_pages):
                    problems.append("code %d charged %d s %d pages, its sessions used %d s %d "
                                    "pages" % (cid, used, pages, s_used, s_pages))
            n_sessions = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
        finally:
            con.close()
        print("integrity: %d events acknowledged (%d duplicates on retry), %d offline and %d "
              "online sessions acknowledged, %d sessions in all, every code against its "
              "sessions" % (len(acked_events), sum(1 for s in acked_events.values()
                                                   if s == "duplicate"),
                            len(offline), len(online), n_sessions))
        for p in problems[:20]:
            print("  " + p)
        print("INTEGRITY %s (%d problems)" % ("OK" if not problems else "FAILED", len(problems)))
    finally:
        stop.set()
        if srv.proc:
            srv.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
