#!/usr/bin/env python3
"""One escale-admind for a city (issue 20, item 5): SITES sites of KIOSKS/SITES kiosks,
every kiosk in a session sending heartbeats at the pace of a session (the answer's
heartbeat_seconds: sessions.session_heartbeat_seconds, 2 s, or 1 s while a print job of
the session is not settled; one keep-alive connection each), and print jobs from 5 % of
the kiosks per minute, each to its own site's printer. The heartbeats come from
tests/bench/hbgen (one thread, epoll, plain sockets: a few system calls a request), cheap
enough for 10,000 kiosks (5,000 heartbeats a second) on a 2-core machine.

The printers are real: SITES queues (print.queues, one per site, at most 64) on two
private cupsd (tests/print/private_cupsd.py), half of the sites on each, with the
escale backend and the simulated printer; admind watches them all over IPP, one
poll per queue every print.poll_ms, as it would 50 print hosts. Jobs are 1-page
PDFs sent with `lp -o job-account-id=KIOSK` at a steady pace to random kiosks.
With --no-print, heartbeats only (no cupsd).

Prints hbgen's heartbeat figures (requests/s, p50/p99 on the wire, admind's CPU
and RSS during the measured phase), the jobs (decided, printed, refused and why,
the time from `lp` to the job's decision as a desk polling every second sees it),
and the CPU of the two cupsd. Asserts nothing.

Usage: tests/bench/city_bench.py [BUILD_DIR] [KIOSKS] [SITES] [SECONDS] [--no-print]
       (defaults: build 1000 50 120)
"""

import http.client
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "print"))

import mkpdf  # noqa: E402
from private_cupsd import Cupsd  # noqa: E402

PPD = os.path.join(ROOT, "config", "cups", "escale-pdf.ppd")
JOB_SHARE_PER_MINUTE = 0.05


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else float("nan")


