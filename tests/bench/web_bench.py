#!/usr/bin/env python3
"""Staff page figures: sign-in (argon2id), the page's files, and one refresh
of the desk view (what the page asks every 3 s) on a centre with KIOSKS
kiosks, half of them in a session, and CODES active codes.

Usage: tests/bench/web_bench.py [BUILD_DIR] [RUNS] [KIOSKS] [CODES]
Prints medians only; asserts no timing. Starts its own escale-admind.
"""

import http.client
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

# What the desk view fetches on each refresh (docs/web.md, admin/web/desk.js).
DESK_REFRESH = ("/api/v1/kiosks", "/api/v1/codes?state=active", "/api/v1/jobs?active=1")


def timed(conn, method, path, body=None, headers=None):
    t = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    dt = (time.perf_counter() - t) * 1000
    if r.status >= 400:
        raise SystemExit("%s %s -> %d %r" % (method, path, r.status, data[:200]))
    return dt, r, data


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    kiosks = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    codes = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    os.environ["ESCALE_ADMIND"] = os.path.join(build, "admin", "escale-admind")
    os.environ["ESCALECTL"] = os.path.join(build, "admin", "escalectl")
    import escale_test as et

    srv = et.Admind(extra_conf='web = { root = "%s"; login_max_failures = 1000; };\n'
                    'offline = { opslimit = 1; memlimit_kib = 8192; };\n'
                    % os.path.join(ROOT, "admin", "web"))
    try:
        srv.bootstrap_admin()
        srv.start()
        admin = srv.admin_token

        def api(method, path, body=None, token=admin):
            st, _, d = srv.request(method, path, body=body, token=token)
            if st >= 300:
                raise SystemExit("%s %s -> %d %r" % (method, path, st, d))
            return d

        api("POST", "/api/v1/users", {"name": "accueil", "role": "secretariat",
                                      "password": "bench password"})
        ktoks = [api("POST", "/api/v1/kiosks", {"name": "poste-%03d" % i,
                                                "site": "site-%d" % (i % 3)})["token"]
                 for i in range(kiosks)]
        issued = []
        while len(issued) < codes:
            n = min(500, codes - len(issued))
            issued += api("POST", "/api/v1/codes", {"count": n, "minutes": 600})["codes"]
        for i, tok in enumerate(ktoks[: kiosks // 2]):
            sid = api("POST", "/api/v1/kiosk/sessions", {"code": issued[i]["code"]}, tok)["session"]
            api("POST", "/api/v1/kiosk/heartbeat", {"state": "session", "session": sid,
                                                    "seconds_used": 60}, tok)
        print("nproc %d; %d kiosks (%d in a session), %d active codes, %d runs"
              % (os.cpu_count(), kiosks, kiosks // 2, codes, runs))

        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        login_ms, cookie = [], None
        body = '{"name": "accueil", "password": "bench password"}'
        for _ in range(min(runs, 20)):
            dt, r, _ = timed(conn, "POST", "/api/v1/login", body,
                             {"Content-Type": "application/json"})
            login_ms.append(dt)
            cookie = r.getheader("Set-Cookie").split(";")[0]
        print("sign-in (argon2id, interactive cost): median %.1f ms over %d"
              % (statistics.median(login_ms), len(login_ms)))

        files = ["/"] + ["/" + f for f in sorted(os.listdir(os.path.join(ROOT, "admin", "web")))
                         if f != "index.html" and not f.startswith(".")]
        page_ms, size = [], 0
        for _ in range(runs):
            t = 0.0
            size = 0
            for f in files:
                dt, _, data = timed(conn, "GET", f)
                t += dt
                size += len(data)
            page_ms.append(t)
        print("the page's %d files (%d bytes): median %.2f ms for all of them, one connection"
              % (len(files), size, statistics.median(page_ms)))

        hdr = {"Cookie": cookie, "X-Escale-Poll": "1"}
        refresh_ms, size = [], 0
        for _ in range(runs):
            t = 0.0
            size = 0
            for p in DESK_REFRESH:
                dt, _, data = timed(conn, "GET", p, headers=hdr)
                t += dt
                size += len(data)
            refresh_ms.append(t)
        print("desk refresh (%s; %d bytes): median %.2f ms"
              % (", ".join(DESK_REFRESH), size, statistics.median(refresh_ms)))
        conn.close()
    finally:
        srv.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
