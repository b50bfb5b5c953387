#!/usr/bin/env python3
"""Kiosk benchmarks under Xvfb with the stand-in browser (not a timed test: it prints).

  code accepted -> first browser window mapped      (kiosk's own monotonic clock)
  session end   -> welcome screen mapped and drawn  (target < 300 ms; ending screen 0 ms)
  escale-kiosk resident memory at the welcome screen (target < 20 MB)
  wake-ups per second at the idle welcome screen     (target close to 0)

With --chromium, the browser is Debian's Chromium in escale-browser's sandbox with the
kiosk's policy (the default browser.command; host names resolve nowhere), run as root
separated as in a centre (escale-guest, Chromium's own sandbox): the first figure
is then code accepted -> Chromium's first window mapped, and the second includes killing
Chromium's whole sandbox.

Usage: tests/bench/kiosk_bench.py BUILD_DIR [CYCLES] [--chromium]
"""

import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))


def main():
    args = [a for a in sys.argv[1:] if a != "--chromium"]
    chromium = "--chromium" in sys.argv[1:]
    build = os.path.abspath(args[0] if args else "build")
    cycles = int(args[1]) if len(args) > 1 else (5 if chromium else 20)
    os.environ.setdefault("ESCALE_ADMIND", os.path.join(build, "admin", "escale-admind"))
    os.environ.setdefault("ESCALECTL", os.path.join(build, "admin", "escalectl"))
    os.environ.setdefault("ESCALE_KIOSK", os.path.join(build, "kiosk", "escale-kiosk"))
    os.environ.setdefault("ESCALE_KIOSK_NET", os.path.join(build, "kiosk", "escale-kiosk-net"))
    os.environ.setdefault("ESCALE_STANDIN", os.path.join(build, "tests", "e2e",
                                                         "escale-standin-browser"))
    os.environ.setdefault("ESCALE_SHOT", os.path.join(build, "tests", "e2e", "escale-shot"))
    os.environ.setdefault("ESCALE_LOCALEDIR", os.path.join(build, "po"))
    import kiosk_e2e

    class Bench(kiosk_e2e.KioskTestCase):
        KIOSK_EXTRA = "session: { ending_ms = 0; };\n"
        # The defaults of kiosk.conf, as in a centre: the idle figures depend on them.
        ADMIN_OPTS = "heartbeat_seconds = 5; sync_seconds = 60;"

        # With Chromium run as root: separated as in a centre (escale-guest, Chromium's own
        # sandbox, X access control), as the chromium tests run.
        SEPARATED = chromium and os.geteuid() == 0
        X_AUTH = SEPARATED
        BROWSER_USER = kiosk_e2e.GUEST if SEPARATED else ""

        def runTest(self):
            pass

        def setUp(self):
            if self.SEPARATED:
                kiosk_e2e.ensure_guest()
            super().setUp()
            if self.SEPARATED:
                kiosk_e2e.lay_out_as_production(self.kiosk)

        def make_kiosk(self, extra=None, env=None):
            if not chromium:
                return super().make_kiosk(extra, env)
            wrapper = os.path.join(ROOT, "kiosk", "escale-browser")
            if self.SEPARATED:
                wrapper = kiosk_e2e.guest_copy(self.workdir, wrapper)
            browser = [wrapper, "--dir", "%d", "--",
                       "chromium", "--kiosk", "--no-first-run", "--user-data-dir=%d/profile",
                       "--disable-background-networking", "--disable-component-update",
                       "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND", "%u"]
            return kiosk_e2e.Kiosk(self.workdir, self.x.display,
                                   "http://127.0.0.1:%d" % self.server.port, self.ktoken,
                                   extra=self.KIOSK_EXTRA, browser=browser,
                                   admin_opts=self.ADMIN_OPTS, browser_user=self.BROWSER_USER)

    Bench.setUpClass()
    b = Bench()
    try:
        b.setUp()
        b.start_kiosk()
        k = b.kiosk
        accept, welcome, wiped = [], [], []
        for _ in range(cycles):
            code = b.new_code(minutes=30)["code"].replace(" ", "")
            k.type(code)
            st = k.wait(lambda s: s["state"] == "session" and
                        s["timings"]["accept_to_window_ms"] >= 0, "the browser's window",
                        timeout=60)
            accept.append(st["timings"]["accept_to_window_ms"])
            k.click("end")
            k.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
            k.click("yes")
            st = k.wait(lambda s: s["state"] == "login" and
                        s["timings"]["end_to_welcome_ms"] >= 0, "the welcome screen")
            welcome.append(st["timings"]["end_to_welcome_ms"])
            wiped.append(st["timings"]["end_to_wiped_ms"])
        pid = k.proc.pid
        net = [int(p) for p in os.listdir("/proc") if p.isdigit() and
               _ppid(int(p)) == pid]

        def ctx(p):
            total = 0
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/status" % (p, t)) as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")):
                            total += int(line.split()[1])
            return total

        # Idle at the welcome screen: no status queries (they would wake it) for 60 s (the
        # browser makes no difference there: skipped with --chromium).
        period = 1.0 if chromium else 60.0
        before = {p: ctx(p) for p in [pid] + net}
        time.sleep(period)
        after = {p: ctx(p) for p in [pid] + net}
        with open("/proc/%d/status" % pid) as f:
            rss = [l for l in f if l.startswith("VmRSS")][0].split()[1]
        st = k.status()
        print("kiosk benchmark, %d cycles, %s, Xvfb 1280x800, kill: %s, separated: %s" %
              (cycles, "Chromium in escale-browser" if chromium else "stand-in browser",
               st["kill"], st["separated"]))
        print("  code accepted -> first browser window mapped: median %.0f ms (min %d, max %d)"
              % (statistics.median(accept), min(accept), max(accept)))
        print("  session end -> welcome screen drawn:          median %.0f ms (min %d, max %d)"
              % (statistics.median(welcome), min(welcome), max(welcome)))
        print("    of which browser killed and directory removed: median %.0f ms"
              % statistics.median(wiped))
        print("  shortcut grabs held: %d, click grabs: %d" % (st["shortcut_grabs"],
                                                           st["click_grabs"]))
        # Every grab taken again after a keyboard layout change (fr, us in turn).
        taken = []
        for i in range(10):
            n = k.output().count("click grabs held")
            subprocess.run(["setxkbmap", "-display", b.x.display, ("fr", "us")[i % 2]],
                           check=True, timeout=20)
            k.wait(lambda s: k.output().count("click grabs held") > n, "the grabs again")
            line = [l for l in k.output().splitlines() if "click grabs held" in l][-1]
            taken.append(int(line.rsplit("taken in ", 1)[1].split()[0]))
        print("  grabs taken again after a layout change: median %.0f ms (min %d, max %d)" %
              (statistics.median(taken), min(taken), max(taken)))
        if chromium:
            return
        print("  escale-kiosk resident memory at the welcome screen: %.1f MB" %
              (int(rss) / 1024))
        print("  wake-ups per second, idle welcome screen (%.0f s): escale-kiosk %.2f" %
              (period, (after[pid] - before[pid]) / period))
        for p in net:
            print("  wake-ups per second, idle, network helper (a heartbeat every 5 s): %.2f" %
                  ((after[p] - before[p]) / period))
    finally:
        b.doCleanups()
        Bench.tearDownClass()


def _ppid(p):
    try:
        with open("/proc/%d/stat" % p) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


if __name__ == "__main__":
    main()