def cpu_seconds(pid):
    """User + system CPU seconds of PID so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Api:
    """One keep-alive connection to admind."""

    def __init__(self, port, token):
        self.port, self.token = port, token
        self.conn = None

    def __call__(self, method, path, body=None):
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                hdrs = {"Authorization": "Bearer " + self.token}
                if body is not None:
                    hdrs["Content-Type"] = "application/json"
                self.conn.request(method, path, body=None if body is None else json.dumps(body),
                                  headers=hdrs)
                r = self.conn.getresponse()
                data = json.loads(r.read() or b"null")
                if r.status >= 300:
                    raise SystemExit("%s %s -> %d %r" % (method, path, r.status, data))
                return data
            except (OSError, http.client.HTTPException):
                self.conn = None
        raise SystemExit("%s %s: no answer" % (method, path))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    printing = "--no-print" not in sys.argv
    build = os.path.abspath(args[0] if args else os.path.join(ROOT, "build"))
    nk = int(args[1]) if len(args) > 1 else 1000
    nsites = int(args[2]) if len(args) > 2 else 50
    seconds = int(args[3]) if len(args) > 3 else 120
    if printing and nsites > 64:
        raise SystemExit("at most 64 printers (print.queues): give SITES <= 64 or --no-print")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < nk + 512:  # loadgen and admind each hold a connection per kiosk
        raise SystemExit("RLIMIT_NOFILE %d is too low for %d kiosks" % (hard, nk))
    os.environ["ESCALE_ADMIND"] = os.path.join(build, "admin", "escale-admind")
    os.environ["ESCALECTL"] = os.path.join(build, "admin", "escalectl")
    hbgen = os.path.join(build, "tests", "bench", "hbgen")
    import escale_test as et

    work = tempfile.mkdtemp(prefix="escale-city-")
    cupsds, srv = [], None
    sites = ["site-%02d" % i for i in range(nsites)]
    try:
        conf = ("web = { root = \"\"; };\nlogin = { max_failures = 1000000; };\n"
                "offline = { opslimit = 1; memlimit_kib = 8192; };\n"
                "max_connections_per_ip = %d;\nmax_connections = %d;\n"
                % (min(65536, nk + 256), max(16384, nk + 1024)))
        printer_of = {}  # site -> (cupsd, queue)
        if printing:
            t = time.monotonic()
            for _ in range(2):
                c = Cupsd(os.path.join(build, "admin", "escale"))
                cupsds.append(c)
                c.start()
                c.add_queue("q00")  # escale-setup-print-host: backend, cupsd settings
            for i, site in enumerate(sites):
                c, q = cupsds[i % 2], "q%02d" % (i // 2)
                if q != "q00":
                    # The rest as the script makes them, without its cupsd restart each.
                    c.run(["lpadmin", "-p", q, "-v", "escale:simprinter:" + c.printer_dir, "-E",
                           "-P", PPD, "-o", "job-hold-until-default=indefinite",
                           "-o", "printer-error-policy=stop-printer"])
                printer_of[site] = (c, q)
            queues = ",\n".join(
                '  { name = "%s"; site = "%s"; cups_server = "%s"; queue = "%s";'
                ' release_key_file = "%s"; }' % ("p-" + s, s, printer_of[s][0].server,
                                                 printer_of[s][1], printer_of[s][0].release_key)
                for s in sites)
            conf += "print = { enabled = true; queues = (\n%s\n); };\n" % queues
            print("setup: %d queues on 2 private cupsd in %.1f s"
                  % (nsites, time.monotonic() - t))
        srv = et.Admind(extra_conf=conf)
        srv.bootstrap_admin()
        srv.start()
        api = Api(srv.port, srv.admin_token)
        t = time.monotonic()
        names, tokens = [], []
        for i in range(nk):
            name = "k%05d" % i
            names.append(name)
            tokens.append(api("POST", "/api/v1/kiosks",
                              {"name": name, "site": sites[i % nsites]})["token"])
        codes = []
        while len(codes) < nk:
            codes += [c["code"] for c in api("POST", "/api/v1/codes",
                                             {"count": 500, "minutes": 600, "pages": 100,
                                              "days": 1})["codes"]]
        print("setup: %d kiosks on %d sites and their codes in %.1f s"
              % (nk, nsites, time.monotonic() - t))
        with open(os.path.join(work, "tokens"), "w") as f:
            f.write("\n".join(tokens) + "\n")
        with open(os.path.join(work, "codes"), "w") as f:
            f.write("\n".join(codes[:nk]) + "\n")
        pdf = os.path.join(work, "one.pdf")
        with open(pdf, "wb") as f:
            f.write(mkpdf.make_pdf(1))

        pid = srv.proc.pid
        warmup = 5
        # Sessions opened over RAMP seconds (about 500 a second), then the heartbeats.
        ramp = max(2, nk // 500)
        lg = subprocess.Popen(
            [hbgen, "--port", str(srv.port), "--kiosks", str(nk),
             "--tokens", os.path.join(work, "tokens"), "--codes", os.path.join(work, "codes"),
             "--ramp", str(ramp), "--seconds", str(seconds), "--warmup", str(warmup),
             "--pid", str(pid)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        stop = threading.Event()
        submitted = {}  # (printer, cups id) -> monotonic time lp returned
        seen = {}       # (printer, cups id) -> (monotonic time first seen decided, job)
        lp_errors = [0]

        def submitter():
            # Wait for loadgen to open every session (its setup): a job sent before its
            # kiosk's session started is refused (no_session), rightly.
            d = Api(srv.port, srv.admin_token)
            end = time.monotonic() + 120
            while not stop.wait(0.5) and time.monotonic() < end:
                kiosks = d("GET", "/api/v1/kiosks")["kiosks"]
                if sum(1 for k in kiosks if k.get("session")) >= nk:
                    break
            gap = 60.0 / (JOB_SHARE_PER_MINUTE * nk)
            nxt = time.monotonic()
            while not stop.is_set():
                i = random.randrange(nk)
                site = sites[i % nsites]
                c, q = printer_of[site]
                try:
                    job = c.submit(pdf, q, "-o", "job-account-id=" + names[i])
                    submitted[("p-" + site, job)] = time.monotonic()
                except AssertionError:
                    lp_errors[0] += 1
                nxt += gap
                stop.wait(max(0, nxt - time.monotonic()))

        def desk():
            # What a desk page does: the job list every second.
            d = Api(srv.port, srv.admin_token)
            while not stop.wait(1):
                now = time.monotonic()
                for j in d("GET", "/api/v1/jobs")["jobs"]:
                    key = (j["printer"], j["cups_id"])
                    if key in submitted and key not in seen:
                        seen[key] = (now, j)
                    elif key in seen:
                        seen[key] = (seen[key][0], j)

        threads = []
        cups_cpu0 = [cpu_seconds(c.proc.pid) for c in cupsds]
        t_start = time.monotonic()
        if printing:
            for fn in (submitter, desk):
                th = threading.Thread(target=fn, daemon=True)
                th.start()
                threads.append(th)
        out, _ = lg.communicate()
        stop.set()
        for th in threads:
            th.join(30)
        elapsed = time.monotonic() - t_start
        if printing:
            time.sleep(3)  # the last jobs decided and printed
            final = {(j["printer"], j["cups_id"]): j
                     for j in api("GET", "/api/v1/jobs")["jobs"]}
        cups_cpu = [cpu_seconds(c.proc.pid) - c0 for c, c0 in zip(cupsds, cups_cpu0)]

        print("nproc %d; load average %s" % (os.cpu_count(), open("/proc/loadavg").read()
                                              .split()[:3]))
        print("%d kiosks on %d sites, all in a session, a heartbeat every 2 s each; %s; %d s"
              % (nk, nsites, "jobs from %g %% of the kiosks a minute on %d printers"
                 % (JOB_SHARE_PER_MINUTE * 100, nsites) if printing else "no printing",
                 seconds))
        result = ""
        for line in out.splitlines():
            if line.startswith(("RESULT", "setup", "  heartbeats", "  errors", "  latency",
                                "  cpu", "  rss", "hbgen")):
                print("hbgen: " + line.strip())
            if line.startswith("RESULT"):
                result = line
        if not result:
            print(out[-3000:])
        jobs = {}
        if printing:
            states, reasons, lat = {}, {}, []
            for key, t0 in submitted.items():
                j = final.get(key)
                st = j["state"] if j else "unseen"
                states[st] = states.get(st, 0) + 1
                if j and j["reason"]:
                    reasons[j["reason"]] = reasons.get(j["reason"], 0) + 1
                if key in seen:
                    lat.append(seen[key][0] - t0)
            jobs = dict(submitted=len(submitted), printed=states.get("printed", 0),
                        lat_p50=statistics.median(lat) if lat else float("nan"),
                        lat_p99=pct(lat, 0.99))
            print("jobs: %d submitted in %.0f s (%d lp errors): %s; reasons %s"
                  % (len(submitted), elapsed, lp_errors[0], dict(sorted(states.items())),
                     reasons))
            print("jobs: lp -> decided, as the desk polling every 1 s sees it: p50 %.2f s, "
                  "p99 %.2f s" % (jobs["lat_p50"], jobs["lat_p99"]))
            print("cupsd CPU during the run: %s s (%.2f cores in all)"
                  % (", ".join("%.1f" % c for c in cups_cpu), sum(cups_cpu) / elapsed))
        print("CITY kiosks=%d sites=%d printers=%d %s jobs_submitted=%s jobs_printed=%s "
              "job_decided_p50_s=%.2f job_decided_p99_s=%.2f cupsd_cores=%.2f"
              % (nk, nsites, nsites if printing else 0,
                 " ".join(result.split()[1:]), jobs.get("submitted", 0),
                 jobs.get("printed", 0), jobs.get("lat_p50", float("nan")),
                 jobs.get("lat_p99", float("nan")), sum(cups_cpu) / elapsed))
    finally:
        if srv:
            if srv.proc:
                srv.stop()
            srv.cleanup()
        for c in cupsds:
            c.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
