"""A private cupsd for escale's print tests and bench (docs/printing.md's recipe).

Queues are made by scripts/setup-print-host itself (CUPS_SERVER and
CUPS_SERVERBIN pointing at this cupsd), so the tests run the print host's setup.

Runs /usr/sbin/cupsd in a temporary directory on a loopback port picked at run
time, with the escale wrapper backend (mode 0700, as installed) and the
simprinter test backend, and the print-host settings of scripts/setup-print-host:
the queue holds every job (job-hold-until-default=indefinite), stops on errors,
and cupsd keeps no job files and a short history.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SIMPRINTER = os.path.join(HERE, "simprinter")
CUPSD = "/usr/sbin/cupsd"
SETUP = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "setup-print-host")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cupsd:
    def __init__(self, backend, ipv6=False):
        """IPV6: cupsd also listens on [::1] at the same port (a kiosk printing over IPv6)."""
        for tool in (CUPSD, shutil.which("lpadmin"), shutil.which("lp"), shutil.which("qpdf")):
            if not tool or not os.path.exists(tool):
                raise unittest.SkipTest("cupsd, lpadmin, lp or qpdf missing (scripts/lib.sh "
                                        "installs cups-daemon, cups-client, qpdf)")
        self.dir = tempfile.mkdtemp(prefix="escale-cupsd-")
        os.chmod(self.dir, 0o755)
        self.printer_dir = os.path.join(self.dir, "printer")
        self.port = _free_port()
        self.server = "127.0.0.1:%d" % self.port
        self.env = dict(os.environ, CUPS_SERVER=self.server)
        self.proc = None
        d = self.dir
        for sub in ("bin/backend", "spool/temp", "log", "cache", "printer"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        os.chmod(self.printer_dir, 0o777)
        for sub in ("daemon", "driver", "cgi-bin", "monitor", "notifier"):
            os.symlink("/usr/lib/cups/" + sub, os.path.join(d, "bin", sub))
        # Filters: the host's, and gziptoany where the host has none (it comes
        # with Debian's "cups" package, not cups-daemon): cupsd runs it to feed
        # a job of several documents to a raw queue's backend.
        os.makedirs(os.path.join(d, "bin/filter"))
        if os.path.isdir("/usr/lib/cups/filter"):
            for name in os.listdir("/usr/lib/cups/filter"):
                os.symlink(os.path.join("/usr/lib/cups/filter", name),
                           os.path.join(d, "bin/filter", name))
        if not os.path.exists(os.path.join(d, "bin/filter/gziptoany")):
            with open(os.path.join(d, "bin/filter/gziptoany"), "w") as f:
                f.write('#!/bin/sh\nif [ -n "$6" ]; then exec gzip -cdf "$6"; fi\n'
                        'exec gzip -cdf\n')
            os.chmod(os.path.join(d, "bin/filter/gziptoany"), 0o755)
        # The key of escale-admind's release marks: admind creates it (tests
        # give admind this path), the escale backend reads it (SetEnv below).
        self.release_key = os.path.join(d, "release.key")
        shutil.copy(backend, os.path.join(d, "bin/backend/escale"))
        os.chmod(os.path.join(d, "bin/backend/escale"), 0o700)
        shutil.copy(SIMPRINTER, os.path.join(d, "bin/backend/simprinter"))
        os.chmod(os.path.join(d, "bin/backend/simprinter"), 0o755)
        root = os.geteuid() == 0
        user = "lp" if root else pwd.getpwuid(os.geteuid()).pw_name
        group = "lp" if root else subprocess.check_output(["id", "-gn"]).decode().strip()
        sysgroup = "root" if root else group
        v6 = ("Listen [::1]:%d\n" % self.port) if ipv6 else ""
        with open(os.path.join(d, "cupsd.conf"), "w") as f:
            f.write("Listen 127.0.0.1:%d\n%sListen %s/cups.sock\nLogLevel debug\n"
                    "Browsing Off\nWebInterface No\n"
                    # The print host's settings (scripts/setup-print-host).
                    "PreserveJobFiles No\nPreserveJobHistory 300\nMaxJobTime 0\n"
                    "<Policy default>\n<Limit All>\nOrder Allow,Deny\n"
                    "Allow from 127.0.0.1\n%s</Limit>\n</Policy>\n"
                    % (self.port, v6, d, "Allow from [::1]\n" if ipv6 else ""))
        with open(os.path.join(d, "cups-files.conf"), "w") as f:
            f.write("User %s\nGroup %s\nSystemGroup %s\nServerRoot %s\nStateDir %s\n"
                    "CacheDir %s/cache\nDataDir /usr/share/cups\nServerBin %s/bin\n"
                    "RequestRoot %s/spool\nTempDir %s/spool/temp\nErrorLog %s/log/error_log\n"
                    "AccessLog %s/log/access_log\nPageLog %s/log/page_log\nPrintcap %s/printcap\n"
                    # cups-files.conf: cupsd 2.4 ignores SetEnv in cupsd.conf.
                    "SetEnv ESCALE_RELEASE_KEY_FILE %s\n"
                    % (user, group, sysgroup, d, d, d, d, d, d, d, d, d, d, self.release_key))
        if root:
            for sub in ("spool", "log", "cache"):
                for base, dirs, files in os.walk(os.path.join(d, sub)):
                    for name in dirs + files + [""]:
                        shutil.chown(os.path.join(base, name), user="lp")

    def start(self):
        self.proc = subprocess.Popen(
            [CUPSD, "-f", "-c", os.path.join(self.dir, "cupsd.conf"), "-s",
             os.path.join(self.dir, "cups-files.conf")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("cupsd exited with %d; its log:\n%s" %
                                     (self.proc.returncode, self.log()))
            # (lpstat -r exits 0 also when it says "scheduler is not running")
            r = self.run(["lpstat", "-r"], check=False)
            if r.returncode == 0 and b"scheduler is running" in r.stdout:
                return
            time.sleep(0.1)
        raise AssertionError("cupsd did not answer within 20 s; its log:\n" + self.log())

    def add_queue(self, name="escale", inner=None, model=None):
        """A queue as scripts/setup-print-host makes it, on escale:simprinter:DIR (MODEL:
        its --model)."""
        inner = inner or "simprinter:" + self.printer_dir
        env = self.setup_env()
        more = ["--model", model] if model else []
        r = subprocess.run([SETUP, "--queue", name] + more + [inner], env=env,
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0:
            raise AssertionError("setup-print-host failed (%d): %s\ncupsd log:\n%s" % (
                r.returncode, r.stderr.decode(errors="replace"), self.log()))
        # Every connection works again after cupsd's restart.
        self.run(["lpstat", "-p", name])

    def setup_env(self):
        """The environment scripts/setup-print-host needs for this cupsd."""
        return dict(self.env, CUPS_SERVERBIN=os.path.join(self.dir, "bin"))

    def run(self, args, check=True):
        # cupsd may drop a connection while it settles after start or a queue change:
        # a refused connection is tried again for a few seconds.
        deadline = time.monotonic() + 10
        while True:
            r = subprocess.run(args, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=30)
            if (r.returncode == 0 or b"Unable to connect" not in r.stderr
                    or time.monotonic() > deadline):
                break
            time.sleep(0.2)
        if check and r.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (" ".join(args), r.returncode,
                                                         r.stderr.decode(errors="replace")))
        return r

    def submit(self, path, queue="escale", *options):
        """lp -d QUEUE OPTIONS PATH; returns the CUPS job id."""
        out = self.run(["lp", "-d", queue] + list(options) + [path]).stdout.decode()
        # "request id is escale-12 (1 file(s))"
        word = out.split("request id is ", 1)[1].split()[0]
        return int(word.rsplit("-", 1)[1])

    def printed(self):
        """{job id: pages put on paper} from simprinter's DIR/printed."""
        counts = {}
        try:
            with open(os.path.join(self.printer_dir, "printed")) as f:
                for line in f:
                    job = int(line.split()[0])
                    counts[job] = counts.get(job, 0) + 1
        except FileNotFoundError:
            pass
        return counts

    def jobs_known(self):
        """Job ids cupsd still lists (active and history)."""
        out = self.run(["lpstat", "-W", "all", "-o"], check=False).stdout.decode()
        return {int(l.split()[0].rsplit("-", 1)[1]) for l in out.splitlines() if l.strip()}

    def active_jobs(self):
        """Job ids not finished in cupsd (held, pending, processing, stopped)."""
        out = self.run(["lpstat", "-W", "not-completed", "-o"], check=False).stdout.decode()
        return {int(l.split()[0].rsplit("-", 1)[1]) for l in out.splitlines() if l.strip()}

    def log(self):
        try:
            with open(os.path.join(self.dir, "log/error_log"), errors="replace") as f:
                return f.read()[-6000:]
        except OSError:
            return ""

    def job_log(self, job):
        """The lines of cupsd's log about JOB (without the debug chatter)."""
        try:
            with open(os.path.join(self.dir, "log/error_log"), errors="replace") as f:
                return "".join(l for l in f if ("[Job %d]" % job) in l
                               and not l.startswith("D "))[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


class WithCupsd:
    """Mixin for a test case class with its own escale-admind (escale_test.AdmindTestCase or
    a subclass): one private cupsd and queue QUEUE per class, with admind's print section
    set to watch it (EXTRA_CONF). PRINT_OPTS adds print settings; TMP_PREFIX names the
    class' temporary directory (cls.tmp) for documents."""

    QUEUE = "escale"
    CUPS_IPV6 = False
    POLL_MS = 300
    PRINT_OPTS = ""
    TMP_PREFIX = "escale-print-"

    @classmethod
    def setUpClass(cls):
        backend = os.environ.get("ESCALE_BACKEND")
        if not backend:
            raise unittest.SkipTest("ESCALE_BACKEND not set (meson sets it)")
        cls.cups = Cupsd(backend, ipv6=cls.CUPS_IPV6)
        cls.tmp = tempfile.mkdtemp(prefix=cls.TMP_PREFIX)
        try:
            cls.cups.start()
            cls.cups.add_queue(cls.QUEUE)
            # (the config of the admind class below this mixin: not one a parent class
            # with a cupsd of its own already extended)
            base = next(c.EXTRA_CONF for c in cls.__mro__
                        if "EXTRA_CONF" in vars(c) and not issubclass(c, WithCupsd))
            cls.EXTRA_CONF = base + (
                'print = { enabled = true; cups_server = "%s"; queue = "%s"; poll_ms = %d; %s'
                'release_key_file = "%s"; };\n'
                % (cls.cups.server, cls.QUEUE, cls.POLL_MS, cls.PRINT_OPTS,
                   cls.cups.release_key))
            super().setUpClass()
        except BaseException:
            cls.cups.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.cups.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)


