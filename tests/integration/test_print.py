"""Printing: a private cupsd (docs/printing.md), the escale wrapper backend over the
simprinter test backend, and the real escale-admind watching the queue.

Every wait polls a state with a deadline; no fixed sleep is an assertion.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "print"))

from escale_test import Admind, AdmindTestCase, escalectl_path, main  # noqa: E402
import mkpdf  # noqa: E402
from private_cupsd import WithCupsd  # noqa: E402

DEADLINE = 20.0

# The operation attributes every ipptool request of these tests starts with.
IPP_OPERATION = """  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
"""


class PrintBase(WithCupsd, AdmindTestCase):
    STUCK = ""

    @classmethod
    def setUpClass(cls):
        cls.PRINT_OPTS = cls.STUCK
        super().setUpClass()

    # ---- helpers

    def pdf(self, pages, name=None, damaged=False):
        path = os.path.join(self.tmp, name or "doc-%d.pdf" % pages)
        with open(path, "wb") as f:
            f.write(mkpdf.damaged(pages) if damaged else mkpdf.make_pdf(pages))
        return path

    def kiosk_in_session(self, pages=10):
        """A kiosk with an open session on a code of PAGES pages: (name, token, session)."""
        name = self.unique("poste")
        _, kt = self.new_kiosk(name)
        code = self.new_code(pages=pages)
        sid = self.open_ok(kt, code["code"])["session"]
        return name, kt, sid

    def submit(self, kiosk, path, *options):
        return self.cups.submit(path, self.QUEUE, "-o", "job-account-id=" + kiosk, *options)

    def jobs(self):
        """The stored jobs by CUPS job id (the id `lp` prints)."""
        return {j["cups_id"]: j for j in
                self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]}

    def wait_job(self, job, pred, what, deadline=DEADLINE):
        end = time.monotonic() + deadline
        j = None
        while time.monotonic() < end:
            j = self.jobs().get(job)
            if j and pred(j):
                return j
            time.sleep(0.1)
        with open(self.server.stderr_path, errors="replace") as f:
            admind_log = f.read()[-2000:]
        self.fail("job %d never %s; last seen %r\ncupsd log:\n%s\nabout the job:\n%s\n"
                  "admind log:\n%s" % (job, what, j, self.cups.log()[-2000:],
                                        self.cups.job_log(job), admind_log))

    def wait_state(self, job, *states):
        return self.wait_job(job, lambda j: j["state"] in states, "reached " + "/".join(states))

    def printer(self):
        return self.api("GET", "/api/v1/printers", token=self.admin)["printers"][0]

    def notices(self, kt, sid):
        """The print notices waiting for the kiosk (acked, so each is seen once)."""
        hb = self.heartbeat(kt, state="session", session=sid)
        cmds = [c for c in hb["commands"] if c["type"] == "print"]
        if hb["commands"]:
            self.heartbeat(kt, state="session", session=sid,
                           ack=[c["id"] for c in hb["commands"]])
        return hb, cmds

    def ctl(self, *args, expect=0):
        r = subprocess.run([escalectl_path(), "--url", "http://127.0.0.1:%d" % self.server.port,
                            "--token", self.admin] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(r.returncode, expect, "escalectl %s: %s%s" % (
            " ".join(args), r.stdout.decode(), r.stderr.decode()))
        return r.stdout.decode()

    def ipp(self, test, **defines):
        """ipptool (cups-ipp-utils) runs TEST, an ipptool script, on the queue."""
        if not shutil.which("ipptool"):
            self.skipTest("ipptool missing (scripts/lib.sh installs cups-ipp-utils)")
        path = os.path.join(self.tmp, "req.test")
        with open(path, "w") as f:
            f.write(test)
        args = ["ipptool", "-t"]
        for k, v in defines.items():
            args += ["-d", "%s=%s" % (k, v)]
        r = self.cups.run(args + ["ipp://%s/printers/%s" % (self.cups.server, self.QUEUE), path],
                          check=False)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace"))
        return r.stdout.decode()

    def wait_cups_done(self, job):
        """Until cupsd no longer lists JOB as active."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and job in self.cups.active_jobs():
            time.sleep(0.1)
        self.assertNotIn(job, self.cups.active_jobs(), self.cups.log()[-3000:])

    def jam(self, after=1):
        with open(os.path.join(self.cups.printer_dir, "jam"), "w") as f:
            f.write(str(after))

    def clear_jam(self):
        try:
            os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        except FileNotFoundError:
            pass


