#!/usr/bin/env python3
"""Scanning: from "Numériser" to the PDF ready, as the kiosk does it (escale-kiosk-scan
once per page, then once for the PDF), with SANE's test backend as the scanner; and the
PDF's size per page. Prints figures, asserts nothing.

usage: scan_bench.py [BUILD_DIR] [RUNS]

The test backend's pictures ("Solid black", "Grid", "Color pattern") are not paper: a real
page's JPEG is larger (text, noise). The figures bound the kiosk's own cost (the helper,
JPEG, the PDF), not the scanner's, which takes seconds a page at 150 dpi."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    helper = os.path.join(build, "kiosk", "escale-kiosk-scan")
    if not os.access(helper, os.X_OK):
        sys.exit("no %s: build first (ninja -C %s)" % (helper, build))
    tmp = tempfile.mkdtemp(prefix="escale-scan-bench-")
    try:
        os.makedirs(os.path.join(tmp, "sane"))
        with open(os.path.join(tmp, "sane", "dll.conf"), "w") as f:
            f.write("test\n")
        env = dict(os.environ, SANE_CONFIG_DIR=os.path.join(tmp, "sane"))
        print("cores: %d; %d runs each; median (min-max) ms from the first page's scan to "
              "the PDF written" % (os.cpu_count(), runs))
        for picture in ("Solid black", "Grid", "Color pattern"):
            for mode, dpi in (("gray", 150), ("color", 150), ("color", 200)):
                for pages in (1, 5):
                    times, size = [], 0
                    for r in range(runs):
                        out = os.path.join(tmp, "run")
                        shutil.rmtree(out, ignore_errors=True)
                        os.makedirs(out)
                        t0 = time.monotonic()
                        for p in range(1, pages + 1):
                            subprocess.run(
                                [helper, "scan", "--device", "test:0", "--resolution",
                                 str(dpi), "--mode", mode, "--option",
                                 "test-picture=" + picture, "--out",
                                 os.path.join(out, "page-%d" % p)],
                                env=env, check=True, stdout=subprocess.DEVNULL)
                        pdf = os.path.join(out, "document.pdf")
                        subprocess.run([helper, "pdf", pdf] +
                                       [os.path.join(out, "page-%d.jpg" % p)
                                        for p in range(1, pages + 1)],
                                       env=env, check=True, stdout=subprocess.DEVNULL)
                        times.append((time.monotonic() - t0) * 1000)
                        size = os.path.getsize(pdf)
                    print("%-13s %-5s %3d dpi %d page(s): %6.0f ms (%.0f-%.0f), PDF %7d bytes, "
                          "%7d bytes a page" % (picture, mode, dpi, pages,
                                                statistics.median(times), min(times),
                                                max(times), size, size // pages))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
