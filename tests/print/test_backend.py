"""The escale wrapper backend called directly, as cupsd calls it (docs/printing.md).

The release key comes from ESCALE_RELEASE_KEY_FILE, as cupsd's SetEnv gives it;
marks are made here as escale-admind makes them (HMAC-SHA-512-256, libsodium's
crypto_auth, over the printer, job id, time-at-creation, pages and documents).
"""

import hashlib
import hmac
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mkpdf  # noqa: E402

INNER_FAILS = """#!/bin/sh
echo "$0" > "${DEVICE_URI#failer:}/argv0"
echo "STATE: +media-empty-error" >&2
echo "ERROR: plus de papier" >&2
exit 1
"""

INNER_IDENT = """#!/bin/sh
id -u > "${DEVICE_URI#*:}/uid"
"""


PRINTER = "escale"
CREATED = 1796393823


def make_mark(key, job, pages=100, docs=1, printer=PRINTER, created=CREATED):
    msg = "escale-release v1\n%s\n%d\n%d\n%d\n%d\n" % (printer, job, created, pages, docs)
    tag = hmac.new(key, msg.encode(), hashlib.sha512).digest()[:32]
    return "v1-%d-%d-%s" % (pages, docs, tag.hex())


def options(key, job, pages=100, docs=1, **kw):
    """argv[5] as cupsd writes it for a released job."""
    return ("number-up=1 job-uuid=urn:uuid:3190de3f-c6ee-3dc6-7ab0-33c1c685e24f "
            "time-at-creation=%d document-name-supplied=a\\ b.pdf escale-release=%s"
            % (CREATED, make_mark(key, job, pages, docs, **kw)))