class Print(PrintBase):
    def tearDown(self):
        # A failed test must not leave the shared queue jammed or stopped.
        self.clear_jam()
        self.cups.run(["cupsenable", self.QUEUE], check=False)

    def test_release_within_quota(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        job = self.submit(kiosk, self.pdf(3))
        j = self.wait_state(job, "printed")
        self.assertEqual((j["pages"], j["charged"], j["printed"], j["refunded"]), (3, 3, 3, 0))
        self.assertEqual(j["kiosk"], kiosk)
        self.assertEqual(j["session"], sid)
        self.assertEqual(self.cups.printed().get(job), 3)
        hb, cmds = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 7)
        events = [(c["event"], c["pages"], c["pages_left"]) for c in cmds]
        self.assertEqual(events, [("released", 3, 7), ("printed", 3, 7)])
        # escalectl job list shows it.
        line = [l for l in self.ctl("job", "list").splitlines()
                if l.startswith("%d\t%d\t" % (j["id"], job))]
        self.assertEqual(len(line), 1, line)
        self.assertIn("\tprinted\t", line[0])

    def test_refused_over_quota(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=3)
        job = self.submit(kiosk, self.pdf(4), "-n", "3")
        j = self.wait_state(job, "refused")
        self.assertEqual((j["pages"], j["charged"], j["reason"]), (12, 0, "quota"))
        hb, cmds = self.notices(kt, sid)
        self.assertEqual([(c["event"], c["pages"], c["pages_left"]) for c in cmds],
                         [("refused_quota", 12, 3)])
        self.assertEqual(hb["session"]["pages_left"], 3)
        self.wait_job(job, lambda j: job not in self.cups.active_jobs(), "cancelled in CUPS")
        self.assertNotIn(job, self.cups.printed())

    def test_damaged_pdf_refused(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        job = self.submit(kiosk, self.pdf(3, "bad.pdf", damaged=True))
        j = self.wait_state(job, "refused")
        self.assertEqual((j["charged"], j["reason"]), (0, "damaged"))
        hb, cmds = self.notices(kt, sid)
        self.assertEqual([c["event"] for c in cmds], ["refused_damaged"])
        self.assertEqual(hb["session"]["pages_left"], 10)
        self.assertNotIn(job, self.cups.printed())

    def test_copies_nup_ranges_duplex_and_object_streams(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=50)
        # 5 pages, pages 1-3 and 5 (4 pages), 2 per sheet face, 3 copies: 2 x 3 = 6.
        job = self.submit(kiosk, self.pdf(5), "-n", "3", "-o", "number-up=2", "-P", "1-3,5",
                          "-o", "sides=two-sided-long-edge")
        j = self.wait_state(job, "released", "printing", "printed")
        self.assertEqual((j["document_pages"], j["copies"], j["number_up"], j["duplex"]),
                         (5, 3, 2, True))
        self.assertEqual((j["pages"], j["sheets"], j["charged"]), (6, 3, 6))
        # Two-sided as a browser sends it through GTK to a queue with a PPD: the PPD's
        # option, not sides. Faces are charged all the same; the sheets are halved.
        job = self.submit(kiosk, self.pdf(4), "-o", "Duplex=DuplexNoTumble")
        j = self.wait_state(job, "released", "printing", "printed")
        self.assertEqual((j["duplex"], j["pages"], j["sheets"], j["charged"]), (True, 4, 2, 4))
        job = self.submit(kiosk, self.pdf(2), "-o", "Duplex=None")
        j = self.wait_state(job, "released", "printing", "printed")
        self.assertEqual((j["duplex"], j["sheets"], j["charged"]), (False, 2, 2))
        # A document written with object streams: qpdf finds its 7 pages.
        src = self.pdf(7, "plain7.pdf")
        packed = os.path.join(self.tmp, "objstm7.pdf")
        mkpdf.qpdf_object_streams(src, packed)
        with open(packed, "rb") as f:
            self.assertIn(b"/ObjStm", f.read())
        job2 = self.submit(kiosk, packed)
        j2 = self.wait_state(job2, "printed")
        self.assertEqual((j2["document_pages"], j2["pages"], j2["printed"]), (7, 7, 7))

    def test_usage_and_stats_count_print_pages(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=5)
        self.wait_state(self.submit(kiosk, self.pdf(2)), "printed")
        self.wait_state(self.submit(kiosk, self.pdf(4), "-n", "3"), "refused")
        self.cups.run(["cupsdisable", self.QUEUE])
        job = self.submit(kiosk, self.pdf(1))
        j = self.wait_job(job, lambda j: j["state"] in ("queued", "stopped"), "waiting")
        self.ctl("job", "cancel", str(j["id"]))
        self.wait_state(job, "cancelled")
        self.cups.run(["cupsenable", self.QUEUE])
        today = time.strftime("%Y-%m-%d")
        usage = self.api("GET", "/api/v1/usage?from=%s&to=%s&format=json" % (today, today),
                         token=self.admin)
        row = [s for s in usage["sessions"] if s["id"] == sid][0]
        self.assertEqual((row["pages_used"], row["pages_printed"], row["pages_refused"],
                          row["pages_refunded"]), (2, 2, 12, 1))
        st, _, csv = self.req("GET", "/api/v1/usage?from=%s&to=%s&format=csv" % (today, today),
                              token=self.admin)
        line = [l for l in csv.decode("utf-8-sig").split("\r\n") if l.startswith(sid)][0]
        self.assertTrue(line.endswith(";non;2;12;1"), line)
        stats = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertGreaterEqual(stats["pages_printed"], 2)
        self.assertGreaterEqual(stats["pages_refused"], 12)
        self.assertGreaterEqual(stats["pages_refunded"], 1)
        mine = [k for k in stats["per_kiosk"] if k["kiosk"] == kiosk][0]
        self.assertEqual((mine["pages_printed"], mine["pages_refused"], mine["pages_refunded"]),
                         (2, 12, 1))

    def test_reused_cups_id_is_a_new_job(self):
        """A new print host numbers jobs from 1 again: a job is known by its job-uuid."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        first = self.submit(kiosk, self.pdf(1))
        self.wait_state(first, "printed")
        db = sqlite3.connect(self.server.db, timeout=10)
        try:
            db.execute("INSERT INTO print_jobs(cups_id, uuid, queue, decision, state, charged,"
                       " created_at, updated_at, settled_at) VALUES (?, 'urn:uuid:old-host',"
                       " 'escale', 'release', 'printed', 0, 1, 1, 1)", (first + 1,))
            db.commit()
        finally:
            db.close()
        job = self.submit(kiosk, self.pdf(2))
        self.assertEqual(job, first + 1)
        j = [x for x in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
             if x["cups_id"] == job]
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and not [x for x in j if x["state"] == "printed"
                                               and x["session"] == sid]:
            time.sleep(0.1)
            j = [x for x in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                 if x["cups_id"] == job]
        new = [x for x in j if x["state"] == "printed" and x["session"] == sid]
        self.assertEqual(len(new), 1, "%r\n%s" % (j, self.server.output()[-1500:]))
        self.assertEqual(new[0]["charged"], 2)
        self.assertEqual(self.cups.printed().get(job), 2)

    def test_no_session_refused(self):
        name = self.unique("poste")
        self.new_kiosk(name)
        job = self.submit(name, self.pdf(1))
        j = self.wait_state(job, "refused")
        self.assertEqual((j["reason"], j["charged"]), ("no_session", 0))
        job = self.submit("no-such-kiosk", self.pdf(1))
        self.assertEqual(self.wait_state(job, "refused")["reason"], "unknown_kiosk")

    def test_jam_resume_printed(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.jam(after=1)
        job = self.submit(kiosk, self.pdf(3))
        # The jam is visible to the desk within 5 s of the printer stopping.
        log = os.path.join(self.cups.printer_dir, "log")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if os.path.exists(log):
                with open(log) as f:
                    if ("%d jam" % job) in f.read():
                        break
            time.sleep(0.05)
        jammed_at = time.monotonic()
        p = None
        while time.monotonic() < jammed_at + 5:
            p = self.printer()
            if p["needs_attention"] and "media-jam-error" in p["reasons"]:
                break
            time.sleep(0.1)
        self.assertTrue(p["needs_attention"] and "media-jam-error" in p["reasons"],
                        "jam not visible within 5 s: %r" % p)
        self.assertEqual(p["state"], "stopped")
        out = self.ctl("printer", "list")
        self.assertIn("stopped", out)
        self.assertIn("media-jam-error", out)
        j = self.wait_job(job, lambda j: j["jammed"], "jammed")
        _, cmds = self.notices(kt, sid)
        self.assertIn("jam", [c["event"] for c in cmds])
        # The desk clears the paper and resumes the queue.
        self.clear_jam()
        self.assertIn("resumed", self.ctl("printer", "resume", self.QUEUE))
        j = self.wait_state(job, "printed")
        # Completed after a jam: not refunded (the reprint is on the centre).
        self.assertEqual((j["charged"], j["printed"], j["refunded"]), (3, 3, 0))
        self.assertEqual(self.cups.printed().get(job), 1 + 3)
        p = self.printer()
        self.assertNotIn("media-jam-error", p["reasons"])
        audit = self.api("GET", "/api/v1/audit", token=self.admin)
        self.assertIn("printer.resume", [a["action"] for a in audit["audit"]])

    def test_jam_then_retry_job(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.jam(after=0)
        job = self.submit(kiosk, self.pdf(2))
        j = self.wait_job(job, lambda j: j["jammed"] and j["state"] == "stopped", "stopped")
        self.clear_jam()
        self.assertIn("sent to print again", self.ctl("job", "retry", str(j["id"])))
        j = self.wait_state(job, "printed")
        self.assertEqual((j["charged"], j["printed"], j["refunded"]), (2, 2, 0))
        self.assertEqual(self.cups.printed().get(job), 2)
        actions = [a["action"] for a in self.api("GET", "/api/v1/audit", token=self.admin)["audit"]]
        self.assertIn("job.retry", actions)
        # A finished job cannot be retried.
        self.ctl("job", "retry", str(j["id"]), expect=1)

    def test_cancel_with_refund(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.jam(after=1)
        job = self.submit(kiosk, self.pdf(4))
        j = self.wait_job(job, lambda j: j["jammed"], "jammed")
        self.ctl("job", "cancel", str(j["id"]))
        j = self.wait_state(job, "cancelled")
        # One page came out before the jam: 3 of the 4 charged are refunded.
        self.assertEqual((j["charged"], j["printed"], j["refunded"]), (4, 1, 3))
        hb, cmds = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 9)
        self.assertIn(("cancelled", 3), [(c["event"], c["pages"]) for c in cmds])
        # The desk refunds the page spoilt by the jam, and no more.
        out = self.ctl("job", "refund", str(j["id"]), "--pages", "1")
        self.assertIn("1 page(s) refunded, 10 left", out)
        self.ctl("job", "refund", str(j["id"]), expect=1)
        actions = [a["action"] for a in self.api("GET", "/api/v1/audit", token=self.admin)["audit"]]
        self.assertIn("job.cancel", actions)
        self.assertIn("job.refund", actions)
        self.clear_jam()
        self.ctl("printer", "resume", self.QUEUE)

    def test_options_changed_after_the_charge_cancel_the_job(self):
        """The owner of a released job raising its copies while it waits
        (Set-Job-Attributes, lp -i ID -n N) does not get the extra pages free."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.cups.run(["cupsdisable", self.QUEUE])
        job = self.submit(kiosk, self.pdf(2))
        j = self.wait_job(job, lambda j: j["state"] in ("queued", "stopped"), "released")
        self.assertEqual(j["charged"], 2)
        self.cups.run(["lp", "-i", str(job), "-n", "4"])
        j = self.wait_state(job, "cancelled")
        self.assertEqual((j["reason"], j["charged"], j["printed"], j["refunded"]),
                         ("options_changed", 2, 0, 2))
        self.cups.run(["cupsenable", self.QUEUE])
        hb, _ = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 10)
        self.assertNotIn(job, self.cups.printed())

    def test_session_end_cancels_waiting_job(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.cups.run(["cupsdisable", self.QUEUE])
        job = self.submit(kiosk, self.pdf(2))
        j = self.wait_job(job, lambda j: j["state"] in ("queued", "stopped"), "waiting")
        self.assertEqual(j["charged"], 2)
        self.end_session(kt, sid)
        j = self.wait_state(job, "cancelled")
        self.assertEqual((j["printed"], j["refunded"]), (0, 2))
        self.cups.run(["cupsenable", self.QUEUE])
        # Its history is removed from the print host once settled.
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and job in self.cups.jobs_known():
            time.sleep(0.1)
        self.assertNotIn(job, self.cups.jobs_known())
        self.assertNotIn(job, self.cups.printed())
        code = [s for s in self.sessions_list() if s["id"] == sid][0]
        self.assertEqual(code["pages_used"], 0)
        # admind forgets the document's name with it.
        self.assertEqual(self.wait_job(job, lambda j: j["title"] == "", "forgotten")["title"], "")

    # ---- the backend is the gate: only what admind charged prints

    def test_job_asking_not_to_be_held_never_prints(self):
        """lp -H immediate (job-hold-until=no-hold) skips the queue's hold: the
        backend finds no release mark and cancels the job before printing."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        job = self.submit(kiosk, self.pdf(3, "unheld.pdf"), "-H", "immediate")
        self.wait_cups_done(job)
        self.assertNotIn(job, self.cups.printed())
        log = self.cups.job_log(job)
        self.assertIn("Job canceled", log)
        # Whoever comes first cancels it: the backend (no mark), or admind when its poll
        # saw the job before (refused not_held). Never charged either way.
        j = self.jobs().get(job)
        if j:
            self.assertEqual((j["charged"], j["reason"]), (0, "not_held"))
        else:
            self.assertIn("escale-admind did not release it", log)
        hb, _ = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 10)

    def test_job_not_held_is_refused_by_admind(self):
        """A job that arrived not held and waits (the queue is stopped) is
        refused by admind, with its reason for the desk and the kiosk."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.cups.run(["cupsdisable", self.QUEUE])
        job = self.submit(kiosk, self.pdf(3, "unheld.pdf"), "-H", "immediate")
        j = self.wait_state(job, "refused")
        self.assertEqual((j["charged"], j["reason"], j["session"]), (0, "not_held", sid))
        self.wait_cups_done(job)
        self.cups.run(["cupsenable", self.QUEUE])
        hb, cmds = self.notices(kt, sid)
        self.assertEqual([c["event"] for c in cmds], ["refused_not_held"])
        self.assertEqual(hb["session"]["pages_left"], 10)
        self.assertNotIn(job, self.cups.printed())

    CREATE_ONLY = """{
  OPERATION Create-Job
%(hdr)s  ATTR name requesting-user-name escale-test
  ATTR name job-name escale-test
  GROUP job-attributes-tag
  ATTR name job-account-id $kiosk
  STATUS successful-ok
  EXPECT job-id OF-TYPE integer
  DISPLAY job-id
}
""" % {"hdr": IPP_OPERATION}
    # Create-Job and its first document, more to come.
    CREATE_JOB = CREATE_ONLY + """{
  OPERATION Send-Document
%(hdr)s  ATTR integer job-id $job-id
  ATTR name requesting-user-name escale-test
  ATTR mimeMediaType document-format application/pdf
  ATTR boolean last-document false
  FILE $file
  STATUS successful-ok
}
""" % {"hdr": IPP_OPERATION}
    SEND_DOCUMENT = """{
  OPERATION Send-Document
%(hdr)s  ATTR integer job-id $job
  ATTR name requesting-user-name escale-test
  ATTR mimeMediaType document-format application/pdf
  ATTR boolean last-document true
  FILE $file
  STATUS successful-ok
}
""" % {"hdr": IPP_OPERATION}

    @staticmethod
    def job_id_of(out):
        """The CUPS job id ipptool displayed (DISPLAY job-id)."""
        return int(out.split("job-id (integer) = ", 1)[1].split()[0])

    def create_empty_job(self, kiosk):
        """Create-Job, no document (yet): the CUPS job id."""
        return self.job_id_of(self.ipp(self.CREATE_ONLY, kiosk=kiosk))

    def test_document_sent_late_is_counted(self):
        """Create-Job, its document a little later (Send-Document): admind waits for it
        (tries again after a growing wait) and decides the job as any other."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        job = self.create_empty_job(kiosk)
        time.sleep(1.5)  # a few polls without a document
        self.assertNotIn(job, self.jobs())
        self.ipp(self.SEND_DOCUMENT, job=job, file=self.pdf(2))
        j = self.wait_state(job, "printed")
        self.assertEqual((j["pages"], j["charged"], j["printed"]), (2, 2, 2))

    def test_document_never_sent_is_refused_not_charged(self):
        """A job whose document never comes (or cannot be read) is tried again after 1, 2,
        4... polls, then refused as unreadable, nothing charged; the log says so twice,
        not at every poll."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        job = self.create_empty_job(kiosk)
        start = time.monotonic()
        # 1+2+4+8+16+30+30 polls of 0.3 s
        j = self.wait_job(job, lambda j: j["state"] == "refused", "refused", deadline=60)
        waited = time.monotonic() - start
        self.assertEqual((j["charged"], j["reason"]), (0, "damaged"))
        self.assertGreater(waited, 15, "given up too soon: %.1f s" % waited)
        hb, cmds = self.notices(kt, sid)
        self.assertEqual([c["event"] for c in cmds], ["refused_damaged"])
        self.assertEqual(hb["session"]["pages_left"], 10)
        with open(self.server.stderr_path, "rb") as f:
            log = f.read().decode("utf-8", "replace")
        mine = [l for l in log.splitlines() if "print job %d:" % job in l]
        self.assertEqual(len([l for l in mine if "trying again" in l]), 1, mine)
        self.assertEqual(len([l for l in mine if "(8 tries): refused" in l]), 1, mine)
        self.wait_cups_done(job)

    def create_job(self, kiosk, path):
        """Create-Job and a first document, more to come: the CUPS job id."""
        return self.job_id_of(self.ipp(self.CREATE_JOB, kiosk=kiosk, file=path))

    def test_document_added_after_release_is_not_printed(self):
        """Create-Job, one document counted, charged and released; a second
        document sent while the job waits is refused by the backend. The queue
        has setup-print-host's PDF PPD, whose "-" filter hands the backend the
        first document's spool file: the counted one prints, the added one
        never does (a backend run on it would refuse it, test_backend.py), and
        nothing is refunded (what was charged printed)."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        self.cups.run(["cupsdisable", self.QUEUE])
        job = self.create_job(kiosk, self.pdf(2))
        j = self.wait_job(job, lambda j: j["state"] in ("queued", "stopped"), "released")
        self.assertEqual(j["charged"], 2)
        # admind away, so the backend alone decides (admind would cancel it too).
        self.server.stop()
        try:
            self.ipp(self.SEND_DOCUMENT, job=job, file=self.pdf(3))
            self.cups.run(["cupsenable", self.QUEUE])
            self.wait_cups_done(job)
        finally:
            self.server.start()
        self.assertEqual(self.cups.printed().get(job), 2)
        j = self.wait_state(job, "printed", "cancelled", "aborted")
        self.assertEqual((j["charged"], j["printed"], j["refunded"]), (2, 2, 0))

    def test_document_added_after_printing_is_not_printed(self):
        """The first document prints once charged; one sent to the job
        afterwards (cupsd accepts it) never reaches the printer."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        job = self.create_job(kiosk, self.pdf(2))
        j = self.wait_state(job, "printed")
        self.assertEqual((j["charged"], j["printed"]), (2, 2))
        self.ipp(self.SEND_DOCUMENT, job=job, file=self.pdf(3))
        time.sleep(1)  # a second run would start at once: none may
        self.wait_cups_done(job)
        self.assertEqual(self.cups.printed().get(job), 2)
        hb, _ = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 8)

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

    def test_job_claiming_a_decided_jobs_uuid_is_cancelled(self):
        """A job's owner may set its job-uuid (cupsd allows it): a held job
        wearing the uuid of a job admind already charged and released is
        cancelled, not released on that job's decision."""
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        first = self.submit(kiosk, self.pdf(2))
        out = self.ipp(self.GET_UUID, job=first)
        uuid = out.split("job-uuid (uri) = ", 1)[1].split()[0]
        self.wait_state(first, "printed")
        self.server.stop()
        try:
            second = self.submit(kiosk, self.pdf(3))
            self.ipp(self.SET_UUID, job=second, uuid=uuid)
        finally:
            self.server.start()
        self.wait_cups_done(second)
        self.assertNotIn(second, self.cups.printed())
        self.assertEqual(self.cups.printed().get(first), 2)
        self.assertNotIn(second, self.jobs())
        hb, _ = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 8)

    def test_restart_while_held(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=10)
        # admind is down: the job waits, held, in CUPS.
        self.server.stop()
        job = self.submit(kiosk, self.pdf(2))
        self.server.start()
        j = self.wait_state(job, "printed")
        self.assertEqual((j["charged"], j["printed"]), (2, 2))
        # Decided and released, then admind dies before the job prints: once
        # back, it neither charges nor prints it a second time.
        self.cups.run(["cupsdisable", self.QUEUE])
        job2 = self.submit(kiosk, self.pdf(3))
        self.wait_job(job2, lambda j: j["state"] in ("queued", "stopped"), "released")
        self.server.kill()
        self.server.start()
        self.cups.run(["cupsenable", self.QUEUE])
        j2 = self.wait_state(job2, "printed")
        self.assertEqual((j2["charged"], j2["printed"]), (3, 3))
        printed = self.cups.printed()
        self.assertEqual((printed.get(job), printed.get(job2)), (2, 3))
        hb, _ = self.notices(kt, sid)
        self.assertEqual(hb["session"]["pages_left"], 5)

    def test_job_of_an_earlier_session_is_not_charged_to_the_next(self):
        """A job sent in one session and decided only once another resident's
        session is open on the kiosk (admind was away) is not charged to them."""
        kiosk, kt, first = self.kiosk_in_session(pages=10)
        self.server.stop()
        job = self.submit(kiosk, self.pdf(2))
        # Back without printing: the first resident leaves, the next one logs in.
        conf = self.server.extra_conf
        self.server.extra_conf = conf.replace("print = { enabled = true;",
                                              "print = { enabled = false;")
        self.assertNotEqual(conf, self.server.extra_conf)
        try:
            self.server.start()
            self.end_session(kt, first)
            time.sleep(1.1)  # time-at-creation and started_at are whole seconds
            second = self.open_ok(kt, self.new_code(pages=10)["code"])["session"]
            self.server.stop()
        finally:
            self.server.extra_conf = conf
        self.server.start()
        j = self.wait_state(job, "refused")
        self.assertEqual((j["session"], j["charged"], j["reason"]), (None, 0, "no_session"))
        hb, cmds = self.notices(kt, second)
        self.assertEqual(hb["session"]["pages_left"], 10)
        self.assertEqual(cmds, [])
        self.assertNotIn(job, self.cups.printed())


