"""A resident prints from Chromium, as in a centre: the kiosk under Xvfb with the real
Chromium separated (escale-guest, its own sandbox inside escale-browser), admind watching a
private cupsd (tests/print/private_cupsd.py) on a port other than 631, named in kiosk.conf
print.server, whose escale queue (made by scripts/setup-print-host: the PDF PPD) prints
through the escale wrapper backend on the simulated printer.

The resident opens the print preview with Ctrl+P and prints with Return or the Imprimer
button; what is checked is what each part saw: the job in admind (kiosk, session, pages
charged), the pages the simulated printer wrote, and the bar's notice and page count
(--status). Timings from Return are printed, not asserted (tests/bench measures them).
"""

import os
import re
import socket
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "print"))

from kiosk_e2e import KioskTestCase, screenshot, xdotool  # noqa: E402
from private_cupsd import WithCupsd  # noqa: E402
from test_chromium_e2e import WAIT, ChromiumTestCase, Services, png_pixels  # noqa: E402

# A page of three printed pages (in this process only: the services' server of these tests).
Services.PAGES = dict(Services.PAGES, **{"/long": "<title>long doc</title>" + "".join(
    "<h1 style='font-size:80px;page-break-after:always'>Page %d</h1>" % i for i in (1, 2, 3))})


def preview_shown(path):
    """The print preview's left part is grey around the page (the page itself is white)."""
    _, _, rows = png_pixels(path)
    area = [rows[y][x] for y in range(100, 700, 10) for x in range(150, 215, 5)]
    grey = [p for p in area if max(p) - min(p) < 12 and 200 <= p[0] <= 240]
    return len(grey) / len(area) > 0.8


class BrowserPrintCase(WithCupsd, ChromiumTestCase):
    """One private cupsd and admind per class; one kiosk and Chromium per test."""

    TMP_PREFIX = "escale-browser-print-"
    PRINT_HOST = "127.0.0.1"
    KIOSK_NAME = False  # print.kiosk_name: tie the jobs by the CUPS user name

    def print_conf(self):
        name = 'kiosk_name = "%s"; ' % self.kiosk_name if self.KIOSK_NAME else ""
        return 'print = { server = "%s:%d"; queue = "%s"; %s};\n' % (
            self.PRINT_HOST, self.cups.port, self.QUEUE, name)

    def setUp(self):
        super().setUp()
        # Kiosks of earlier tests of the class may still count as in session for admind:
        # the jobs of this one are told apart by its name.
        self.kiosk = self.make_kiosk(extra=self.SERVICES + self.print_conf())
        if self.SEPARATED:
            from kiosk_e2e import lay_out_as_production
            lay_out_as_production(self.kiosk)

    def new_kiosk(self, name=None, **kw):
        self.kiosk_name = name or self.unique("poste")
        return super().new_kiosk(self.kiosk_name, **kw)

    def start_printing_session(self, pages):
        st = self.start_kiosk()
        self.assertEqual(st["separated"], self.SEPARATED, st)
        self.sign_in(pages=pages)
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page")
        if self.SEPARATED:
            self.check_separated()

    def jobs(self):
        return [j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                if j["kiosk"] == self.kiosk_name]

    def open_preview(self, what):
        """Ctrl+P, as a resident does, until the preview shows."""
        for attempt in range(2):
            self.key("ctrl+p")
            deadline = time.monotonic() + (20 if attempt == 0 else WAIT)
            while time.monotonic() < deadline:
                shot = screenshot(self.x.display, "browser-print-preview")
                if preview_shown(shot):
                    return
                time.sleep(0.5)
        self.fail("the print preview of %s did not open\n%s" % (what, self.kiosk.output()))

    def print_from_preview(self, what, press=None):
        """Prints with Return (or PRESS, e.g. a click on Imprimer) once the preview lists
        the queue; returns (admind's job, monotonic time of the key press)."""
        before = {j["cups_id"] for j in self.jobs()}
        self.open_preview(what)
        # The preview asks the print server for the queue's capabilities before Imprimer is
        # active: time for that, then the key.
        time.sleep(3)
        screenshot(self.x.display, "browser-print-%s-preview" % what)
        t0 = time.monotonic()
        if press:
            press()
        else:
            xdotool(self.x.display, "key", "Return")
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            new = [j for j in self.jobs() if j["cups_id"] not in before]
            if new:
                return new[0], t0
            time.sleep(0.2)
        screenshot(self.x.display, "browser-print-%s-nothing" % what)
        self.fail("no job of %s reached admind (the preview listed no printer?)\n"
                  "cupsd:\n%s\nkiosk:\n%s" % (what, self.cups.log(), self.kiosk.output()))

    def wait_job(self, cups_id, states, what):
        deadline = time.monotonic() + WAIT
        j = None
        while time.monotonic() < deadline:
            j = next((j for j in self.jobs() if j["cups_id"] == cups_id), None)
            if j and j["state"] in states:
                return j
            time.sleep(0.2)
        self.fail("job %d never reached %s (%s): %r\n%s" % (cups_id, states, what, j,
                                                            self.cups.job_log(cups_id)))

    def wait_banner(self, words, pages_left, what, t0=None):
        st = self.kiosk.wait(lambda s: words in s["banner"] and s["pages_left"] == pages_left,
                             what, timeout=WAIT)
        if t0 is not None:
            sys.stderr.write("  Return -> bar \"%s\": %.0f ms\n" %
                             (words, (time.monotonic() - t0) * 1000))
        return st

    def job_families(self):
        """{"IPv4", "IPv6"}: how the connections that sent Print-Job or Create-Job came
        (cupsd's debug log: "[Client N] Accepted from HOST:PORT (IPv6)")."""
        family, senders = {}, set()
        for m in re.finditer(r"\[Client (\d+)\] (?:Accepted from \S+ \((IPv[46])\)|"
                             r"[\d.]+ (Print-Job|Create-Job) )", read_log(self.cups)):
            if m.group(2):
                family[m.group(1)] = m.group(2)
            else:
                senders.add(family.get(m.group(1), "?"))
        return senders

    def printed_pages(self, cups_id):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            n = self.cups.printed().get(cups_id, 0)
            j = next((j for j in self.jobs() if j["cups_id"] == cups_id), {})
            if j.get("state") == "printed":
                return n
            time.sleep(0.2)
        return self.cups.printed().get(cups_id, 0)


