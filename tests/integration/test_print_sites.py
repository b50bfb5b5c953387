"""Printers of several sites (print.queues, docs/printing.md "Several print hosts"):
two private cupsd on loopback stand for the print hosts of two sites, and one real
escale-admind watches both over IPP, each queue with its own release key.

Every wait polls a state with a deadline; no fixed sleep is an assertion.
"""

import hashlib
import hmac
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "print"))

from escale_test import AdmindTestCase, admind_path, escalectl_path, main  # noqa: E402
import mkpdf  # noqa: E402
from private_cupsd import SETUP, Cupsd, WithTwoSites  # noqa: E402

DEADLINE = 20.0
SITE_A, SITE_B = WithTwoSites.SITE_A, WithTwoSites.SITE_B

IPP_OPERATION = """  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
"""
GET_CREATED = """{
  OPERATION Get-Job-Attributes
%(hdr)s  ATTR integer job-id $job
  ATTR keyword requested-attributes time-at-creation
  STATUS successful-ok
  DISPLAY time-at-creation
}
""" % {"hdr": IPP_OPERATION}
SET_MARK = """{
  OPERATION Set-Job-Attributes
%(hdr)s  ATTR integer job-id $job
  GROUP job-attributes-tag
  ATTR keyword escale-release $mark
  STATUS successful-ok
}
""" % {"hdr": IPP_OPERATION}

GET_UUID = """{
  OPERATION Get-Job-Attributes
%(hdr)s  ATTR integer job-id $job
  ATTR keyword requested-attributes job-uuid
  STATUS successful-ok
  DISPLAY job-uuid
}
""" % {"hdr": IPP_OPERATION}
SET_UUID = """{
  OPERATION Set-Job-Attributes
%(hdr)s  ATTR integer job-id $job
  ATTR name requesting-user-name root
  GROUP job-attributes-tag
  ATTR uri job-uuid $uuid
  STATUS successful-ok
}
""" % {"hdr": IPP_OPERATION}


def make_mark(key, printer, job, created, pages, docs=1):
    """A release mark as escale-admind makes it (bk_mark.h; tests/print/test_backend.py)."""
    msg = "escale-release v1\n%s\n%d\n%d\n%d\n%d\n" % (printer, job, created, pages, docs)
    tag = hmac.new(key, msg.encode(), hashlib.sha512).digest()[:32]
    return "v1-%d-%d-%s" % (pages, docs, tag.hex())