class WithTwoSites:
    """Mixin for a test case class with its own escale-admind watching two private cupsd,
    the print hosts of two sites (print.queues): SITE_A's printer "accueil-nord" on
    cls.cups_a, SITE_B's "accueil-sud" on cls.cups_b, both CUPS queues named "escale".
    A's key is a file both admind and cupsd A read (admind on the print host); B's is
    admind's own (its default path, beside the database), installed on B by
    `escale-admind -k accueil-sud | escale-setup-print-host --release-key -`, as for a
    print host elsewhere (cls.key_b_hex: what -k printed)."""

    SITE_A, SITE_B = "ESC Nord", "ESC Sud"
    POLL_MS = 300
    TMP_PREFIX = "escale-print-sites-"

    @classmethod
    def setUpClass(cls):
        backend = os.environ.get("ESCALE_BACKEND")
        if not backend:
            raise unittest.SkipTest("ESCALE_BACKEND not set (meson sets it)")
        cls.tmp = tempfile.mkdtemp(prefix=cls.TMP_PREFIX)
        cls.cups_a = Cupsd(backend)
        cls.cups_b = Cupsd(backend)
        try:
            for c in (cls.cups_a, cls.cups_b):
                c.start()
                c.add_queue("escale")
            base = next(c.EXTRA_CONF for c in cls.__mro__
                        if "EXTRA_CONF" in vars(c) and not issubclass(c, WithTwoSites))
            cls.EXTRA_CONF = base + (
                "print = { enabled = true; poll_ms = %d; queues = (\n"
                '  { name = "accueil-nord"; site = "%s"; cups_server = "%s"; queue = "escale";'
                ' release_key_file = "%s"; },\n'
                '  { name = "accueil-sud"; site = "%s"; cups_server = "%s"; }\n); };\n'
                % (cls.POLL_MS, cls.SITE_A, cls.cups_a.server, cls.cups_a.release_key,
                   cls.SITE_B, cls.cups_b.server))
            super().setUpClass()
            cls.install_key_b()
        except BaseException:
            cls.cups_a.stop()
            cls.cups_b.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def install_key_b(cls):
        admind = os.environ.get("ESCALE_ADMIND")
        key = subprocess.run([admind, "-c", cls.server.conf, "-k", "accueil-sud"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        if key.returncode != 0:
            raise AssertionError("escale-admind -k: %s" % key.stderr.decode(errors="replace"))
        cls.key_b_hex = key.stdout.decode().strip()
        r = subprocess.run([SETUP, "--queue", "escale", "--release-key", "-", "--key-file",
                            cls.cups_b.release_key, "simprinter:" + cls.cups_b.printer_dir],
                           input=key.stdout, env=cls.cups_b.setup_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0:
            raise AssertionError("setup-print-host --release-key: %s"
                                 % r.stderr.decode(errors="replace"))
        cls.cups_b.run(["lpstat", "-p", "escale"])

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.cups_a.stop()
            cls.cups_b.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def tearDown(self):
        for c in (self.cups_a, self.cups_b):
            try:
                os.unlink(os.path.join(c.printer_dir, "jam"))
            except FileNotFoundError:
                pass
            c.run(["cupsenable", "escale"], check=False)
        super().tearDown()
