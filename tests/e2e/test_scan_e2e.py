#!/usr/bin/env python3
"""Scanning from the session (docs/kiosk.md, "Documents"), with SANE's test backend as the
scanner: the bar's "Numériser" button, two pages, one PDF of two pages in the session's
Documents; a scanner that jams mid-page gives its message and the session goes on."""
import os
import shutil
import subprocess
import time
import unittest

from kiosk_e2e import KioskTestCase, need, screenshot


def sane_test_conf(workdir):
    """A SANE configuration with only the test backend (Debian ships it commented out)."""
    conf = os.path.join(workdir, "sane")
    os.makedirs(conf, exist_ok=True)
    with open(os.path.join(conf, "dll.conf"), "w") as f:
        f.write("test\n")
    return conf


class Scan(KioskTestCase):
    KIOSK_EXTRA = 'scan: { device = "test:0"; resolution = 150; };\n'

    def setUp(self):
        if not shutil.which("qpdf"):
            self.skipTest("qpdf is missing: apt-get install qpdf")
        super().setUp()
        self.kiosk.env["SANE_CONFIG_DIR"] = sane_test_conf(self.workdir)
        self.kiosk.env["ESCALE_KIOSK_SCAN"] = need("ESCALE_KIOSK_SCAN")

    def scan_page(self, n):
        self.kiosk.wait(lambda s: s["scan"]["state"] == "place", "the place-the-page screen")
        self.kiosk.click("scanflow", "s")
        return self.kiosk.wait(lambda s: s["scan"]["state"] == "preview" and
                               s["scan"]["pages"] == n, "page %d scanned" % n)

    def test_two_pages_make_one_pdf_in_documents(self):
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.status()
        self.assertIn("scan", [b["action"] for b in st["buttons"] if b["bar"]])
        self.assertEqual(st["documents"], [])
        self.kiosk.click("scan")
        st = self.kiosk.wait(lambda s: s["screen"] == "scan", "the scan screen")
        screenshot(self.x.display, "scan-01-place")
        self.kiosk.click("scanflow", "g")  # grey: smaller, still readable
        self.scan_page(1)
        screenshot(self.x.display, "scan-02-preview")
        # Recommencer drops the page; then two pages.
        self.kiosk.click("scanflow", "r")
        self.scan_page(1)
        self.kiosk.click("scanflow", "a")
        self.scan_page(2)
        self.kiosk.click("scanflow", "f")
        st = self.kiosk.wait(lambda s: s["scan"]["state"] == "done", "the document saved")
        screenshot(self.x.display, "scan-03-done")
        self.assertEqual(st["scan"]["pages_scanned"], 3)
        self.assertEqual([(d["name"], d["pages"]) for d in st["documents"]],
                         [("document-1.pdf", 2)])
        self.assertLess(st["documents"][0]["bytes"], 2 * 1000 * 1000)
        # admind counts the pages scanned (no name): its statistics, from the heartbeats.
        deadline = time.monotonic() + 20
        while self.api("GET", "/api/v1/stats", token=self.admin)["pages_scanned"] < 3:
            self.assertLess(time.monotonic(), deadline, "pages_scanned never reached admind")
            time.sleep(0.3)
        docs = os.path.join(self.session_dir(), "home", "Documents")
        pdf = os.path.join(docs, "document-1.pdf")
        out = subprocess.run(["qpdf", "--show-npages", pdf], stdout=subprocess.PIPE,
                             check=True, text=True).stdout.strip()
        self.assertEqual(out, "2")
        self.assertEqual(os.stat(pdf).st_mode & 0o777, 0o644)
        # "Aussi en images": each page as a JPEG beside the PDF, named after it, once.
        self.assertFalse(st["scan"]["images"])
        self.kiosk.click("scanflow", "j")
        st = self.kiosk.wait(lambda s: s["scan"]["images"], "the pages as images")
        screenshot(self.x.display, "scan-04-images")
        self.assertEqual([d["name"] for d in st["documents"]],
                         ["document-1-page-1.jpg", "document-1-page-2.jpg", "document-1.pdf"])
        for p in (1, 2):
            path = os.path.join(docs, "document-1-page-%d.jpg" % p)
            with open(path, "rb") as f:
                self.assertEqual(f.read(3), b"\xff\xd8\xff", "not a JPEG")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
        self.assertNotIn("j", [b["key"] for b in st["buttons"] if b["action"] == "scanflow"])
        # OK: back to the session; a second document is document-2.pdf.
        self.kiosk.click("scanflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.kiosk.click("scan")
        self.scan_page(1)
        self.kiosk.click("scanflow", "f")
        st = self.kiosk.wait(lambda s: s["scan"]["state"] == "done", "the second document")
        self.assertEqual([d["name"] for d in st["documents"] if d["name"].endswith(".pdf")],
                         ["document-1.pdf", "document-2.pdf"])
        self.assertFalse(st["scan"]["images"])
        # The kiosk's work directory holds the pages during the session only.
        work = [e for e in os.listdir(self.kiosk.runtime_dir) if e.startswith("scan-")]
        self.assertEqual(len(work), 1, work)
        self.kiosk.click("scanflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.end_session()
        self.assertFalse(os.path.exists(pdf))
        self.assertEqual([e for e in os.listdir(self.kiosk.runtime_dir)
                          if e.startswith("scan-") or e.startswith("session-")], [])

    def session_dir(self):
        dirs = [e for e in os.listdir(self.kiosk.runtime_dir) if e.startswith("session-")]
        self.assertEqual(len(dirs), 1, dirs)
        return os.path.join(self.kiosk.runtime_dir, dirs[0])

    def scan_fails(self, word):
        """Signs in, opens the scan screen, scans: the error WORD, on the scan screen."""
        self.start_kiosk()
        self.sign_in()
        self.kiosk.click("scan")
        self.kiosk.wait(lambda s: s["scan"]["state"] == "place", "the scan screen")
        self.kiosk.click("scanflow", "s")
        st = self.kiosk.wait(lambda s: s["scan"]["state"] == "error", "the error")
        self.assertEqual(st["scan"]["error"], word)
        self.assertEqual(st["screen"], "scan")
        return st

    def end_session(self):
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] in ("login", "closed"), "the welcome screen")