class PrintSites(WithTwoSites, AdmindTestCase):
    """One admind, two sites' print hosts (tests/print/private_cupsd.py WithTwoSites)."""

    # ---- helpers

    def pdf(self, pages):
        path = os.path.join(self.tmp, "doc-%d.pdf" % pages)
        with open(path, "wb") as f:
            f.write(mkpdf.make_pdf(pages))
        return path

    def kiosk_in_session(self, site, pages=10):
        name = self.unique("poste")
        _, kt = self.new_kiosk(name, site=site)
        code = self.new_code(pages=pages)
        sid = self.open_ok(kt, code["code"])["session"]
        return name, kt, sid

    def jobs(self, printer):
        return {j["cups_id"]: j for j in
                self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                if j["printer"] == printer}

    def wait_job(self, printer, job, states):
        end = time.monotonic() + DEADLINE
        j = None
        while time.monotonic() < end:
            j = self.jobs(printer).get(job)
            if j and j["state"] in states:
                return j
            time.sleep(0.1)
        with open(self.server.stderr_path, errors="replace") as f:
            log = f.read()[-2000:]
        self.fail("job %d of %s never %s; last seen %r\nadmind log:\n%s"
                  % (job, printer, "/".join(states), j, log))

    def printers(self):
        return {p["name"]: p for p in
                self.api("GET", "/api/v1/printers", token=self.admin)["printers"]}

    def wait_printer(self, name, pred, what):
        end = time.monotonic() + DEADLINE
        p = None
        while time.monotonic() < end:
            p = self.printers()[name]
            if pred(p):
                return p
            time.sleep(0.1)
        self.fail("printer %s never %s: %r" % (name, what, p))

    def ctl(self, *args, expect=0):
        r = subprocess.run([escalectl_path(), "--url", "http://127.0.0.1:%d" % self.server.port,
                            "--token", self.admin] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(r.returncode, expect, "escalectl %s: %s%s" % (
            " ".join(args), r.stdout.decode(), r.stderr.decode()))
        return r.stdout.decode() + r.stderr.decode()

    def ipp(self, cups, queue, test, **defines):
        if not shutil.which("ipptool"):
            self.skipTest("ipptool missing (scripts/lib.sh installs cups-ipp-utils)")
        path = os.path.join(self.tmp, "req.test")
        with open(path, "w") as f:
            f.write(test)
        args = ["ipptool", "-t"]
        for k, v in defines.items():
            args += ["-d", "%s=%s" % (k, v)]
        r = cups.run(args + ["ipp://%s/printers/%s" % (cups.server, queue), path], check=False)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace"))
        return r.stdout.decode()

    # ---- tests

    def test_printers_list_both_sites(self):
        p = self.printers()
        self.assertEqual(list(p), ["accueil-nord", "accueil-sud"])
        self.assertEqual((p["accueil-nord"]["site"], p["accueil-nord"]["cups_server"],
                          p["accueil-nord"]["queue"]), (SITE_A, self.cups_a.server, "escale"))
        self.assertEqual((p["accueil-sud"]["site"], p["accueil-sud"]["cups_server"]),
                         (SITE_B, self.cups_b.server))
        self.wait_printer("accueil-sud", lambda p: p["state"] == "idle", "idle")
        # Each key is its own: a key leaked from one print host marks nothing on another.
        with open(self.cups_a.release_key, "rb") as fa, open(self.cups_b.release_key, "rb") as fb:
            key_a, key_b = fa.read(), fb.read()
        self.assertNotEqual(key_a, key_b)
        # B's key came from admind's own file (print.queues' default path) through
        # escale-admind -k and escale-setup-print-host --release-key -.
        with open(os.path.join(self.server.workdir, "print-release-accueil-sud.key"), "rb") as f:
            self.assertEqual(f.read(), key_b)
        self.assertEqual(bytes.fromhex(self.key_b_hex), key_b)
        self.assertEqual(os.stat(self.cups_b.release_key).st_mode & 0o777, 0o600)

    def test_an_account_of_one_site_sees_its_printer_only(self):
        st, _, d = self.req("POST", "/api/v1/users",
                            {"name": self.unique("accueil-nord"), "role": "secretariat",
                             "sites": [SITE_A]}, token=self.admin)
        self.assertEqual(st, 201, d)
        mine = self.api("GET", "/api/v1/printers", token=d["token"])["printers"]
        self.assertEqual([p["name"] for p in mine], ["accueil-nord"])
        # Another site's printer is as unknown as one that does not exist, and no name leaks.
        other = self.req("POST", "/api/v1/printers/accueil-sud/resume", token=d["token"])
        unknown = self.req("POST", "/api/v1/printers/nowhere/resume", token=d["token"])
        self.assertEqual(other[0], 404)
        self.assertEqual(other[2]["error"], unknown[2]["error"])
        self.assertNotIn("accueil", unknown[2]["message"].replace("nowhere", ""))
        self.assertNotIn("accueil-sud", other[2]["message"].replace("accueil-sud", "", 1))

    def test_key_of_an_unknown_printer(self):
        r = subprocess.run([admind_path(), "-c", self.server.conf, "-k", "escale"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual((r.returncode, r.stdout), (1, b""))
        self.assertIn("no printer named escale in print.queues (nor added with escalectl"
                      " printer add): the printers are accueil-nord,"
                      " accueil-sud", r.stderr.decode())

    def test_bad_key_changes_nothing(self):
        env = self.cups_b.setup_env()
        with open(self.cups_b.release_key, "rb") as f:
            before = f.read()
        for bad in (b"", b"zz" * 32, b"ab" * 31, b"ab" * 33):
            r = subprocess.run([SETUP, "--release-key", "-", "--key-file",
                                self.cups_b.release_key, "simprinter:/nonexistent"],
                               input=bad, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(b"64 hex digits", r.stderr)
        with open(self.cups_b.release_key, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_site_a_kiosk_prints_on_a_and_is_charged(self):
        kiosk, kt, sid = self.kiosk_in_session(SITE_A, pages=10)
        on_b = self.cups_b.printed()
        job = self.cups_a.submit(self.pdf(3), "escale", "-o", "job-account-id=" + kiosk)
        j = self.wait_job("accueil-nord", job, ("printed",))
        self.assertEqual((j["charged"], j["printed"], j["site"], j["printer"], j["kiosk"]),
                         (3, 3, SITE_A, "accueil-nord", kiosk))
        self.assertEqual(self.cups_a.printed().get(job), 3)
        self.assertEqual(self.cups_b.printed(), on_b)
        hb = self.heartbeat(kt, state="session", session=sid)
        self.assertEqual(hb["session"]["pages_left"], 7)

    def test_site_a_kiosk_refused_on_b(self):
        kiosk, kt, sid = self.kiosk_in_session(SITE_A, pages=10)
        job = self.cups_b.submit(self.pdf(2), "escale", "-o", "job-account-id=" + kiosk)
        j = self.wait_job("accueil-sud", job, ("refused",))
        self.assertEqual((j["reason"], j["charged"], j["site"], j["kiosk"]),
                         ("wrong_site", 0, SITE_B, kiosk))
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and job in self.cups_b.active_jobs():
            time.sleep(0.1)
        self.assertNotIn(job, self.cups_b.active_jobs())
        self.assertNotIn(job, self.cups_b.printed())
        hb = self.heartbeat(kt, state="session", session=sid)
        self.assertEqual(hb["session"]["pages_left"], 10)
        events = [c["event"] for c in hb["commands"] if c["type"] == "print"]
        self.assertEqual(events, ["refused_wrong_site"])

    def test_jam_on_b_shows_for_b(self):
        kiosk, kt, sid = self.kiosk_in_session(SITE_B, pages=10)
        with open(os.path.join(self.cups_b.printer_dir, "jam"), "w") as f:
            f.write("1")
        job = self.cups_b.submit(self.pdf(3), "escale", "-o", "job-account-id=" + kiosk)
        p = self.wait_printer("accueil-sud", lambda p: p["needs_attention"], "jammed")
        self.assertEqual((p["site"], p["state"]), (SITE_B, "stopped"))
        self.assertFalse(self.printers()["accueil-nord"]["needs_attention"])
        j = self.wait_job("accueil-sud", job, ("stopped",))
        self.assertTrue(j["jammed"])
        # Resuming names the printer, not the CUPS queue (both are "escale").
        os.unlink(os.path.join(self.cups_b.printer_dir, "jam"))
        self.ctl("printer", "resume", "accueil-sud")
        self.wait_job("accueil-sud", job, ("printed",))
        out = self.ctl("printer", "resume", "escale", expect=1)
        self.assertIn("accueil-nord, accueil-sud", out)

    def test_job_claiming_the_uuid_of_another_printers_job_is_cancelled(self):
        """CUPS ids count from 1 on every print host: a job on B with the id and the
        job-uuid (its owner may set it) of a job admind released on A is not
        released on A's decision."""
        kiosk_a, _, _ = self.kiosk_in_session(SITE_A, pages=10)
        kiosk_b, kt_b, sid_b = self.kiosk_in_session(SITE_B, pages=10)
        self.server.stop()
        try:
            # Both hosts' next job ids the same (held jobs cancelled at once, while
            # admind is away: never seen by it).
            ids = {}
            for c in (self.cups_a, self.cups_b):
                ids[c] = c.submit(self.pdf(1), "escale", "-H", "indefinite")
                c.run(["cancel", str(ids[c])])
            while ids[self.cups_a] != ids[self.cups_b]:
                c = min(ids, key=ids.get)
                ids[c] = c.submit(self.pdf(1), "escale", "-H", "indefinite")
                c.run(["cancel", str(ids[c])])
        finally:
            self.server.start()
        job = self.cups_a.submit(self.pdf(2), "escale", "-o", "job-account-id=" + kiosk_a)
        self.wait_job("accueil-nord", job, ("printed",))
        out = self.ipp(self.cups_a, "escale", GET_UUID, job=job)
        uuid = out.split("job-uuid (uri) = ", 1)[1].split()[0]
        on_b = self.cups_b.printed()
        self.server.stop()
        try:
            twin = self.cups_b.submit(self.pdf(3), "escale", "-o", "job-account-id=" + kiosk_b)
            self.assertEqual(twin, job)
            self.ipp(self.cups_b, "escale", SET_UUID, job=twin, uuid=uuid)
        finally:
            self.server.start()
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and twin in self.cups_b.active_jobs():
            time.sleep(0.1)
        self.assertNotIn(twin, self.cups_b.active_jobs())
        self.assertEqual(self.cups_b.printed(), on_b)
        self.assertNotIn(twin, self.jobs("accueil-sud"))
        hb = self.heartbeat(kt_b, state="session", session=sid_b)
        self.assertEqual(hb["session"]["pages_left"], 10)

    def test_each_key_releases_only_on_its_own_host(self):
        """A held job on B's host, marked with A's key, is refused by B's backend;
        marked with B's key it prints (the check can fail). The queue "spare" on B
        is not watched by admind, so only the backend judges the mark."""
        self.cups_b.add_queue("spare")
        with open(self.cups_a.release_key, "rb") as f:
            key_a = f.read()
        with open(self.cups_b.release_key, "rb") as f:
            key_b = f.read()
        printed = {}
        for name, key in (("A", key_a), ("B", key_b)):
            job = self.cups_b.submit(self.pdf(2), "spare", "-H", "indefinite")
            out = self.ipp(self.cups_b, "spare", GET_CREATED, job=job)
            created = int(out.split("time-at-creation (integer) = ", 1)[1].split()[0])
            self.ipp(self.cups_b, "spare", SET_MARK, job=job,
                     mark=make_mark(key, "spare", job, created, 2))
            self.cups_b.run(["lp", "-i", str(job), "-H", "resume"])
            end = time.monotonic() + DEADLINE
            while time.monotonic() < end and job in self.cups_b.active_jobs():
                time.sleep(0.1)
            self.assertNotIn(job, self.cups_b.active_jobs(), self.cups_b.log()[-3000:])
            printed[name] = self.cups_b.printed().get(job)
            # A refused job stops nothing: the queue prints the next one.
            self.cups_b.run(["cupsenable", "spare"], check=False)
        self.assertEqual(printed, {"A": None, "B": 2}, self.cups_b.log()[-3000:])



class PrintDeadHost(AdmindTestCase):
    """Site B's print host takes connections and never answers: B shows unreachable,
    and site A's printer goes on deciding and printing (the watcher polls the
    printers one after the other and tries a dead host again only now and then)."""

    @classmethod
    def setUpClass(cls):
        backend = os.environ.get("ESCALE_BACKEND")
        if not backend:
            raise unittest.SkipTest("ESCALE_BACKEND not set (meson sets it)")
        cls.tmp = tempfile.mkdtemp(prefix="escale-print-dead-")
        cls.cups_a = Cupsd(backend)
        cls.silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        cls.silent.bind(("127.0.0.1", 0))
        cls.silent.listen(64)  # never accepted: the kernel completes the connects
        try:
            cls.cups_a.start()
            cls.cups_a.add_queue("escale")
            cls.EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
                "print = { enabled = true; poll_ms = 300; queues = (\n"
                '  { name = "accueil-sud"; site = "%s"; cups_server = "127.0.0.1:%d"; },\n'
                '  { name = "accueil-nord"; site = "%s"; cups_server = "%s";'
                ' release_key_file = "%s"; }\n); };\n'
                % (SITE_B, cls.silent.getsockname()[1], SITE_A, cls.cups_a.server,
                   cls.cups_a.release_key))
            super().setUpClass()
        except BaseException:
            cls.cups_a.stop()
            cls.silent.close()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.cups_a.stop()
            cls.silent.close()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def printers(self):
        return {p["name"]: p for p in
                self.api("GET", "/api/v1/printers", token=self.admin)["printers"]}

    def test_a_dead_print_host_holds_up_no_other_printer(self):
        end = time.monotonic() + 40
        while time.monotonic() < end and self.printers()["accueil-sud"]["state"] != "unreachable":
            time.sleep(0.2)
        p = self.printers()
        self.assertEqual((p["accueil-sud"]["state"], p["accueil-sud"]["site"],
                          p["accueil-sud"]["needs_attention"]), ("unreachable", SITE_B, True))
        self.assertFalse(p["accueil-nord"]["needs_attention"], p["accueil-nord"])
        name = self.unique("poste")
        _, kt = self.new_kiosk(name, site=SITE_A)
        sid = self.open_ok(kt, self.new_code(pages=10)["code"])["session"]
        path = os.path.join(self.tmp, "two.pdf")
        with open(path, "wb") as f:
            f.write(mkpdf.make_pdf(2))
        job = self.cups_a.submit(path, "escale", "-o", "job-account-id=" + name)
        end = time.monotonic() + 40
        j = None
        while time.monotonic() < end:
            j = {x["cups_id"]: x for x in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                 if x["printer"] == "accueil-nord"}.get(job)
            if j and j["state"] == "printed":
                break
            time.sleep(0.2)
        self.assertEqual((j or {}).get("state"), "printed", j)
        self.assertEqual(self.cups_a.printed().get(job), 2)
        hb = self.heartbeat(kt, state="session", session=sid)
        self.assertEqual(hb["session"]["pages_left"], 8)
        self.assertEqual(self.printers()["accueil-sud"]["state"], "unreachable")


if __name__ == "__main__":
    main()
