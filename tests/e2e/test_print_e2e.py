"""Printing as the resident sees it: the kiosk under Xvfb in a session, the real
escale-admind watching a private cupsd (tests/print/private_cupsd.py) whose queue prints
through the escale wrapper backend on the simulated printer. Jobs are tied to the kiosk by
its name in job-account-id, as a kiosk's browser would be by its address.

What is checked is what the kiosk shows: the banner's words (status "banner", screenshots)
and the bar's page count (status "pages_left"). The time from `lp` to the kiosk showing the
notice is printed, not asserted (tests/bench measures).
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "print"))

from kiosk_e2e import KioskTestCase, need, screenshot  # noqa: E402
from private_cupsd import WithCupsd  # noqa: E402

WAIT = 30.0


class KioskPrint(WithCupsd, KioskTestCase):
    TMP_PREFIX = "escale-print-e2e-"

    def new_kiosk(self, name=None, **kw):
        self.kiosk_name = name or self.unique("poste")
        return super().new_kiosk(self.kiosk_name, **kw)

    def pdf(self, pages):
        import mkpdf
        path = os.path.join(self.tmp, "doc-%d.pdf" % pages)
        with open(path, "wb") as f:
            f.write(mkpdf.make_pdf(pages))
        return path

    def submit(self, pages):
        t0 = time.monotonic()
        job = self.cups.submit(self.pdf(pages), self.QUEUE,
                               "-o", "job-account-id=" + self.kiosk_name)
        return job, t0

    def wait_banner(self, words, pages_left, what, t0=None):
        st = self.kiosk.wait(lambda s: words in s["banner"] and s["pages_left"] == pages_left,
                             what, timeout=WAIT)
        if t0 is not None:
            sys.stderr.write("  lp -> kiosk shows \"%s\": %.0f ms\n" %
                             (words, (time.monotonic() - t0) * 1000))
        return st

    def heartbeat_period(self):
        """heartbeat_seconds in admind's answer to a heartbeat of this kiosk and session
        (seconds_used only moves forward: 1 changes nothing)."""
        st = self.kiosk.status()
        hb = self.heartbeat(self.ktoken, state="session", session=st["session"],
                            seconds_used=1)
        return hb["heartbeat_seconds"]

    def jobs(self):
        return [j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                if j["kiosk"] == self.kiosk_name]

    def check_second_refused(self, shot):
        """The second job of 2 pages with 1 page left: the refusal's notice, the job
        counted and charged nothing, no paper. The status when the notice showed."""
        st = self.wait_banner("2 pages demandées, il vous en reste 1 : impression annulée.", 1,
                              "the refusal over quota")
        time.sleep(0.3)  # (the screen redrawn with the notice, for the screenshot)
        screenshot(self.x.display, shot)
        jobs = self.jobs()
        self.assertEqual(len(jobs), 2, jobs)
        refused = [j for j in jobs if j["charged"] == 0]
        self.assertEqual(len(refused), 1, jobs)
        self.assertNotIn(refused[0]["cups_id"], self.cups.printed())
        return st

    def jam(self):
        with open(os.path.join(self.cups.printer_dir, "jam"), "w") as f:
            f.write("0")  # before the first page

    def clear_jam(self):
        try:
            os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        except FileNotFoundError:
            pass

    def test_the_resident_sees_each_job_and_the_page_count(self):
        self.addCleanup(self.clear_jam)
        self.start_kiosk()
        self.sign_in(pages=3)
        self.assertEqual(self.kiosk.status()["pages_left"], 3)
        # Within the quota: printing, then printed; the bar counts 1 page left.
        job, t0 = self.submit(2)
        self.wait_banner("2 pages", 1, "the notice of 2 pages printing or printed", t0)
        screenshot(self.x.display, "print-01-released")
        st = self.wait_banner("2 pages imprimées. Il vous reste 1 page.", 1,
                              "the notice of 2 pages printed")
        # It asks nothing of the resident: green with a printer, not a warning.
        self.assertTrue(st["banner_calm"], st)
        self.assertEqual(self.cups.printed().get(job), 2)
        # While the session's job prints (or just did), admind asks for a heartbeat every
        # second: what the kiosk's helper is told, seen as admind answers it.
        self.assertEqual(self.heartbeat_period(), 1)
        # Over the quota: refused, with the numbers; nothing is counted.
        job, t0 = self.submit(5)
        self.wait_banner("5 pages demandées, il vous en reste 1 : impression annulée.", 1,
                         "the refusal over quota", t0)
        screenshot(self.x.display, "print-02-refused")
        self.assertFalse(self.kiosk.status()["banner_calm"])
        self.assertNotIn(job, self.cups.printed())
        # A jam: the resident is told the desk knows; the desk clears it and resumes the
        # queue; the page prints and is counted.
        self.jam()
        job, t0 = self.submit(1)
        self.wait_banner("L'imprimante est bloquée, l'accueil est prévenu.", 0,
                         "the jam notice", t0)
        screenshot(self.x.display, "print-03-jam")
        self.assertFalse(self.kiosk.status()["banner_calm"])
        self.clear_jam()
        self.api("POST", "/api/v1/printers/%s/resume" % self.QUEUE, None, self.admin)
        self.wait_banner("1 page imprimée. Il ne vous reste plus de page.", 0,
                         "the page printed after the jam")
        self.assertEqual(self.cups.printed().get(job), 1)
        screenshot(self.x.display, "print-04-printed-after-jam")


class ScanPrint(KioskPrint):
    """A scanned document printed from the scan's last screen ("Imprimer", issue 18): sent by
    the kiosk's scan helper to the same queue as the browser's jobs, as the CUPS user
    escale-kiosk.NAME (print.kiosk_name), so admind counts its pages before any paper is
    used, charges them, and refuses the job over the quota with the usual notice. SANE's
    test backend is the scanner."""

    def setUp(self):
        from test_scan_e2e import sane_test_conf
        self.sane_conf = sane_test_conf
        super().setUp()

    def make_kiosk(self, extra=None, env=None):
        conf = self.sane_conf(self.workdir)
        return super().make_kiosk(
            extra='scan: { device = "test:0"; resolution = 75; };\n'
            'print = { server = "%s"; queue = "%s"; kiosk_name = "%s"; };\n' % (
                self.cups.server, self.QUEUE, self.kiosk_name),
            env={"SANE_CONFIG_DIR": conf, "ESCALE_KIOSK_SCAN": need("ESCALE_KIOSK_SCAN")})

    def test_the_resident_sees_each_job_and_the_page_count(self):
        pass  # (KioskPrint's)

    def scan_document(self, pages):
        """The bar's Numériser, PAGES pages, Terminer: the document saved screen."""
        self.kiosk.click("scan")
        for n in range(1, pages + 1):
            self.kiosk.wait(lambda s: s["scan"]["state"] == "place", "the place-the-page screen")
            self.kiosk.click("scanflow", "s")
            self.kiosk.wait(lambda s: s["scan"]["state"] == "preview" and
                            s["scan"]["pages"] == n, "page %d scanned" % n)
            self.kiosk.click("scanflow", "a" if n < pages else "f")
        return self.kiosk.wait(lambda s: s["scan"]["state"] == "done", "the document saved")

    def test_a_scan_prints_within_the_quota(self):
        self.start_kiosk()
        self.sign_in(pages=3)
        st = self.scan_document(2)
        self.assertTrue(st["scan"]["can_print"], st["scan"])
        screenshot(self.x.display, "print-05-scan-saved")
        self.kiosk.click("scanflow", "p")
        st = self.kiosk.wait(lambda s: s["scan"]["printed"], "the scan sent to the printer")
        self.assertEqual(st["scan"]["state"], "done")
        screenshot(self.x.display, "print-06-scan-sent")
        # Sent once: no second Imprimer on the screen.
        self.assertNotIn("p", [b["key"] for b in st["buttons"] if b["action"] == "scanflow"])
        self.wait_banner("2 pages imprimées. Il vous reste 1 page.", 1,
                         "the scan's 2 pages printed")
        jobs = self.jobs()
        self.assertEqual(len(jobs), 1, jobs)
        self.assertEqual(jobs[0]["session"], self.kiosk.status()["session"], jobs)
        self.assertEqual(jobs[0]["charged"], 2, jobs)
        self.assertEqual(self.cups.printed().get(jobs[0]["cups_id"]), 2)
        # A second document of 2 pages, 1 page left: refused with the numbers, no paper.
        self.kiosk.click("scanflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.scan_document(2)
        self.kiosk.click("scanflow", "p")
        self.kiosk.wait(lambda s: s["scan"]["printed"], "the second scan sent")
        self.check_second_refused("print-07-scan-refused")
        self.assertEqual(self.kiosk.status()["documents"][1]["name"], "document-2.pdf")

    def test_a_scan_jammed_is_refunded(self):
        """A jam before the first page: the resident is told the desk knows; the desk
        cancels the job and the page charged comes back."""
        self.addCleanup(self.clear_jam)
        self.start_kiosk()
        self.sign_in(pages=3)
        self.scan_document(1)
        self.jam()
        self.kiosk.click("scanflow", "p")
        self.wait_banner("L'imprimante est bloquée, l'accueil est prévenu.", 2,
                         "the jam notice, 1 page charged")
        screenshot(self.x.display, "print-08-scan-jam")
        job = self.jobs()[0]
        self.assertEqual(job["charged"], 1, job)
        self.clear_jam()
        self.api("POST", "/api/v1/jobs/%d/cancel" % job["id"], None, self.admin)
        self.kiosk.wait(lambda s: s["pages_left"] == 3, "the page refunded", timeout=WAIT)
        deadline = time.monotonic() + WAIT
        while self.jobs()[0]["refunded"] != 1:
            self.assertLess(time.monotonic(), deadline, self.jobs())
            time.sleep(0.3)
        self.assertNotIn(job["cups_id"], self.cups.printed())
        # The queue the jam stopped goes again for the other tests.
        self.api("POST", "/api/v1/printers/%s/resume" % self.QUEUE, None, self.admin)


class UsbPrint(KioskPrint):
    """A PDF copied from a USB key printed from the USB flow's done screen ("Imprimer",
    issue 18): a real FAT image as the key, the kiosk's own copy of the PDF sent by the
    scan's print helper to the same queue, as escale-kiosk.NAME: admind counts, charges and
    refuses it over the quota like the browser's jobs."""

    def setUp(self):
        from test_usb_e2e import skip_without_mtools
        skip_without_mtools(self)
        super().setUp()
        self.key = os.path.join(self.workdir, "key.img")
        self.kiosk.env["ESCALE_USB_IMAGE"] = self.key

    def make_kiosk(self, extra=None, env=None):
        return super().make_kiosk(
            extra='print = { server = "%s"; queue = "%s"; kiosk_name = "%s"; };\n' % (
                self.cups.server, self.QUEUE, self.kiosk_name),
            env={"ESCALE_KIOSK_SCAN": need("ESCALE_KIOSK_SCAN")})

    def test_the_resident_sees_each_job_and_the_page_count(self):
        pass  # (KioskPrint's)

    def kept(self):
        """The kiosk's own copies: RUNTIME_DIR/scan-usb-*/."""
        return [os.path.join(self.kiosk.runtime_dir, d, f)
                for d in os.listdir(self.kiosk.runtime_dir) if d.startswith("scan-usb-")
                for f in os.listdir(os.path.join(self.kiosk.runtime_dir, d))]

    def copy(self, names):
        """The bar's Clé USB, NAMES chosen, Copier: the done screen's status."""
        self.kiosk.click("usb")
        st = self.kiosk.wait(lambda s: s["usb"]["state"] == "list", "the key's files")
        files = [f["name"] for f in st["usb"]["files"]]
        for name in names:
            self.kiosk.click("usbflow", str(files.index(name)))
        self.kiosk.wait(lambda s: sum(f["chosen"] for f in s["usb"]["files"]) == len(names),
                        "the files chosen")
        self.kiosk.click("usbflow", "c")
        return self.kiosk.wait(lambda s: s["usb"]["state"] == "done", "the copy")

    def test_a_pdf_from_a_key_prints_within_the_quota(self):
        import mkpdf
        from test_usb_e2e import make_key
        two = mkpdf.make_pdf(2)
        self.start_kiosk()
        self.sign_in(pages=3)
        staging = os.path.join(self.workdir, "staging.img")
        make_key(staging, {"Attestation.pdf": two, "photo.jpg": b"\xff\xd8\xff\xe0 " * 20})
        os.rename(staging, self.key)  # plugged in during the session
        self.kiosk.wait(lambda s: "usb" in [b["action"] for b in s["buttons"] if b["bar"]],
                        "the bar's USB button")
        # Two PDFs would leave the choice open; one PDF and a photo: Imprimer.
        st = self.copy(["Attestation.pdf", "photo.jpg"])
        self.assertEqual(st["usb"]["copied"], 2, st["usb"])
        self.assertTrue(st["usb"]["can_print"], st["usb"])
        self.assertFalse(st["usb"]["printed"], st["usb"])
        self.assertIn("p", [b["key"] for b in st["buttons"] if b["action"] == "usbflow"])
        screenshot(self.x.display, "print-09-usb-copied")
        kept = self.kept()
        self.assertEqual(len(kept), 1, kept)
        with open(kept[0], "rb") as f:
            self.assertEqual(f.read(), two)
        # The browser's user swaps the Documents copy for a 1-page PDF: the kiosk prints
        # its own, the 2 pages of the key.
        docs = [e for e in os.listdir(self.kiosk.runtime_dir) if e.startswith("session-")]
        swapped = os.path.join(self.kiosk.runtime_dir, docs[0], "home", "Documents",
                               "Attestation.pdf")
        with open(swapped + ".new", "wb") as f:
            f.write(mkpdf.make_pdf(1))
        os.rename(swapped + ".new", swapped)
        self.kiosk.click("usbflow", "p")
        st = self.kiosk.wait(lambda s: s["usb"]["printed"], "the PDF sent to the printer")
        self.assertEqual(st["usb"]["state"], "done")
        self.assertFalse(st["usb"]["can_print"], st["usb"])  # sent once
        self.assertNotIn("p", [b["key"] for b in st["buttons"] if b["action"] == "usbflow"])
        st = self.wait_banner("2 pages imprimées. Il vous reste 1 page.", 1,
                              "the key's 2 pages printed")
        self.assertEqual(st["screen"], "usb")  # the notice shown on the USB screen
        screenshot(self.x.display, "print-10-usb-printed")
        jobs = self.jobs()
        self.assertEqual(len(jobs), 1, jobs)
        self.assertEqual(jobs[0]["session"], st["session"], jobs)
        self.assertEqual(jobs[0]["charged"], 2, jobs)
        self.assertEqual(self.cups.printed().get(jobs[0]["cups_id"]), 2)
        # OK: the kiosk's copies go with the flow.
        self.kiosk.click("usbflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.assertEqual(self.kept(), [])
        # The same 2 pages again, 1 page left: refused with the numbers, no paper.
        self.copy(["Attestation.pdf"])
        self.kiosk.click("usbflow", "p")
        self.kiosk.wait(lambda s: s["usb"]["printed"], "the second print sent")
        st = self.check_second_refused("print-11-usb-refused")
        self.assertEqual(st["screen"], "usb")  # the notice on the USB screen too
        self.kiosk.click("usbflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.assertEqual(self.kept(), [])
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] in ("login", "closed"), "the welcome screen")
        self.assertEqual(self.kept(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
