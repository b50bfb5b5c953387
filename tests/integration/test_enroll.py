"""Enrolling a kiosk with a one-time code (docs/API.md "Enrollment"): escalectl or the API
makes the code, escale-kiosk --enroll trades it for the kiosk's token over a connection
pinned to the key the technician compared, and writes the token and the server's address;
escale-kiosk-net then reaches admind with them alone. The real escale-admind over TLS with
a self-signed certificate, as a centre's server often has."""

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import tempfile
import time
import unittest
import http.client

from escale_test import AdmindTestCase, escalectl_path
from test_kiosk_net import KioskNet, pin_of, start_tls_admind

CODE_RE = r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"


def kiosk_path():
    path = os.environ.get("ESCALE_KIOSK")
    if not path:
        raise unittest.SkipTest("ESCALE_KIOSK not set")
    return path


@unittest.skipUnless(shutil.which("openssl"), "openssl is needed to make certificates")
class Enroll(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_tls_admind(cls, AdmindTestCase.EXTRA_CONF)
        cls.serial = 0

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(10)
        cls.log.close()
        cls.srv.cleanup()

    @classmethod
    def https(cls, method, path, body=None, token=None, raw=None):
        c = http.client.HTTPSConnection("127.0.0.1", cls.port, context=cls.ctx, timeout=10)
        try:
            hdrs = {"Content-Type": "application/json"}
            if token:
                hdrs["Authorization"] = "Bearer " + token
            data = raw if raw is not None else (json.dumps(body) if body is not None else None)
            c.request(method, path, body=data, headers=hdrs)
            r = c.getresponse()
            return r.status, json.loads(r.read() or b"null")
        finally:
            c.close()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="escale-enroll-")
        self.n = None

    def tearDown(self):
        if self.n:
            self.n.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def name(self):
        type(self).serial += 1
        return "poste-%d-%d" % (os.getpid(), self.serial)

    def new_code(self, name, site="ESC Nord"):
        status, d = self.https("POST", "/api/v1/kiosks/enroll", {"name": name, "site": site},
                               self.srv.admin_token)
        self.assertEqual(status, 201, d)
        return d

    def kiosk_conf(self, language="fr"):
        """A kiosk.conf as the package installs it: admind's address not filled in."""
        conf = os.path.join(self.tmp, "kiosk.conf")
        self.token_file = os.path.join(self.tmp, "kiosk.token")
        self.enrollment = os.path.join(self.tmp, "kiosk-enrollment.conf")
        with open(conf, "w") as f:
            f.write('language = "%s";\n' % language)
            f.write('state_dir = "%s";\nruntime_dir = "%s";\n'
                    'admin = { url = "https://admin.example.org:8443"; token_file = "%s";'
                    ' enrollment_file = "%s"; timeout_ms = 1000; heartbeat_seconds = 1; };\n'
                    % (os.path.join(self.tmp, "state"), os.path.join(self.tmp, "run"),
                       self.token_file, self.enrollment))
        return conf

    def enroll(self, conf, *args):
        return subprocess.run([kiosk_path(), "-c", conf, "--enroll"] + list(args),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60, text=True)

    def kiosk_row(self, name):
        _, d = self.https("GET", "/api/v1/kiosks", token=self.srv.admin_token)
        return [k for k in d["kiosks"] if k["name"] == name]

    def test_enroll_then_reach_admind_with_what_it_wrote(self):
        name = self.name()
        d = self.new_code(name)
        self.assertRegex(d["code"], r"^[0-9A-Z]{4} [0-9A-Z]{4} [0-9A-Z]{4}$")
        self.assertEqual(d["pin"], pin_of(self.cert))
        self.assertAlmostEqual(d["expires_at"], time.time() + 86400, delta=120)
        self.assertEqual(self.kiosk_row(name), [], "no kiosk before the code is used")
        conf = self.kiosk_conf()
        r = self.enroll(conf, self.url, d["code"].replace(" ", "-"), "--pin", d["pin"])
        self.assertEqual(r.returncode, 0, r)
        self.assertIn(name, r.stdout)
        self.assertIn("enrôlé", r.stdout)
        st = os.stat(self.token_file)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(self.token_file) as f:
            self.assertRegex(f.read(), r"^esk_[A-Za-z0-9_-]{43}\n$")
        with open(self.enrollment) as f:
            text = f.read()
        self.assertIn('url = "%s";' % self.url, text)
        self.assertIn('pin = "%s";' % d["pin"], text)
        rows = self.kiosk_row(name)
        self.assertEqual([(k["name"], k["site"]) for k in rows], [(name, "ESC Nord")])
        # The kiosk's helper reaches admind with the token, address and key enrolled, though
        # kiosk.conf names another server and no CA vouches for admind's certificate.
        self.n = KioskNet(self.tmp, self.url, "unused")
        self.n.conf = conf
        self.n.start()
        self.n.wait_t("hello")
        self.n.wait_t("online", online=True)
        self.assertTrue(self.kiosk_row(name)[0]["online"])
        # The code served once.
        r = self.enroll(self.kiosk_conf(), self.url, d["code"], "--pin", d["pin"])
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("(403)", r.stderr)
        db = sqlite3.connect(self.srv.db)
        try:
            actions = [a for (a,) in db.execute(
                "SELECT action FROM audit WHERE target = ? ORDER BY id", (name,))]
        finally:
            db.close()
        self.assertEqual(actions, ["kiosk.enroll_code", "kiosk.create", "kiosk.enrolled"])

    def test_the_key_is_shown_and_must_match(self):
        name = self.name()
        d = self.new_code(name)
        conf = self.kiosk_conf()
        # No terminal and no --pin: the server's key is shown, nothing is asked or written.
        r = self.enroll(conf, self.url, d["code"])
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(pin_of(self.cert), r.stdout)
        self.assertIn("--pin " + pin_of(self.cert), r.stderr)
        # Another key: refused before the code is sent, so the code still works.
        r = self.enroll(conf, self.url, d["code"], "--pin", pin_of(self.other))
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("clé", r.stderr)
        self.assertFalse(os.path.exists(self.token_file))
        self.assertFalse(os.path.exists(self.enrollment))
        self.assertEqual(self.kiosk_row(name), [])
        # The messages in the kiosk's language (kiosk.conf).
        r = self.enroll(self.kiosk_conf("en"), self.url, d["code"], "--pin", pin_of(self.cert))
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("enrolled", r.stdout)

    def test_bad_arguments_are_clear(self):
        conf = self.kiosk_conf()
        for args, word in ((["ftp://x", "ABCD-EFGH-JKMN"], "https://"),
                           (["http://10.1.2.3:8080", "ABCD-EFGH-JKMN"], "https://"),
                           ([self.url, "ab"], "code"),
                           ([self.url, "ABCD-EFGH-JKMN", "--pin", "sha1//x"], "--pin")):
            r = self.enroll(conf, *args)
            self.assertEqual(r.returncode, 1, (args, r))
            self.assertIn(word, r.stderr, args)
            self.assertTrue(r.stderr.startswith("escale-kiosk: "), r.stderr)
        r = subprocess.run([kiosk_path(), "-c", conf, "--enroll", self.url],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("--enroll URL CODE", r.stderr)
        self.assertFalse(os.path.exists(self.token_file))

    def test_refusals(self):
        name = self.name()
        # One code per name: a new one replaces it.
        first = self.new_code(name)
        second = self.new_code(name)
        status, d = self.https("POST", "/api/v1/enroll", {"code": first["code"]})
        self.assertEqual((status, d["error"]), (403, "enroll_refused"), d)
        # An expired code.
        db = sqlite3.connect(self.srv.db)
        try:
            db.execute("UPDATE enrollments SET expires_at = 1 WHERE name = ?", (name,))
            db.commit()
        finally:
            db.close()
        status, d = self.https("POST", "/api/v1/enroll", {"code": second["code"]})
        self.assertEqual((status, d["error"]), (403, "enroll_refused"), d)
        # A live kiosk's name: no code for it.
        status, d = self.https("POST", "/api/v1/kiosks", {"name": name + "-live"},
                               self.srv.admin_token)
        self.assertEqual(status, 201, d)
        status, d = self.https("POST", "/api/v1/kiosks/enroll", {"name": name + "-live"},
                               self.srv.admin_token)
        self.assertEqual((status, d["error"]), (409, "conflict"), d)
        # ...but once revoked, the PC can be enrolled again under its name.
        kid = self.kiosk_row(name + "-live")[0]["id"]
        status, _ = self.https("POST", "/api/v1/kiosks/%d/revoke" % kid, token=self.srv.admin_token)
        self.assertEqual(status, 200)
        code = self.new_code(name + "-live")["code"]
        status, d = self.https("POST", "/api/v1/enroll", {"code": code})
        self.assertEqual(status, 201, d)
        self.assertEqual(d["id"], kid)
        # Secretariat accounts do not enroll kiosks.
        status, d = self.https("POST", "/api/v1/users", {"name": self.name(), "role": "secretariat"},
                               self.srv.admin_token)
        status, d = self.https("POST", "/api/v1/kiosks/enroll", {"name": "x"}, d["token"])
        self.assertEqual(status, 403, d)

    def test_hostile_bodies(self):
        for raw in (b"", b"[]", b'{"code": 12}', b'{"code": "' + b"A" * 65 + b'"}',
                    b'{"code": "ABCD", "extra": 1}', b'{"code": "ABCD"'):
            status, d = self.https("POST", "/api/v1/enroll", raw=raw)
            self.assertEqual(status, 400, (raw, d))
        status, d = self.https("POST", "/api/v1/kiosks/enroll", {"name": ""}, self.srv.admin_token)
        self.assertEqual(status, 400, d)
        status, d = self.https("POST", "/api/v1/kiosks/enroll", {"name": "x" * 65},
                               self.srv.admin_token)
        self.assertEqual(status, 400, d)

    def test_wrong_codes_lock_the_address_out(self):
        # Last: the address stays locked out for a minute.
        for i in range(4):
            status, d = self.https("POST", "/api/v1/enroll", {"code": "WXYZ-WXYZ-WX%02d" % i})
            self.assertEqual(status, 403, d)
        status, d = self.https("POST", "/api/v1/enroll", {"code": "WXYZ-WXYZ-WXYZ"})
        self.assertEqual(status, 429, d)
        self.assertGreater(d["retry_after"], 0)
        good = self.new_code(self.name())["code"]
        status, d = self.https("POST", "/api/v1/enroll", {"code": good})
        self.assertEqual(status, 429, "a locked-out address may not try even a good code")


class Escalectl(AdmindTestCase):
    def test_kiosk_enroll_prints_the_code_and_the_command(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ESCALE_")}
        url = "http://127.0.0.1:%d" % self.server.port
        env.update(ESCALE_URL=url, ESCALE_TOKEN=self.admin)
        r = subprocess.run([escalectl_path(), "kiosk", "enroll", "poste-7", "--site", "Sud"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r"^enrollment code for kiosk poste-7, valid once until ")
        self.assertRegex(lines[1], "^" + CODE_RE + "$")
        self.assertEqual(lines[2], "on that PC, as root: escale-kiosk --enroll %s %s"
                         % (url, lines[1]))
        self.assertEqual(len(lines), 3, "no key to show over plain HTTP")
        status, _, d = self.req("POST", "/api/v1/enroll", {"code": lines[1]})
        self.assertEqual(status, 201, d)
        self.assertEqual((d["name"], d["site"]), ("poste-7", "Sud"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