def read_log(cups):
    with open(os.path.join(cups.dir, "log/error_log"), errors="replace") as f:
        return f.read()


def pages_word(n):
    return "%d page%s" % (n, "s" if n > 1 else "")


class BrowserPrintIPv4(BrowserPrintCase):
    """print.server = "127.0.0.1:PORT"; jobs tied to the kiosk by its address."""

    def test_home_page_then_copies_then_over_quota(self):
        self.start_printing_session(pages=5)
        # The home page, Ctrl+P then Return.
        job, t0 = self.print_from_preview("home")
        self.assertEqual(job["kiosk"], self.kiosk_name, job)
        self.assertEqual(job["session"], self.kiosk.status()["session"], job)
        job = self.wait_job(job["cups_id"], ("printed",), "the home page printed")
        n = job["charged"]
        self.assertGreaterEqual(n, 1, job)
        self.assertEqual(self.printed_pages(job["cups_id"]), n)
        left = 5 - n
        self.wait_banner("%s imprimée" % pages_word(n), left, "the home page's notice", t0)
        screenshot(self.x.display, "browser-print-01-home-printed")
        # An allowlisted page of a service, 2 copies chosen in the preview and the Imprimer
        # button: charged twice, printed twice.
        self.open_url("https://www.caf.fr/print")
        self.wait_title(lambda t: t.startswith("print me"), "the page to print")
        job, t0 = self.print_from_preview("copies", press=lambda: self.copies_then_print(2))
        job = self.wait_job(job["cups_id"], ("printed",), "the 2 copies printed")
        self.assertEqual((job["copies"], job["charged"]), (2, 2), job)
        self.assertEqual(self.printed_pages(job["cups_id"]), 2)
        left -= 2
        self.wait_banner("2 pages imprimées", left, "the 2 copies' notice", t0)
        screenshot(self.x.display, "browser-print-02-copies-printed")
        # Over the quota: one copy more than the pages left is refused, with the numbers,
        # and nothing prints.
        job, t0 = self.print_from_preview("over-quota",
                                          press=lambda: self.copies_then_print(left + 1))
        job = self.wait_job(job["cups_id"], ("refused",), "the print over quota refused")
        self.assertEqual(job["charged"], 0, job)
        self.wait_banner("%s demandées, il vous en reste %d : impression annulée." %
                         (pages_word(left + 1), left), left, "the refusal over quota", t0)
        screenshot(self.x.display, "browser-print-03-refused")
        self.assertNotIn(job["cups_id"], self.cups.printed())
        self.assertEqual(self.job_families(), {"IPv4"})

    def copies_then_print(self, copies):
        """The preview's Copies field (a triple click selects its number), then Imprimer:
        where they are in the preview at 1280x800."""
        xdotool(self.x.display, "mousemove", "958", "302", "click", "--repeat", "3", "1")
        xdotool(self.x.display, "type", "--delay", "50", str(copies))
        time.sleep(1)
        xdotool(self.x.display, "mousemove", "1073", "670", "click", "1")