class PrintByAddress(PrintBase):
    """A job without job-account-id is tied by the address of the kiosk's requests
    (cupsd names loopback clients 'localhost')."""
    QUEUE = "escale-addr"

    def test_tied_by_address(self):
        name, kt, sid = self.kiosk_in_session(pages=5)
        self.heartbeat(kt, state="session", session=sid)  # records the kiosk's address
        job = self.cups.submit(self.pdf(2), self.QUEUE)
        j = self.wait_state(job, "printed")
        self.assertEqual((j["kiosk"], j["session"], j["charged"]), (name, sid, 2))

    def test_tied_by_kiosk_user_name(self):
        """Several kiosks behind one address: the user name escale-kiosk.NAME (what a kiosk's
        print.kiosk_name writes into its browser's client.conf) names the kiosk; another
        user name with no job-account-id falls back to the address."""
        other, okt, osid = self.kiosk_in_session(pages=5)
        self.heartbeat(okt, state="session", session=osid)
        name, kt, sid = self.kiosk_in_session(pages=5)
        self.heartbeat(kt, state="session", session=sid)
        job = self.cups.submit(self.pdf(2), self.QUEUE, "-U", "escale-kiosk." + name)
        j = self.wait_state(job, "printed")
        self.assertEqual((j["kiosk"], j["session"], j["charged"]), (name, sid, 2))
        # Unknown name: refused, not charged to anyone.
        job = self.cups.submit(self.pdf(1), self.QUEUE, "-U", "escale-kiosk.nobody-here")
        j = self.wait_state(job, "refused")
        self.assertEqual((j["reason"], j["charged"]), ("unknown_kiosk", 0))
        # By address, two kiosks in session: which one is not known.
        job = self.cups.submit(self.pdf(1), self.QUEUE, "-U", "escale-kiosk")
        j = self.wait_state(job, "refused")
        self.assertEqual((j["reason"], j["charged"]), ("ambiguous_kiosk", 0))


