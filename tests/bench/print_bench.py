#!/usr/bin/env python3
"""Printing figures: page-count time of a 500-page PDF, and submission -> release.

Usage: tests/bench/print_bench.py [BUILD_DIR] [JOBS]
Prints figures only; asserts no timing. Starts its own private cupsd
(tests/print/private_cupsd.py) and escale-admind with the default print.poll_ms.
"""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "print"))

import mkpdf  # noqa: E402
from private_cupsd import Cupsd  # noqa: E402


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    os.environ["ESCALE_ADMIND"] = os.path.join(build, "admin", "escale-admind")
    os.environ["ESCALECTL"] = os.path.join(build, "admin", "escalectl")
    import escale_test as et

    tmp = tempfile.mkdtemp(prefix="escale-print-bench-")
    plain = os.path.join(tmp, "500.pdf")
    with open(plain, "wb") as f:
        f.write(mkpdf.make_pdf(500))
    packed = os.path.join(tmp, "500-objstm.pdf")
    mkpdf.qpdf_object_streams(plain, packed)
    print("nproc %d" % os.cpu_count())
    bench = os.path.join(build, "tests", "bench", "pagecount_bench")
    for path in (plain, packed):
        subprocess.run([bench, path, "21"], check=True)

    cups = Cupsd(os.path.join(build, "admin", "escale"))
    srv = None
    try:
        cups.start()
        cups.add_queue("escale")
        srv = et.Admind(extra_conf='print = { enabled = true; cups_server = "%s";'
                        ' release_key_file = "%s"; };\n' % (cups.server, cups.release_key))
        srv.bootstrap_admin()
        srv.start()
        tok = srv.admin_token
        _, _, k = srv.request("POST", "/api/v1/kiosks", {"name": "bench"}, token=tok)

        def new_session():
            # A fresh code of 1000 pages for each job: the quota never refuses one.
            _, _, c = srv.request("POST", "/api/v1/codes", {"count": 1, "pages": 1000},
                                  token=tok)
            _, _, s = srv.request("POST", "/api/v1/kiosk/sessions",
                                  {"code": c["codes"][0]["code"]}, token=k["token"])
            return s["session"]
        small = os.path.join(tmp, "3.pdf")
        with open(small, "wb") as f:
            f.write(mkpdf.make_pdf(3))
        log = os.path.join(cups.printer_dir, "log")
        for doc, label in ((small, "3-page PDF"), (plain, "500-page PDF")):
            times = []
            for _ in range(jobs if doc == small else max(5, jobs // 2)):
                sid = new_session()
                # Submissions come at any moment of the watcher's poll period.
                time.sleep(random.random())
                t0 = time.monotonic()
                job = cups.submit(doc, "escale", "-o", "job-account-id=bench")
                # Released: admind decided and released it, cupsd started the backend.
                mark = "%d start" % job
                while mark not in read(log):
                    time.sleep(0.002)
                times.append((time.monotonic() - t0) * 1000)
                srv.request("POST", "/api/v1/kiosk/sessions/%s/end" % sid, {"reason": "user"},
                            token=k["token"])
            print("submission (lp returned) -> released, %s, print.poll_ms 1000, %d jobs: "
                  "median %.0f ms, min %.0f, max %.0f"
                  % (label, len(times), statistics.median(times), min(times), max(times)))
    finally:
        if srv:
            srv.stop()
            srv.cleanup()
        cups.stop()
        subprocess.run(["rm", "-rf", tmp])


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


if __name__ == "__main__":
    main()