class BrowserPrintIPv6(BrowserPrintCase):
    """print.server = "[::1]:PORT" (cupsd listens on both families; the jobs must come on
    IPv6), the kiosk named in its jobs' CUPS user name (print.kiosk_name)."""

    CUPS_IPV6 = True
    PRINT_HOST = "[::1]"
    KIOSK_NAME = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Another queue on the print server, listed first ("autre" < "escale"): the preview
        # must still open on escale (the policy's DefaultPrinterSelection), or the job goes
        # to a queue admind does not watch and the test sees none.
        cls.cups.add_queue("autre")

    def test_service_page_over_ipv6_with_the_kiosk_name(self):
        self.start_printing_session(pages=3)
        self.open_url("https://ants.gouv.fr/print")
        self.wait_title(lambda t: t.startswith("print me"), "the page to print")
        job, t0 = self.print_from_preview("ipv6")
        self.assertEqual((job["kiosk"], job["session"]),
                         (self.kiosk_name, self.kiosk.status()["session"]), job)
        job = self.wait_job(job["cups_id"], ("printed",), "the page printed")
        self.assertEqual(job["charged"], 1, job)
        self.assertEqual(self.printed_pages(job["cups_id"]), 1)
        self.wait_banner("1 page imprimée. Il vous reste 2 pages.", 2, "the notice", t0)
        screenshot(self.x.display, "browser-print-04-ipv6-printed")
        log = self.cups.job_log(job["cups_id"])
        self.assertIn('by "escale-kiosk.%s"' % self.kiosk_name, log)
        # Pages 2-3 of three, 2 pages per sheet, two-sided, chosen in the preview: Chromium
        # puts the two pages on one in the PDF it sends, GTK asks for two-sided (the PPD's
        # Duplex): one face charged and printed, the job two-sided.
        self.open_url("https://ants.gouv.fr/long")
        self.wait_title(lambda t: t.startswith("long doc"), "the page of three pages")
        job, t0 = self.print_from_preview("ranges", press=self.ranges_nup_duplex_then_print)
        job = self.wait_job(job["cups_id"], ("printed",), "pages 2-3 printed")
        self.assertEqual((job["document_pages"], job["duplex"], job["charged"]), (1, True, 1),
                         job)
        self.assertEqual(self.printed_pages(job["cups_id"]), 1)
        self.wait_banner("1 page imprimée. Il vous reste 1 page.", 1, "the notice", t0)
        # The job came over IPv6: the connection cupsd took the Print-Job on.
        self.assertEqual(self.job_families(), {"IPv6"})


    def ranges_nup_duplex_then_print(self):
        """Where the preview's settings are at 1280x800: Pages (a select: closed again, then
        End for "Personnalisé", whose field takes the focus), "Plus de paramètres", Pages
        par feuille (Down: 2), the panel scrolled, Recto verso, then Imprimer."""
        d = self.x.display
        for step in (("mousemove", "1019", "248", "click", "1"), ("key", "Escape"),
                     ("key", "End"), ("type", "2-3"), ("key", "Tab"),
                     ("mousemove", "940", "466", "click", "1"),
                     ("mousemove", "1012", "593", "click", "1"), ("key", "Escape"),
                     ("key", "Down"),
                     ("mousemove", "940", "560", "click", "--repeat", "5", "5"),
                     ("mousemove", "932", "457", "click", "1")):
            xdotool(d, *step)
            time.sleep(0.7)
        time.sleep(1)
        screenshot(d, "browser-print-ranges-chosen")
        xdotool(d, "mousemove", "1073", "670", "click", "1")