class PrintStuck(PrintBase):
    """A job printing longer than print.stuck_seconds needs the desk too."""
    QUEUE = "escale-slow"
    STUCK = "stuck_seconds = 10; "

    def test_stuck_job_needs_the_desk(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=50)
        with open(os.path.join(self.cups.printer_dir, "slow"), "w") as f:
            f.write("1")
        try:
            job = self.submit(kiosk, self.pdf(30))
            self.wait_state(job, "printing")
            p = self.printer()
            self.assertFalse(p["needs_attention"], p)
            j = self.wait_job(job, lambda j: j["jammed"], "flagged as stuck", deadline=30)
            self.assertEqual(j["state"], "printing")
            self.assertTrue(self.printer()["needs_attention"])
            _, cmds = self.notices(kt, sid)
            self.assertIn("jam", [c["event"] for c in cmds])
        finally:
            os.unlink(os.path.join(self.cups.printer_dir, "slow"))
            self.cups.run(["cancel", "-a", self.QUEUE], check=False)


class PrintSizeLimit(PrintBase):
    """A document over print.max_document_bytes is refused, and not fetched."""
    QUEUE = "escale-small"
    STUCK = "max_document_bytes = 65536; "  # extra print settings

    def test_large_document_refused_before_fetching(self):
        kiosk, kt, sid = self.kiosk_in_session(pages=1000)
        big = self.pdf(500, "big.pdf")
        self.assertGreater(os.path.getsize(big), 65536)
        job = self.submit(kiosk, big)
        j = self.wait_state(job, "refused")
        self.assertEqual((j["reason"], j["charged"]), ("damaged", 0))
        # Refused from cupsd's job-k-octets, before any download.
        self.assertIn("job %d: document of" % job, self.server.output())
        self.assertIn("KiB, more than print.max_document_bytes", self.server.output())
        small = self.submit(kiosk, self.pdf(3))
        self.assertEqual(self.wait_state(small, "printed")["charged"], 3)
        self.assertNotIn(job, self.cups.printed())


