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
import threading
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
    from kiosk_e2e import xdotool

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
            # The printer's file and the bar (--status, a process each time) are watched
            # from two threads started at the key press: neither waits for the other.
            seen = {}
            stop = threading.Event()
            start = {}

            def watch_page():
                size = os.path.getsize(printed) if os.path.exists(printed) else 0
                while not stop.is_set():
                    if os.path.exists(printed) and os.path.getsize(printed) > size:
                        seen["page"] = (time.monotonic() - start["t0"]) * 1000
                        return
                    time.sleep(0.01)
            # This job's notice, not the last one's: it says the pages left after it.
            left = "Il vous reste %d pages." % (1000 - n - 1)

            def watch_notice():
                while not stop.is_set():
                    text = b.kiosk.status()["banner"]
                    if ("1 page en cours" in text or "1 page imprimée" in text) and left in text:
                        seen["notice"] = (time.monotonic() - start["t0"]) * 1000
                        return
                    time.sleep(0.01)
            watchers = [threading.Thread(target=watch_page),
                        threading.Thread(target=watch_notice)]

            def press():
                start["t0"] = time.monotonic()
                for w in watchers:
                    w.start()
                xdotool(b.x.display, "key", "Return")
            try:
                job, _ = b.print_from_preview("bench", press=press)
                for w in watchers:
                    w.join(60)
            finally:
                stop.set()
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