class BrowserPrintName(BrowserPrintCase):
    """print.server as a name that resolves to ::1 first, then 127.0.0.1, as "localhost"
    does on Debian (in an /etc/hosts of the kiosk's own, which the browser's sandbox binds:
    a mount namespace, root only), cupsd listening on both: the job arrives."""

    CUPS_IPV6 = True
    PRINT_HOST = "printhost.test"

    def setUp(self):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root for a mount namespace")
        super().setUp()
        hosts = os.path.join(self.workdir, "hosts")
        with open(hosts, "w") as f:
            f.write("::1 printhost.test\n127.0.0.1 printhost.test\n")
        os.chmod(hosts, 0o644)
        self.kiosk.wrap = ["unshare", "--mount", "sh", "-c",
                           'mount --bind "$0" /etc/hosts && exec "$@"', hosts]

    def test_home_page_to_a_name(self):
        self.start_printing_session(pages=3)
        job, t0 = self.print_from_preview("name")
        self.assertEqual(job["kiosk"], self.kiosk_name, job)
        job = self.wait_job(job["cups_id"], ("printed",), "the home page printed")
        self.assertEqual(self.printed_pages(job["cups_id"]), job["charged"])
        self.wait_banner("imprimée", 3 - job["charged"], "the notice", t0)
        with open(self.kiosk.log, errors="replace") as f:  # (output() is its tail)
            self.assertIn("print server printhost.test:%d: answers" % self.cups.port, f.read())


class PrintHostDown(KioskTestCase):
    """The kiosk's probe of print.server, with the stand-in browser (no print is needed to
    see it): a print host that does not answer is said in the bar at the session's start;
    a name of which one address does not answer is logged."""

    def closed_port(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]  # closed again: nothing listens there

    def test_print_host_down_is_said_in_the_bar(self):
        port = self.closed_port()
        self.kiosk = self.make_kiosk(extra='print = { server = "127.0.0.1:%d"; };\n' % port)
        self.start_kiosk()
        t0 = time.monotonic()
        self.sign_in(pages=3)
        st = self.kiosk.wait(lambda s: "L'imprimante ne répond pas" in s["banner"],
                             "the print host's notice", timeout=WAIT)
        sys.stderr.write("  sign-in -> bar says the printer does not answer: %.0f ms\n" %
                         ((time.monotonic() - t0) * 1000))
        self.assertEqual(st["banner"], "L'imprimante ne répond pas. Adressez-vous à l'accueil.")
        self.assertFalse(st["banner_calm"], st)
        self.assertEqual(st["pages_left"], 3)
        screenshot(self.x.display, "browser-print-05-host-down")
        self.assertIn("print server 127.0.0.1:%d: does not answer" % port, self.kiosk.output())

    def test_a_name_with_an_address_that_does_not_answer_is_logged(self):
        """A name that resolves to ::1 first, then 127.0.0.1 (as "localhost" does on
        Debian), and a print server listening on 127.0.0.1 only: it answers (no notice),
        and the kiosk's log names the address that does not. The name is in an /etc/hosts
        of the kiosk's own (a mount namespace: root only)."""
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root for a mount namespace")
        hosts = os.path.join(self.workdir, "hosts")
        with open(hosts, "w") as f:
            f.write("::1 printhost.test\n127.0.0.1 printhost.test\n")
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(srv.close)
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        port = srv.getsockname()[1]
        self.kiosk = self.make_kiosk(extra='print = { server = "printhost.test:%d"; };\n' %
                                     port)
        self.kiosk.wrap = ["unshare", "--mount", "sh", "-c",
                           'mount --bind "$0" /etc/hosts && exec "$@"', hosts]
        self.start_kiosk()
        self.sign_in(pages=3)
        deadline = time.monotonic() + WAIT
        while "answers on some of its addresses" not in self.kiosk.output():
            self.assertLess(time.monotonic(), deadline, self.kiosk.output())
            time.sleep(0.2)
        out = self.kiosk.output()
        self.assertIn("print.server printhost.test:%d: ::1 port %d does not answer" %
                      (port, port), out)
        self.assertNotIn("127.0.0.1 port", out)
        self.assertNotIn("L'imprimante ne répond pas", self.kiosk.status()["banner"])
        # The address that answered is the one a browser without DNS is given
        # (proxy.enforce: kprint_host).
        self.assertEqual(self.kiosk.status()["print_address"], "127.0.0.1")


if __name__ == "__main__":
    unittest.main(verbosity=2)
