"""Retention (details purged, daily totals kept) and HTTPS with a real certificate."""

import http.client
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import Admind, AdmindTestCase, admind_path, free_port  # noqa: E402


class Retention(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "retention_days = 2;\n"

    def test_purge_keeps_daily_totals(self):
        _, ktok = self.new_kiosk(site="ESC Sud")
        codes = self.new_codes(count=1, minutes=60)
        codes += self.new_codes(count=1, minutes=60, days=None, spare=True)
        for c in codes:
            s = self.api("POST", "/api/v1/kiosk/sessions", {"code": c["code"]}, ktok, expect=201)
            self.heartbeat(ktok, "session", s["session"], seconds_used=300, pages_scanned=2,
                           files_copied=1)
            self.api("POST", "/api/v1/kiosk/sessions/%s/end" % s["session"],
                     {"reason": "user", "seconds_used": 600}, ktok)
        before = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual(before["sessions"], 2)
        self.assertEqual(before["median_sessions"], 2)
        self.assertEqual(before["spare_sessions"], 1)
        self.assertEqual((before["pages_scanned"], before["files_copied"]), (4, 2))
        # Restart five days later: the purge at start folds the details.
        self.server.stop()
        self.server.start(env={"ESCALE_FAKE_NOW": str(int(time.time()) + 5 * 86400)})
        db = self.server.db_connect()
        try:
            self.assertEqual(db.execute("SELECT count(*) FROM sessions").fetchone()[0], 0)
            self.assertEqual(db.execute("SELECT count(*) FROM doc_counts").fetchone()[0], 0)
            self.assertEqual(db.execute("SELECT sum(sessions), sum(seconds) FROM daily_stats")
                             .fetchone(), (2, 1200))
            self.assertEqual(db.execute("SELECT count(*) FROM audit WHERE action ="
                                        " 'retention.purge'").fetchone()[0], 1)
        finally:
            db.close()
        after = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual(after["sessions"], 2, after)
        self.assertEqual(after["minutes"], 20, after)
        self.assertEqual(after["median_sessions"], 0, after)
        self.assertEqual(after["spare_sessions"], 1, "the purge lost the spare sessions")
        self.assertEqual((after["pages_scanned"], after["files_copied"]), (4, 2),
                         "the purge lost the documents' counts")
        self.assertEqual([k["kiosk"] for k in after["per_kiosk"]], before_names(before))
        status, _, data = self.req("GET", "/api/v1/usage?format=json", token=self.admin)
        self.assertEqual(status, 200)
        self.assertEqual(data["sessions"], [], "session details outlived the retention")


class Checkpoint(AdmindTestCase):
    """admind copies the WAL back into the database file in the background
    (requests never pay for it): a change reaches the main file soon."""

    def main_file_kiosks(self):
        import sqlite3
        # immutable=1 reads the database file alone, ignoring the WAL.
        db = sqlite3.connect("file:%s?immutable=1" % self.server.db, uri=True)
        try:
            return [r[0] for r in db.execute("SELECT name FROM kiosks")]
        finally:
            db.close()

    def test_changes_reach_the_database_file(self):
        name = self.unique("ckpt")
        self.new_kiosk(name=name)
        deadline = time.monotonic() + 10
        while name not in self.main_file_kiosks():
            self.assertLess(time.monotonic(), deadline,
                            "the WAL was not checkpointed into the database file")
            time.sleep(0.1)


def before_names(stats):
    return [k["kiosk"] for k in stats["per_kiosk"]]


@unittest.skipUnless(shutil.which("openssl"), "openssl is needed to make a certificate")
class Tls(unittest.TestCase):
    def setUp(self):
        self.srv = Admind()
        d = self.srv.workdir
        self.cert, self.key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", self.key, "-out", self.cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = free_port()
        with open(self.srv.conf, "w") as f:
            f.write('listen = "0.0.0.0:%d";\ndatabase = "%s";\n'
                    'tls = { certificate = "%s"; key = "%s"; };\n'
                    % (self.port, self.srv.db, self.cert, self.key))
        self.log = open(os.path.join(d, "stderr"), "wb")
        self.proc = subprocess.Popen([admind_path(), "-c", self.srv.conf], stdout=self.log,
                                     stderr=self.log)

    def tearDown(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(10), 0)
        self.log.close()
        self.srv.cleanup()

    def get(self, ctx):
        deadline = time.monotonic() + 10
        while True:
            try:
                c = http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=5)
                c.request("GET", "/healthz")
                r = c.getresponse()
                return r.status, r.read()
            except ConnectionRefusedError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)

    def test_https_verified_against_the_certificate(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        status, body = self.get(ctx)
        self.assertEqual(status, 200)
        self.assertIn(b'"status":"ok"', body)

    def test_unknown_certificate_is_refused_by_a_verifying_client(self):
        self.get(ssl.create_default_context(cafile=self.cert))  # wait until up
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.get(ssl.create_default_context())

    def test_plain_http_gets_no_answer(self):
        self.get(ssl.create_default_context(cafile=self.cert))
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        with self.assertRaises((http.client.HTTPException, OSError)):
            c.request("GET", "/healthz")
            r = c.getresponse()
            if r.status:  # a TLS server must not answer plain HTTP with a page
                raise http.client.HTTPException("answered %d" % r.status)


if __name__ == "__main__":
    unittest.main(verbosity=2)