class Backend(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.exe = os.environ.get("ESCALE_BACKEND")
        if not cls.exe or not shutil.which("qpdf"):
            raise unittest.SkipTest("ESCALE_BACKEND not set or qpdf missing")
        cls.dir = tempfile.mkdtemp(prefix="escale-backend-")
        os.chmod(cls.dir, 0o755)  # run as root, the wrapper runs 0755 backends as lp
        os.makedirs(os.path.join(cls.dir, "bin/backend"))
        os.makedirs(os.path.join(cls.dir, "printer"))
        os.chmod(os.path.join(cls.dir, "printer"), 0o777)
        # The same script as a backend cupsd runs as lp (0755) and as root (0744).
        for name, mode in (("ident", 0o755), ("identroot", 0o744)):
            with open(os.path.join(cls.dir, "bin/backend", name), "w") as f:
                f.write(INNER_IDENT)
            os.chmod(os.path.join(cls.dir, "bin/backend", name), mode)
        shutil.copy(os.path.join(HERE, "simprinter"), os.path.join(cls.dir, "bin/backend"))
        with open(os.path.join(cls.dir, "bin/backend/failer"), "w") as f:
            f.write(INNER_FAILS)
        os.chmod(os.path.join(cls.dir, "bin/backend/failer"), 0o755)
        cls.key = os.urandom(32)
        cls.keyfile = os.path.join(cls.dir, "release.key")
        with open(os.open(cls.keyfile, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
            f.write(cls.key)
        cls.pdf = os.path.join(cls.dir, "doc.pdf")
        with open(cls.pdf, "wb") as f:
            f.write(mkpdf.make_pdf(3))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.pdir = os.path.join(self.dir, "printer")
        for name in os.listdir(self.pdir):
            os.unlink(os.path.join(self.pdir, name))

    def env(self, uri):
        # CUPS_SERVER: no cupsd there (a backend asking it gets no answer at once).
        return dict(os.environ, DEVICE_URI=uri, CUPS_SERVERBIN=os.path.join(self.dir, "bin"),
                    ESCALE_RELEASE_KEY_FILE=self.keyfile, PRINTER=PRINTER,
                    CUPS_SERVER=os.path.join(self.dir, "no-cupsd.sock"))

    def run_backend(self, uri, *args):
        args = args or ("42", "guest", "t", "1", options(self.key, 42), self.pdf)
        return subprocess.run([self.exe] + list(args), env=self.env(uri), timeout=30,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def printed(self):
        try:
            with open(os.path.join(self.pdir, "printed")) as f:
                return f.read().split("\n")[:-1]
        except FileNotFoundError:
            return []

    def test_discovery(self):
        r = subprocess.run([self.exe], stdout=subprocess.PIPE, timeout=10)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.decode().startswith('direct escale "Unknown" "'), r.stdout)

    def test_prints_and_passes_lines_on(self):
        r = self.run_backend("escale:simprinter:" + self.pdir)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 0, err)
        self.assertIn("PAGE: total 3\n", err)
        self.assertIn("INFO: escale: 3 page(s) printed", err)
        self.assertEqual(self.printed(), ["42 1", "42 2", "42 3"])

    def test_copies_from_argv(self):
        r = self.run_backend("escale:simprinter:" + self.pdir, "7", "u", "t", "2",
                             options(self.key, 7), self.pdf)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(len(self.printed()), 6)

    def test_jam_stops_the_queue(self):
        with open(os.path.join(self.pdir, "jam"), "w") as f:
            f.write("2")
        r = self.run_backend("escale:simprinter:" + self.pdir)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 4, err)
        self.assertIn("STATE: +media-jam-error", err)
        self.assertIn("after 2 page(s) (paper jam)", err)
        self.assertEqual(len(self.printed()), 2)

    def test_failure_needing_someone_stops_instead_of_failing(self):
        r = self.run_backend("escale:failer:" + self.pdir)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn(b"STATE: +media-empty-error", r.stderr)
        # The inner backend got the inner URI (a script's $0 is its path: not checked).
        self.assertTrue(os.path.exists(os.path.join(self.pdir, "argv0")))

    def test_sigterm_is_passed_on(self):
        with open(os.path.join(self.pdir, "slow"), "w") as f:
            f.write("2")
        p = subprocess.Popen([self.exe, "9", "u", "t", "1", options(self.key, 9), self.pdf],
                             env=self.env("escale:simprinter:" + self.pdir),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        log = os.path.join(self.pdir, "log")
        end = time.monotonic() + 10
        while time.monotonic() < end and not os.path.exists(log):
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
        with open(log) as f:
            self.assertIn("9 term", f.read())
        self.assertIn(b"stopped (job cancelled)", err)

    def test_runs_the_real_backend_as_cupsd_would(self):
        """cupsd runs a 0755 backend (ipp, socket) as lp and a 0744 one (usb) as
        root: the wrapper, itself root, does the same for the real backend."""
        root = os.geteuid() == 0
        for scheme, uid in (("ident", pwd.getpwnam("lp").pw_uid if root else os.geteuid()),
                            ("identroot", os.geteuid())):
            with self.subTest(scheme=scheme):
                r = self.run_backend("escale:%s:%s" % (scheme, self.pdir))
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(os.path.join(self.pdir, "uid")) as f:
                    self.assertEqual(int(f.read()), uid)
                os.unlink(os.path.join(self.pdir, "uid"))

    def test_bad_uris_refused(self):
        for uri in ("", "ipp://x", "escale:", "escale:nocolon", "escale:escale:simprinter:/x",
                    "escale:../../bin/sh:x", "escale:NoSuchBackend:x", "escale:absent:x"):
            with self.subTest(uri=uri):
                r = self.run_backend(uri)
                self.assertEqual(r.returncode, 4, r.stderr)
                self.assertIn(b"ERROR: escale:", r.stderr)

    # ---- the gate: only what escale-admind released and charged

    def assert_refused(self, r, why):
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 5, err)
        self.assertIn("ERROR: escale: job ", err)
        self.assertIn(why, err)
        self.assertEqual(self.printed(), [])
        # The real backend never ran.
        self.assertFalse(os.path.exists(os.path.join(self.pdir, "log")))

    def test_refuses_a_job_without_mark(self):
        """What a job sent with job-hold-until=no-hold looks like: no mark."""
        uri = "escale:simprinter:" + self.pdir
        for opts in ("", "time-at-creation=%d" % CREATED, "number-up=1 job-uuid=urn:uuid:x"):
            with self.subTest(options=opts):
                r = self.run_backend(uri, "42", "guest", "t", "1", opts, self.pdf)
                self.assert_refused(r, "did not release it")

    def test_refuses_a_forged_or_borrowed_mark(self):
        uri = "escale:simprinter:" + self.pdir
        good = make_mark(self.key, 42)
        other_key = make_mark(os.urandom(32), 42)
        cases = {
            "random tag": good[:-64] + os.urandom(32).hex(),
            "another key": other_key,
            "another job's": make_mark(self.key, 41),
            "another printer's": make_mark(self.key, 42, printer="other"),
            "another creation time": make_mark(self.key, 42, created=CREATED + 1),
            "more pages than signed": good.replace("v1-100-", "v1-900-", 1),
            "more documents than signed": good.replace("-1-", "-2-", 1),
            "uppercase hex": good.upper().replace("V1-", "v1-"),
            "truncated": good[:-2],
            "too long": good + "00",
            "leading zero": good.replace("v1-100-", "v1-0100-", 1),
            "empty": "",
            "huge": "v1-" + "9" * 5000,
        }
        for name, mark in cases.items():
            with self.subTest(case=name):
                opts = "time-at-creation=%d escale-release=%s" % (CREATED, mark)
                r = self.run_backend(uri, "42", "guest", "t", "1", opts, self.pdf)
                self.assertEqual(r.returncode, 5, r.stderr)
                self.assertIn(b"refused, nothing printed", r.stderr)
                self.assertEqual(self.printed(), [])

    def test_refuses_smuggled_options(self):
        """An attribute name cupsd does not escape cannot bring in a second
        time-at-creation or mark: a repeated one refuses the job."""
        uri = "escale:simprinter:" + self.pdir
        mark = make_mark(self.key, 42)
        for opts in ("time-at-creation=%d escale-release=%s x=1 time-at-creation=5"
                     % (CREATED, mark),
                     "time-at-creation=%d escale-release=%s escale-release=%s"
                     % (CREATED, mark, mark),
                     "time-at-creation=%d escale-release=%s\\" % (CREATED, mark),
                     "escale-release=%s" % mark):
            with self.subTest(options=opts):
                r = self.run_backend(uri, "42", "guest", "t", "1", opts, self.pdf)
                self.assert_refused(r, "malformed or repeat")

    def test_valid_mark_prints(self):
        """An escaped value before the mark (cupsd escapes spaces) is read as cupsd wrote it."""
        r = self.run_backend("escale:simprinter:" + self.pdir, "42", "guest", "t", "1",
                             options(self.key, 42, pages=3), self.pdf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.printed()), 3)

    def test_key_file_must_be_private_and_whole(self):
        """A key others can read, or a key of the wrong size, stops the queue (the
        print host's setup is wrong, the job is kept): nothing printed."""
        bad = os.path.join(self.dir, "bad.key")
        for mode, data in ((0o604, self.key), (0o620, self.key), (0o600, self.key[:31]),
                           (0o600, self.key + b"x")):
            with self.subTest(mode=oct(mode), size=len(data)):
                if os.path.exists(bad):
                    os.unlink(bad)
                with open(os.open(bad, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
                    f.write(data)
                os.chmod(bad, mode)
                env = dict(self.env("escale:simprinter:" + self.pdir),
                           ESCALE_RELEASE_KEY_FILE=bad)
                r = subprocess.run([self.exe, "42", "u", "t", "1", options(self.key, 42),
                                    self.pdf], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=30)
                self.assertEqual(r.returncode, 4, r.stderr)
                self.assertIn(b"release key", r.stderr)
                self.assertEqual(self.printed(), [])
        env = dict(self.env("escale:simprinter:" + self.pdir),
                   ESCALE_RELEASE_KEY_FILE=os.path.join(self.dir, "absent.key"))
        r = subprocess.run([self.exe, "42", "u", "t", "1", options(self.key, 42), self.pdf],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(r.returncode, 4, r.stderr)

    def test_a_later_document_is_refused(self):
        """cupsd gives a raw queue's backend the spool file dJJJJJ-DDD of the
        document: a document after the ones charged is refused."""
        uri = "escale:simprinter:" + self.pdir
        for name, ok in (("d00042-001", True), ("d00042-002", False), ("d00041-001", False)):
            with self.subTest(file=name):
                path = os.path.join(self.dir, name)
                shutil.copy(self.pdf, path)
                r = self.run_backend(uri, "42", "guest", "t", "1", options(self.key, 42), path)
                if ok:
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(len(self.printed()), 3)
                    self.setUp()
                else:
                    self.assert_refused(r, "added after the job was counted")

    def test_documents_on_stdin_need_cupsd_to_count_them(self):
        """Several documents (or a driver's filters) reach the backend on stdin:
        it asks cupsd how many there are; no answer, nothing printed."""
        with open(self.pdf, "rb") as f:
            r = subprocess.run([self.exe, "42", "u", "t", "1", options(self.key, 42)],
                               stdin=f, env=self.env("escale:simprinter:" + self.pdir),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assert_refused(r, "cupsd does not say how many documents")

    def test_stops_after_the_pages_charged(self):
        """A job raising its copies after it was charged is stopped as soon as
        the printer reports one page more than was charged."""
        with open(os.path.join(self.pdir, "slow"), "w") as f:
            f.write("0.2")
        r = self.run_backend("escale:simprinter:" + self.pdir, "42", "u", "t", "4",
                             options(self.key, 42, pages=3), self.pdf)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 5, err)
        self.assertIn("more than the 3 charged", err)
        self.assertIn(len(self.printed()), (4, 5))  # of 12: stopped at the 4th report

    def test_usage(self):
        r = self.run_backend("escale:simprinter:" + self.pdir, "1", "2")
        self.assertEqual(r.returncode, 1)


class SetupPrintHost(unittest.TestCase):
    """scripts/setup-print-host against a private cupsd: the queues it makes for browsers."""

    @classmethod
    def setUpClass(cls):
        from private_cupsd import Cupsd
        exe = os.environ.get("ESCALE_BACKEND")
        if not exe:
            raise unittest.SkipTest("ESCALE_BACKEND not set")
        cls.cups = Cupsd(exe)
        try:
            cls.cups.start()
        except BaseException:
            cls.cups.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.cups.stop()

    def options(self, queue):
        return self.cups.run(["lpoptions", "-p", queue, "-l"]).stdout.decode()

    def test_pdf_ppd_by_default(self):
        self.cups.add_queue("pdfq")
        self.assertIn("escale:simprinter:",
                      self.cups.run(["lpstat", "-v", "pdfq"]).stdout.decode())
        # The capabilities a browser asks for before it enables Imprimer.
        opts = self.options("pdfq")
        self.assertIn("PageSize/Media Size: *A4 A5 Letter", opts)
        self.assertIn("Duplex/Two-Sided: *None DuplexNoTumble DuplexTumble", opts)
        ppd = self.ppd("pdfq")
        self.assertIn('*ModelName: "escale PDF printer"', ppd)
        # The PDF goes to the backend as it came: no filter, so what is charged prints.
        self.assertIn('*cupsFilter2: "application/pdf application/pdf 0 -"', ppd)

    def ppd(self, queue):
        with open(os.path.join(self.cups.dir, "ppd", queue + ".ppd"), errors="replace") as f:
            return f.read()

    def test_ipp_printer_without_ipp_everywhere_gets_the_pdf_ppd(self):
        """Nothing answers at the ipp:// URI: lpadmin -m everywhere fails, the PDF PPD is
        used, and the queue points at the escale wrapper."""
        self.cups.add_queue("ippq", inner="ipp://127.0.0.1:1/ipp/print")
        self.assertIn("device for ippq: escale:ipp://127.0.0.1:1/ipp/print",
                      self.cups.run(["lpstat", "-v", "ippq"]).stdout.decode())
        self.assertIn('*ModelName: "escale PDF printer"', self.ppd("ippq"))

    def test_raw_on_request(self):
        self.cups.add_queue("rawq", model="raw")
        self.assertEqual(self.options("rawq").strip(), "")
        self.assertFalse(os.path.exists(os.path.join(self.cups.dir, "ppd", "rawq.ppd")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
