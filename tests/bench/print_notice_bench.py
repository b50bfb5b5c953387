#!/usr/bin/env python3
"""How soon the resident sees what happens to a print job (not a timed test: it prints).

The kiosk under Xvfb in a session (stand-in browser), the real escale-admind watching a
private cupsd whose queue prints through the escale backend on the simulated printer, with
the defaults of a centre: print.poll_ms = 1000, sessions.heartbeat_seconds = 5,
sessions.session_heartbeat_seconds = 2. Each job is one page, sent with `lp` and tied to the
kiosk by job-account-id; the clock runs from `lp` to the kiosk's banner (its status):

  cold: the first job of a while (no job of the session for 16 s): heartbeats every 2 s
  warm: a job right after another (admind asks for a heartbeat every second)

Usage: tests/bench/print_notice_bench.py BUILD_DIR [JOBS]
"""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "print"))


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for var, path in (("ESCALE_ADMIND", "admin/escale-admind"), ("ESCALECTL", "admin/escalectl"),
                      ("ESCALE_KIOSK", "kiosk/escale-kiosk"),
                      ("ESCALE_KIOSK_NET", "kiosk/escale-kiosk-net"),
                      ("ESCALE_STANDIN", "tests/e2e/escale-standin-browser"),
                      ("ESCALE_SHOT", "tests/e2e/escale-shot"), ("ESCALE_LOCALEDIR", "po"),
                      ("ESCALE_BACKEND", "admin/escale")):
        os.environ.setdefault(var, os.path.join(build, path))
    import test_print_e2e

    class Bench(test_print_e2e.KioskPrint):
        POLL_MS = 1000
        # The defaults of kiosk.conf, as in a centre.
        ADMIN_OPTS = "heartbeat_seconds = 5; sync_seconds = 60;"

        def runTest(self):
            pass

    Bench.setUpClass()
    b = Bench()
    try:
        b.setUp()
        b.start_kiosk()
        b.sign_in(pages=1000)
        cold, warm = {"en cours": [], "imprimée": []}, {"en cours": [], "imprimée": []}
        for n in range(jobs):
            for kind, series in (("cold", cold), ("warm", warm)):
                if kind == "cold":
                    time.sleep(16)
                # The last notice is put away (its OK button), so that only a new one counts.
                if b.kiosk.status()["banner"]:
                    b.kiosk.click("dismiss")
                    b.kiosk.wait(lambda s: not s["banner"], "the banner put away")
                job, t0 = b.submit(1)
                seen = {}
                while len(seen) < 2 and time.monotonic() - t0 < 30:
                    text = b.kiosk.status()["banner"]
                    for key in series:
                        if key in text and key not in seen:
                            seen[key] = (time.monotonic() - t0) * 1000
                    time.sleep(0.02)
                # A notice replaced within one status poll counts as seen at the next one.
                if "imprimée" in seen and "en cours" not in seen:
                    seen["en cours"] = seen["imprimée"]
                for key, ms in seen.items():
                    series[key].append(ms)
        print("print notice benchmark, %d jobs of 1 page each way, print.poll_ms %d, "
              "session heartbeats every 2 s (1 s while printing)" % (jobs, Bench.POLL_MS))
        for kind, series in (("cold", cold), ("warm", warm)):
            for key, label in (("en cours", "printing"), ("imprimée", "printed")):
                v = series[key]
                if v:
                    print("  %s: lp -> kiosk shows \"%s\": median %.0f ms (min %.0f, max %.0f)"
                          % (kind, label, statistics.median(v), min(v), max(v)))
                else:
                    print("  %s: lp -> kiosk shows \"%s\": never seen" % (kind, label))
    finally:
        b.doCleanups()
        Bench.tearDownClass()


if __name__ == "__main__":
    main()
