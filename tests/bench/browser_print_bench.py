#!/usr/bin/env python3
"""From Return in Chromium's print preview to the first page on paper and to the bar's notice
(not a timed test: it prints).

The kiosk under Xvfb with the real Chromium separated as in a centre (run as root), its
print.server naming a private cupsd whose escale queue (setup-print-host, the PDF PPD) prints
through the escale backend on the simulated printer; admind with a centre's defaults
(print.poll_ms = 1000, kiosk heartbeats every 5 s, 2 s in a session). Each run prints the same
one-page allowlisted page: Ctrl+P, the preview shown, Return. The clock runs from Return to

  page:   the simulated printer writing the job's first page (its DIR/printed)
  notice: the kiosk's bar showing "Impression de 1 page en cours" or "1 page imprimée"

Usage: tests/bench/browser_print_bench.py BUILD_DIR [RUNS]   (default 10)
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
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for var, path in (("ESCALE_ADMIND", "admin/escale-admind"), ("ESCALECTL", "admin/escalectl"),
                      ("ESCALE_KIOSK", "kiosk/escale-kiosk"),
                      ("ESCALE_KIOSK_NET", "kiosk/escale-kiosk-net"),
                      ("ESCALE_STANDIN", "tests/e2e/escale-standin-browser"),
                      ("ESCALE_SHOT", "tests/e2e/escale-shot"), ("ESCALE_LOCALEDIR", "po"),
                      ("ESCALE_BACKEND", "admin/escale")):
        os.environ.setdefault(var, os.path.join(build, path))
    os.environ.setdefault("ESCALE_BROWSER", os.path.join(ROOT, "kiosk", "escale-browser"))
    import test_browser_print_e2e as t

    class Bench(t.BrowserPrintIPv4):
        POLL_MS = 1000
        ADMIN_OPTS = "heartbeat_seconds = 5; sync_seconds = 60;"

        def runTest(self):
            pass

    Bench.setUpClass()
    b = Bench()
    page, notice = [], []
    try:
        b.setUp()
        b.start_printing_session(pages=1000)
        b.open_url("https://www.caf.fr/print")
        b.wait_title(lambda s: s.startswith("print me"), "the page to print")
        printed = os.path.join(b.cups.printer_dir, "printed")
        for n in range(runs):
            if b.kiosk.status()["banner"]:
                b.kiosk.click("dismiss")
                b.kiosk.wait(lambda s: not s["banner"], "the banner put away")
            job, t0 = b.print_from_preview("bench")
            want = "%d 1\n" % job["cups_id"]
            seen = {}
            while len(seen) < 2 and time.monotonic() - t0 < 60:
                if "notice" not in seen:
                    text = b.kiosk.status()["banner"]
                    if "1 page en cours" in text or "1 page imprimée" in text:
                        seen["notice"] = (time.monotonic() - t0) * 1000
                if "page" not in seen:
                    try:
                        with open(printed) as f:
                            if want in f.read():
                                seen["page"] = (time.monotonic() - t0) * 1000
                    except FileNotFoundError:
                        pass
                time.sleep(0.02)
            page.append(seen.get("page", float("inf")))
            notice.append(seen.get("notice", float("inf")))
            sys.stderr.write("  run %d: page %.0f ms, notice %.0f ms\n" % (n + 1, page[-1],
                                                                          notice[-1]))
            b.wait_job(job["cups_id"], ("printed",), "the page printed")
        print("browser print benchmark, %d runs of a 1-page page, print.poll_ms %d, Chromium "
              "separated, cupsd on 127.0.0.1" % (runs, Bench.POLL_MS))
        for label, v in (("first page written by the simulated printer", page),
                         ("the bar's notice", notice)):
            print("  Return -> %s: median %.0f ms (min %.0f, max %.0f)"
                  % (label, statistics.median(v), min(v), max(v)))
    finally:
        b.doCleanups()
        Bench.tearDownClass()


if __name__ == "__main__":
    main()
