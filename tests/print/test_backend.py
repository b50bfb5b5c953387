"""The escale wrapper backend called directly, as cupsd calls it (PRINTING.md)."""

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
        return dict(os.environ, DEVICE_URI=uri, CUPS_SERVERBIN=os.path.join(self.dir, "bin"))

    def run_backend(self, uri, *args):
        args = args or ("42", "guest", "t", "1", "", self.pdf)
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
        r = self.run_backend("escale:simprinter:" + self.pdir, "7", "u", "t", "2", "", self.pdf)
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
        p = subprocess.Popen([self.exe, "9", "u", "t", "1", "", self.pdf],
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

    def test_usage(self):
        r = self.run_backend("escale:simprinter:" + self.pdir, "1", "2")
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