class ScanFails(Scan):
    """The test backend's error simulation: the scanner jams in the middle of the page."""

    def setUp(self):
        super().setUp()
        self.kiosk.env["ESCALE_SCAN_OPTION"] = "read-return-value=SANE_STATUS_JAMMED"

    def test_two_pages_make_one_pdf_in_documents(self):
        pass  # (Scan's, which this scanner cannot do)

    def test_jam_is_told_and_the_session_goes_on(self):
        self.scan_fails("jammed")
        screenshot(self.x.display, "scan-04-jammed")
        # Réessayer: the same; Fermer: the session as before, nothing saved.
        self.kiosk.click("scanflow", "t")
        # The click is an X event: --status may answer before the kiosk has read it.
        self.kiosk.wait(lambda s: s["scan"]["state"] == "place", "the place-the-page screen")
        self.kiosk.click("scanflow", "s")
        self.kiosk.wait(lambda s: s["scan"]["state"] == "error", "the error again")
        self.kiosk.click("scanflow", "x")
        st = self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.assertEqual(st["state"], "session")
        self.assertEqual(st["documents"], [])


class ScanMissing(Scan):
    KIOSK_EXTRA = 'scan: { device = "test:nosuch"; };\n'

    def test_two_pages_make_one_pdf_in_documents(self):
        pass

    def test_missing_scanner_is_told(self):
        # A crash's leftover work directory is removed at start.
        stale = os.path.join(self.kiosk.runtime_dir, "scan-crash1")
        os.makedirs(stale)
        with open(os.path.join(stale, "page-1.jpg"), "wb") as f:
            f.write(b"\xff\xd8\xff a page of the previous resident")
        self.scan_fails("missing")
        self.assertFalse(os.path.exists(stale))
        screenshot(self.x.display, "scan-05-missing")
        self.kiosk.click("scanflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")


if __name__ == "__main__":
    unittest.main()
