"""Printers added and removed at run time (POST/DELETE /api/v1/printers, escalectl
printer add/remove, docs/printing.md "Printers added at run time"): one real
escale-admind, a private cupsd on loopback as the new print host, its key installed
with escale-setup-print-host as escalectl prints it. No restart of admind.

Every wait polls a state with a deadline; no fixed sleep is an assertion.
"""

import os
import re
import subprocess
import sys
import tempfile
import shutil
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "print"))

from escale_test import AdmindTestCase, admind_path, escalectl_path, main  # noqa: E402
import mkpdf  # noqa: E402
from private_cupsd import SETUP, Cupsd  # noqa: E402

DEADLINE = 20.0
SITE = "ESC Est"
OTHER = "ESC Ouest"


class PrintRuntime(AdmindTestCase):
    POLL_MS = 300

    @classmethod
    def setUpClass(cls):
        backend = os.environ.get("ESCALE_BACKEND")
        if not backend:
            raise unittest.SkipTest("ESCALE_BACKEND not set (meson sets it)")
        cls.tmp = tempfile.mkdtemp(prefix="escale-print-runtime-")
        cls.cups = Cupsd(backend)
        try:
            cls.cups.start()
            cls.cups.add_queue("escale")
            # One printer from the config (its host is down: it only has to be listed).
            cls.EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
                "print = { enabled = true; poll_ms = %d; queues = (\n"
                '  { name = "du-fichier"; site = "%s"; cups_server = "127.0.0.1:9"; }\n'
                "); };\n" % (cls.POLL_MS, SITE))
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

    def tearDown(self):
        try:
            os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        except FileNotFoundError:
            pass
        super().tearDown()

    # ---- helpers

    def ctl(self, *args, expect=0, token=None):
        r = subprocess.run([escalectl_path(), "--url", "http://127.0.0.1:%d" % self.server.port,
                            "--token", token or self.admin] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(r.returncode, expect, "escalectl %s: %s%s" % (
            " ".join(args), r.stdout.decode(), r.stderr.decode()))
        return r.stdout.decode() + r.stderr.decode()

    def printers(self, token=None):
        return {p["name"]: p for p in
                self.api("GET", "/api/v1/printers", token=token or self.admin)["printers"]}

    def wait(self, pred, what):
        end = time.monotonic() + DEADLINE
        v = None
        while time.monotonic() < end:
            v = pred()
            if v:
                return v
            time.sleep(0.1)
        with open(self.server.stderr_path, errors="replace") as f:
            log = f.read()[-2000:]
        self.fail("never %s\nadmind log:\n%s" % (what, log))

    def job(self, printer, cups_id):
        for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]:
            if j["printer"] == printer and j["cups_id"] == cups_id:
                return j
        return None

    def pdf(self, pages):
        path = os.path.join(self.tmp, "doc-%d.pdf" % pages)
        with open(path, "wb") as f:
            f.write(mkpdf.make_pdf(pages))
        return path

    def user(self, role, sites):
        st, _, d = self.req("POST", "/api/v1/users",
                            {"name": self.unique("u"), "role": role, "sites": sites},
                            token=self.admin)
        self.assertEqual(st, 201, d)
        return d["token"]

    # ---- tests

    def test_add_print_remove_without_restart(self):
        name = self.unique("imp").replace(".", "-")
        out = self.ctl("printer", "add", name, "--site", SITE, "--cups-server", self.cups.server)
        key = re.search(r"^([0-9a-f]{64})$", out, re.M).group(1)
        fp = re.search(r"fingerprint ([0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4})",
                       out).group(1)
        cmd = re.search(r"^  (printf .*)$", out, re.M).group(1)
        self.assertEqual(cmd, "printf '%%s\\n' %s | escale-setup-print-host --queue escale"
                         " --release-key - DEVICE_URI" % key)
        # escale-admind -k NAME prints the same key on admind's host.
        r = subprocess.run([admind_path(), "-c", self.server.conf, "-k", name],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual((r.returncode, r.stdout.decode().strip()), (0, key), r.stderr)
        # The print host takes the key as the printed command does, and shows the same
        # fingerprint.
        r = subprocess.run([SETUP, "--queue", "escale", "--release-key", "-", "--key-file",
                            self.cups.release_key, "simprinter:" + self.cups.printer_dir],
                           input=(key + "\n").encode(), env=self.cups.setup_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("fingerprint " + fp, r.stdout.decode())
        with open(self.cups.release_key, "rb") as f:
            self.assertEqual(f.read(), bytes.fromhex(key))
        # Watched within a poll, shown as added at run time; the config's stays first.
        p = self.wait(lambda: self.printers().get(name, {}).get("state") == "idle"
                      and self.printers()[name], "idle")
        self.assertEqual((p["site"], p["cups_server"], p["queue"], p["origin"]),
                         (SITE, self.cups.server, "escale", "api"))
        self.assertEqual(list(self.printers())[0], "du-fichier")
        self.assertEqual(self.printers()["du-fichier"]["origin"], "config")
        listed = [l.split("\t") for l in self.ctl("printer", "list").splitlines()]
        self.assertIn([name, "idle", "no", "0", "-", "-", SITE, self.cups.server, "api"], listed)
        self.assertIn(["du-fichier", "config"], [[l[0], l[-1]] for l in listed])
        # A kiosk of the site prints through it and is charged.
        kiosk = self.unique("poste")
        _, kt = self.new_kiosk(kiosk, site=SITE)
        sid = self.open_ok(kt, self.new_code(pages=10)["code"])["session"]
        job = self.cups.submit(self.pdf(3), "escale", "-o", "job-account-id=" + kiosk)
        j = self.wait(lambda: (self.job(name, job) or {}).get("state") == "printed"
                      and self.job(name, job), "printed")
        self.assertEqual((j["charged"], j["printed"], j["site"]), (3, 3, SITE))
        self.assertEqual(self.cups.printed().get(job), 3)
        self.assertEqual(self.heartbeat(kt, state="session", session=sid)
                         ["session"]["pages_left"], 7)
        # A kiosk of another site is refused there, and the job is of the printer's site
        # (its desk sees it).
        stranger = self.unique("poste")
        _, st_tok = self.new_kiosk(stranger, site=OTHER)
        self.open_ok(st_tok, self.new_code(pages=10)["code"])
        job = self.cups.submit(self.pdf(1), "escale", "-o", "job-account-id=" + stranger)
        j = self.wait(lambda: (self.job(name, job) or {}).get("state") == "refused"
                      and self.job(name, job), "refused")
        self.assertEqual((j["reason"], j["site"], j["charged"]), ("wrong_site", SITE, 0))
        # A job not settled (jammed) holds the removal back.
        with open(os.path.join(self.cups.printer_dir, "jam"), "w") as f:
            f.write("1")
        job = self.cups.submit(self.pdf(3), "escale", "-o", "job-account-id=" + kiosk)
        self.wait(lambda: (self.job(name, job) or {}).get("state") == "stopped", "stopped")
        out = self.ctl("printer", "remove", name, expect=1)
        self.assertIn("1 print job(s) not settled", out)
        self.assertIn(name, self.printers())
        os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        self.ctl("printer", "resume", name)
        self.wait(lambda: (self.job(name, job) or {}).get("state") == "printed", "printed")
        out = self.ctl("printer", "remove", name)
        self.assertIn("printer %s removed" % name, out)
        # No longer watched: gone from the list, its key file removed, and a new job on
        # its host stays held, never decided.
        self.wait(lambda: name not in self.printers(), "dropped by the watcher")
        key_file = os.path.join(self.server.workdir, "print-release-%s.key" % name)
        self.assertFalse(os.path.exists(key_file))
        job = self.cups.submit(self.pdf(1), "escale", "-o", "job-account-id=" + kiosk)
        kept = self.api("GET", "/api/v1/printers", token=self.admin)  # a poll at least
        del kept
        end = time.monotonic() + 4 * self.POLL_MS / 1000
        while time.monotonic() < end:
            self.assertIsNone(self.job(name, job))
            time.sleep(0.1)
        self.assertIn(job, self.cups.active_jobs())
        self.cups.run(["cancel", str(job)], check=False)
        # Its name is free again, with a new key.
        out = self.ctl("printer", "add", name, "--site", SITE, "--cups-server", self.cups.server)
        self.assertNotIn(key, out)
        self.ctl("printer", "remove", name)

    def test_config_printer_stays(self):
        st, _, d = self.req("DELETE", "/api/v1/printers/du-fichier", token=self.admin)
        self.assertEqual((st, d["error"]), (409, "conflict"), d)
        self.assertIn("print.queues", d["message"])
        st, _, d = self.req("DELETE", "/api/v1/printers/nowhere", token=self.admin)
        self.assertEqual((st, d["error"]), (404, "not_found"), d)
        st, _, d = self.req("POST", "/api/v1/printers",
                            {"name": "du-fichier", "site": SITE, "cups_server": "10.0.0.1"},
                            token=self.admin)
        self.assertEqual(st, 409, d)
        st, _, d = self.req("POST", "/api/v1/printers",
                            {"name": "autre", "site": SITE, "cups_server": "127.0.0.1:9"},
                            token=self.admin)
        self.assertEqual(st, 409, d)

    def test_a_name_taken_keeps_its_key(self):
        """Adding a name already added, even right after (before the watcher saw it),
        is 409 and leaves the first printer's key as it was."""
        name = self.unique("imp").replace(".", "-")
        body = {"name": name, "site": SITE, "cups_server": "10.9.9.8"}
        first = self.api("POST", "/api/v1/printers", body, token=self.admin, expect=201)
        st, _, d = self.req("POST", "/api/v1/printers", dict(body, cups_server="10.9.9.7"),
                            token=self.admin)
        self.assertEqual((st, d["error"]), (409, "conflict"), d)
        key_file = os.path.join(self.server.workdir, "print-release-%s.key" % name)
        with open(key_file, "rb") as f:
            self.assertEqual(f.read().hex(), first["release_key"])
        self.api("DELETE", "/api/v1/printers/" + name, token=self.admin)
        self.assertFalse(os.path.exists(key_file))

    def test_roles_and_sites(self):
        name = self.unique("imp").replace(".", "-")
        body = {"name": name, "site": SITE, "cups_server": "10.9.9.9:631"}
        sec = self.user("secretariat", None)
        self.assertEqual(self.req("POST", "/api/v1/printers", body, token=sec)[0], 403)
        other = self.user("maintenance", [OTHER])
        st, _, d = self.req("POST", "/api/v1/printers", body, token=other)
        self.assertEqual((st, d["error"]), (403, "forbidden"))
        st, _, d = self.req("POST", "/api/v1/printers", dict(body, site=""), token=other)
        self.assertEqual(st, 403)
        mine = self.user("maintenance", [SITE])
        st, _, d = self.req("POST", "/api/v1/printers", body, token=mine)
        self.assertEqual(st, 201, d)
        self.assertEqual(len(d["release_key"]), 64)
        # Another site's printer is as unknown as one that does not exist.
        a = self.req("DELETE", "/api/v1/printers/" + name, token=other)
        b = self.req("DELETE", "/api/v1/printers/nowhere-" + name, token=other)
        self.assertEqual((a[0], a[2]["error"]), (b[0], b[2]["error"]))
        self.assertEqual(a[2]["message"].replace(name, "X"),
                         b[2]["message"].replace("nowhere-" + name, "X"))
        self.assertNotIn(name, self.printers(token=other))
        self.assertIn(name, self.printers(token=mine))
        self.assertEqual(self.req("DELETE", "/api/v1/printers/" + name, token=mine)[0], 200)
        audit = self.api("GET", "/api/v1/audit?limit=20", token=self.admin)["audit"]
        actions = [(a["action"], a["target"]) for a in audit]
        self.assertIn(("printer.add", name), actions)
        self.assertIn(("printer.remove", name), actions)

    def test_hostile_input(self):
        good = {"name": "ok-1", "site": SITE, "cups_server": "10.1.1.1"}
        bad = [
            {"name": ""}, {"name": "a/b"}, {"name": ".."}, {"name": "a.b"},
            {"name": "x" * 65}, {"name": "é"}, {"name": "a b"}, {"name": 5},
            {"name": "a\u0000b"}, {"site": "s" * 65}, {"site": None}, {"site": "a\nb"},
            {"site": "\u0007"},
            {"cups_server": ""}, {"cups_server": "http://10.1.1.1"},
            {"cups_server": "a b"}, {"cups_server": "user@host"},
            {"cups_server": "/run/cups/cups.sock"}, {"cups_server": "host:0"},
            {"cups_server": "host:65536"}, {"cups_server": "host:"},
            {"cups_server": "host:+1"}, {"cups_server": "[::1"}, {"cups_server": "[]:631"},
            {"cups_server": "[::1]x"}, {"cups_server": "-host"}, {"cups_server": "a..b"},
            {"cups_server": "h" * 256}, {"cups_server": "host:631/printers"},
            {"queue": ""}, {"queue": "a/b"}, {"queue": "q" * 128}, {"queue": "a b"},
            {"extra": 1},
        ]
        for change in bad:
            body = dict(good, **change)
            st, _, d = self.req("POST", "/api/v1/printers", body, token=self.admin)
            self.assertEqual((st, d.get("error")), (400, "bad_request"), (change, d))
        for raw in (b"", b"{", b"[]", b'{"name": "ok-1"}', b"x" * 70000):
            st, _, d = self.req("POST", "/api/v1/printers", raw=raw, token=self.admin)
            self.assertIn(st, (400, 413), (raw[:20], d))
        self.assertNotIn("ok-1", self.printers())
        self.assertFalse(os.path.exists(os.path.join(self.server.workdir,
                                                     "print-release-ok-1.key")))
        # The IPv6 and DNS forms are taken, written back with the port.
        for server, norm in (("[::1]:8631", "[::1]:8631"), ("imp-nord.example.org",
                                                             "imp-nord.example.org:631")):
            n = self.unique("v").replace(".", "-")
            d = self.api("POST", "/api/v1/printers", dict(good, name=n, cups_server=server),
                         token=self.admin, expect=201)
            self.assertEqual(d["cups_server"], norm)
            self.api("DELETE", "/api/v1/printers/" + n, token=self.admin)
        # escalectl checks its words before asking.
        self.assertIn("--site and --cups-server", self.ctl("printer", "add", "x", expect=2))
        self.ctl("printer", "add", "a/b", "--site", SITE, "--cups-server", "h", expect=2)
        self.ctl("printer", "remove", "a/b", expect=2)
        self.ctl("printer", "remove", expect=2)


if __name__ == "__main__":
    main()