class PrintUnreachable(AdmindTestCase):
    """No cupsd: admind starts, serves, and shows the printer as unreachable."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'print = { enabled = true; cups_server = "127.0.0.1:1"; poll_ms = 200; };\n')

    def test_unreachable(self):
        end = time.monotonic() + DEADLINE
        p = None
        while time.monotonic() < end:
            p = self.api("GET", "/api/v1/printers", token=self.admin)["printers"][0]
            if p["state"] == "unreachable":
                break
            time.sleep(0.1)
        self.assertEqual(p["state"], "unreachable", p)
        self.assertTrue(p["needs_attention"])
        self.assertError(self.req("POST", "/api/v1/printers/escale/resume", token=self.admin),
                         502, "cups_error")
        self.assertError(self.req("POST", "/api/v1/jobs/5/refund", token=self.admin), 404,
                         "not_found")


class PrintSilentCupsd(AdmindTestCase):
    """A cupsd that takes connections and never answers: the watcher gives up
    on it and shows it unreachable, instead of waiting on it for minutes."""

    @classmethod
    def setUpClass(cls):
        cls.silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        cls.silent.bind(("127.0.0.1", 0))
        cls.silent.listen(16)  # never accepted: the kernel completes the connects
        cls.EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
            'print = { enabled = true; cups_server = "127.0.0.1:%d"; poll_ms = 200; };\n'
            % cls.silent.getsockname()[1])
        try:
            super().setUpClass()
        except BaseException:
            cls.silent.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.silent.close()

    def test_silent_cupsd_is_unreachable(self):
        # libcups waits 60 s for an answer, twice, by default; admind's reads wait 10 s.
        end = time.monotonic() + 40
        p = None
        while time.monotonic() < end:
            p = self.api("GET", "/api/v1/printers", token=self.admin)["printers"][0]
            if p["state"] == "unreachable":
                break
            time.sleep(0.2)
        self.assertEqual(p["state"], "unreachable", p)
        self.assertTrue(p["needs_attention"])


class PrintHostile(AdmindTestCase):
    """The desk's print routes refuse bad input and the wrong roles, changing nothing."""

    def test_bad_requests(self):
        _, mnt = self.new_user("maintenance")
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/jobs/abc/refund", token=self.admin), 404,
                         "not_found")
        self.assertError(self.req("POST", "/api/v1/jobs/99999999999/cancel", token=self.admin),
                         404, "not_found")
        for body in ({"pages": 0}, {"pages": -3}, {"pages": "2"}, {"pages": 10 ** 12},
                     {"pages": 1, "extra": 1}):
            self.assertError(self.req("POST", "/api/v1/jobs/1/refund", body, token=self.admin),
                             400, "bad_request", str(body))
        self.assertError(self.req("POST", "/api/v1/jobs/1/refund", {"pages": 1},
                                  token=self.admin), 404, "not_found")
        self.assertError(self.req("POST", "/api/v1/jobs/1/cancel", {"x": 1}, token=self.admin),
                         400, "bad_request")
        self.assertError(self.req("GET", "/api/v1/jobs?active=2", token=self.admin), 400,
                         "bad_request")
        self.assertError(self.req("GET", "/api/v1/jobs?foo=1", token=self.admin), 400,
                         "bad_request")
        self.assertError(self.req("POST", "/api/v1/jobs/1/refund", token=mnt), 403, "forbidden")
        self.assertError(self.req("POST", "/api/v1/printers/escale/resume", token=mnt), 403,
                         "forbidden")
        self.assertError(self.req("GET", "/api/v1/jobs"), 401, "unauthorized")
        self.assertEqual(before, self.server.snapshot())


class PrintDisabled(AdmindTestCase):
    def test_disabled(self):
        self.assertError(self.req("GET", "/api/v1/printers", token=self.admin), 409,
                         "printing_disabled")
        self.assertEqual(self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"], [])


if __name__ == "__main__":
    main()
