"""escale-kiosk-net, the kiosk's network helper, against the real escale-admind (plain HTTP and
verified TLS) and against a hostile fake admind, driven over its SOCK_SEQPACKET socket as
escale-kiosk drives it. Every wait is on a message or a state, with a deadline."""

import base64
import hashlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

import escale_test
from escale_test import Admind, AdmindTestCase, admind_path, free_port, offline_verifier

DEADLINE = 20.0
# Offline codes cost little here (admind's EXTRA_CONF), heartbeats come every second.
ADMIND_CONF = AdmindTestCase.EXTRA_CONF + "sessions = { heartbeat_seconds = 1; };\n"
NOT_A_CODE = "123456789"  # admind issues 8-digit codes: 9 digits are never one


def net_path():
    path = os.environ.get("ESCALE_KIOSK_NET")
    if path:
        return path
    for build in ("build", "builddir", "_build"):
        cand = os.path.join(escale_test.SRC_ROOT, build, "kiosk", "escale-kiosk-net")
        if os.access(cand, os.X_OK):
            return cand
    raise unittest.SkipTest("ESCALE_KIOSK_NET not set and escale-kiosk-net not built")


def eventually(test, fn, what, timeout=DEADLINE):
    """Polls FN until it returns a true value (returned), failing after TIMEOUT."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            test.fail("timed out waiting for " + what)
        time.sleep(0.05)


class KioskNet:
    """One escale-kiosk-net process and our end of its socket."""

    def __init__(self, workdir, url, token, ca_file=None, pin=None, extra=""):
        self.dir = tempfile.mkdtemp(prefix="net-", dir=workdir)
        self.conf = os.path.join(self.dir, "kiosk.conf")
        self.state_dir = os.path.join(self.dir, "state")
        self.log = os.path.join(self.dir, "net.log")
        token_file = os.path.join(self.dir, "kiosk.token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        os.chmod(token_file, 0o600)
        admin = ['url = "%s";' % url, 'token_file = "%s";' % token_file, "timeout_ms = 1000;",
                 "heartbeat_seconds = 1;", "sync_seconds = 5;"]
        if ca_file:
            admin.append('ca_file = "%s";' % ca_file)
        if pin:
            admin.append('pin = "%s";' % pin)
        with open(self.conf, "w") as f:
            f.write('state_dir = "%s";\nruntime_dir = "%s";\nlog_level = "debug";\n'
                    % (self.state_dir, os.path.join(self.dir, "run")))
            f.write("admin = { %s };\n%s\n" % (" ".join(admin), extra))
        self.proc = None
        self.sock = None
        self.pending = []
        self.messages = []

    def start(self, *args):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [net_path(), "-c", self.conf, "--fd", str(theirs.fileno())] + list(args),
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        theirs.close()
        self.sock = ours
        self.pending = []
        self.messages = []

    def output(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode("utf-8", errors="replace")[-6000:]
        except OSError:
            return ""

    def send(self, **msg):
        self.sock.send(json.dumps(msg).encode("utf-8"))

    def wait(self, pred, what, timeout=DEADLINE):
        """The first message (received now or earlier and not yet taken) that PRED accepts."""
        for i, m in enumerate(self.pending):
            if pred(m):
                del self.pending[i]
                return m
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s from escale-kiosk-net within %.0f s; got %r\n%s"
                                     % (what, timeout, self.messages[-20:], self.output()))
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise AssertionError("escale-kiosk-net closed its socket (exit %r):\n%s"
                                     % (self.proc.poll(), self.output()))
            m = json.loads(data.decode("utf-8"))
            self.messages.append(m)
            if pred(m):
                return m
            self.pending.append(m)

    def wait_t(self, t, timeout=DEADLINE, **fields):
        return self.wait(lambda m: m.get("t") == t and
                         all(m.get(k) == v for k, v in fields.items()),
                         "%s %r" % (t, fields), timeout)

    def login(self, code, timeout=DEADLINE):
        self.send(t="login", code=code)
        return self.wait_t("login", timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """Closes our end: the helper must exit 0 (the kiosk died)."""
        if not self.proc:
            return None
        self.sock.close()
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            rc = "timeout"
        self.proc = None
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)
        self.proc = None
        self.sock.close()

    def cache_db(self):
        return sqlite3.connect("file:%s?mode=ro" % os.path.join(self.state_dir, "kiosk.db"),
                               uri=True, timeout=10)

    def outbox_count(self):
        con = self.cache_db()
        try:
            return con.execute("SELECT count(*) FROM outbox").fetchone()[0]
        finally:
            con.close()

    def has_verifier(self, verifier):
        try:
            con = self.cache_db()
            try:
                return con.execute("SELECT count(*) FROM codes WHERE verifier = ?",
                                   (verifier,)).fetchone()[0] == 1
            finally:
                con.close()
        except sqlite3.Error:
            return False


class NetCase(AdmindTestCase):
    EXTRA_CONF = ADMIND_CONF

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="escale-net-")
        self.nets = []

    def tearDown(self):
        try:
            for n in self.nets:
                rc = n.stop()
                self.assertIn(rc, (0, None), "escale-kiosk-net exited %r:\n%s" % (rc, n.output()))
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def net(self, token, url=None, **kw):
        n = KioskNet(self.tmp, url or "http://127.0.0.1:%d" % self.server.port, token, **kw)
        n.start()
        self.nets.append(n)
        return n

    def online_net(self, token, **kw):
        n = self.net(token, **kw)
        n.wait_t("hello", online=False)
        n.wait_t("online", online=True)
        return n

    def wait_cached(self, n, ktoken, codes):
        cache = self.api("GET", "/api/v1/kiosk/codes?since=0", token=ktoken)
        for c in codes:
            v = offline_verifier(c["code"], cache["salt"], cache["opslimit"], cache["memlimit"])
            eventually(self, lambda: n.has_verifier(v), "code %d in the kiosk's cache" % c["id"])

    def session_where(self, sid, **want):
        def check():
            for s in self.sessions_list():
                if s["id"] == sid and all(s.get(k) == v for k, v in want.items()):
                    return s
            return None
        return eventually(self, check, "session %s with %r" % (sid, want))


class Online(NetCase):
    def test_login_refusals_then_session_and_end(self):
        _, kt = self.new_kiosk()
        good, revoked = self.new_codes(count=2, minutes=30, pages=5)
        self.api("POST", "/api/v1/codes/revoke", {"id": revoked["id"]}, self.admin)
        _, other = self.new_kiosk()
        busy = self.new_code()
        self.open_ok(other, busy["code"])
        n = self.online_net(kt)

        r = n.login(revoked["code"])
        self.assertEqual((r["ok"], r["error"]), (False, "code_revoked"), r)
        r = n.login(NOT_A_CODE)
        self.assertEqual((r["ok"], r["error"]), (False, "code_unknown"), r)
        r = n.login(busy["code"])
        self.assertEqual((r["ok"], r["error"]), (False, "code_in_use"), r)

        r = n.login(good["code"])
        self.assertIs(r["ok"], True, r)
        self.assertIs(r["offline"], False)
        self.assertEqual((r["seconds_left"], r["pages_left"]), (1800, 5))
        sid = r["session"]
        self.assertRegex(sid, "^[0-9a-f]{32}$")
        # Heartbeats carry the session; admind's view comes back.
        n.send(t="state", state="session", session=sid, seconds_used=20, pages_used=0)
        m = n.wait(lambda m: m.get("t") == "session" and m.get("session") == sid and
                   m.get("seconds_left") == 1780, "admind's view of the session")
        self.assertIs(m["active"], True)
        self.assertIsNone(m["end_reason"])
        self.assertTrue(self.code_by_id(good["id"])["in_use"])

        n.send(t="end", session=sid, reason="user", seconds_used=42, pages_used=0)
        s = self.session_where(sid, end_reason="user")
        self.assertEqual(s["seconds_used"], 42)
        self.assertFalse(s["offline"])
        self.assertEqual(self.code_by_id(good["id"])["seconds_left"], 1800 - 42)

    def test_rate_limited_by_admind(self):
        _, kt = self.new_kiosk()
        n = self.online_net(kt)
        # admind's count of tries left (max_failures = 3) reaches the kiosk.
        for left in (2, 1):
            r = n.login(NOT_A_CODE)
            self.assertEqual((r["error"], r["tries_left"]), ("code_unknown", left), r)
        r = n.login(NOT_A_CODE)
        self.assertEqual(r["error"], "rate_limited", r)
        self.assertGreaterEqual(r["retry_after"], 1)

    def test_revoked_kiosk_is_refused(self):
        kid, kt = self.new_kiosk()
        c = self.new_code()
        n = self.online_net(kt)
        self.api("POST", "/api/v1/kiosks/%d/revoke" % kid, token=self.admin)
        r = n.login(c["code"])
        self.assertEqual((r["ok"], r["error"]), (False, "kiosk_refused"), r)
        n.wait_t("online", online=False)

    def test_commands_until_acked(self):
        kid, kt = self.new_kiosk()
        n = self.online_net(kt)
        cmd = self.api("POST", "/api/v1/kiosks/%d/commands" % kid,
                       {"type": "message", "text": "Fermeture à 17 h"}, self.admin, expect=201)
        m = n.wait_t("cmd", id=cmd["id"])
        self.assertEqual((m["type"], m["text"]), ("message", "Fermeture à 17 h"))
        n.wait_t("cmd", id=cmd["id"])  # sent again: not acked yet
        n.send(t="ack", id=cmd["id"])

        def acked():
            con = self.server.db_connect()
            try:
                return con.execute("SELECT acked_at FROM commands WHERE id = ?",
                                   (cmd["id"],)).fetchone()[0]
            finally:
                con.close()
        eventually(self, acked, "admind to record the ack")
        lock = self.api("POST", "/api/v1/kiosks/%d/commands" % kid,
                        {"type": "lock", "text": "Pause"}, self.admin, expect=201)
        self.assertEqual(n.wait_t("cmd", id=lock["id"])["type"], "lock")

    def test_staff_end_reaches_the_kiosk(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        n = self.online_net(kt)
        sid = n.login(c["code"])["session"]
        n.send(t="state", state="session", session=sid, seconds_used=3, pages_used=0)
        n.wait_t("session", session=sid, active=True)
        self.api("POST", "/api/v1/sessions/%s/end" % sid, token=self.admin)
        m = n.wait(lambda m: m.get("t") == "cmd" and m.get("type") == "end_session",
                   "end_session command")
        self.assertEqual(m["session"], sid)
        n.wait_t("session", session=sid, active=False, end_reason="staff")
        n.send(t="ack", id=m["id"])
        n.send(t="end", session=sid, reason="staff", seconds_used=4, pages_used=0)
        self.session_where(sid, end_reason="staff")

    def test_killed_mid_session_reports_restart(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        n = self.online_net(kt)
        sid = n.login(c["code"])["session"]
        n.send(t="state", state="session", session=sid, seconds_used=12, pages_used=0)
        n.wait_t("session", session=sid, active=True)
        n.kill9()
        n.start()
        m = n.wait_t("restarted", session=sid)
        self.assertIsInstance(m["seconds_used"], int)
        n.wait_t("hello")
        self.assertEqual([x["t"] for x in n.messages[:2]], ["restarted", "hello"])
        self.session_where(sid, end_reason="restart")
        # Nothing left over: the same code opens again.
        self.assertIs(n.login(c["code"])["ok"], True)

    def test_helper_restarted_mid_session_carries_it_on(self):
        # The kiosk keeps its session when only the helper dies: started again with that
        # session, the helper must neither end it (restart) nor report it twice.
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=30)
        n = self.online_net(kt)
        sid = n.login(c["code"])["session"]
        n.send(t="state", state="session", session=sid, seconds_used=12, pages_used=0)
        n.wait_t("session", session=sid, active=True)
        n.kill9()
        n.start("--session", sid)
        n.wait_t("hello")
        n.send(t="state", state="session", session=sid, seconds_used=15, pages_used=0)
        m = n.wait(lambda m: m.get("t") == "session" and m.get("session") == sid and
                   m.get("seconds_left") == 1800 - 15, "admind's view after the restart")
        self.assertIs(m["active"], True, m)
        self.assertNotIn("restarted", [x["t"] for x in n.messages])
        n.send(t="end", session=sid, reason="user", seconds_used=20, pages_used=0)
        s = self.session_where(sid, end_reason="user")
        self.assertEqual(s["seconds_used"], 20)
        # The cached code is free again: a later restart finds nothing to end.
        n.stop()
        n.start()
        n.wait_t("hello")
        self.assertNotIn("restarted", [x["t"] for x in n.messages])

    def test_bad_messages_from_the_kiosk_are_dropped(self):
        _, kt = self.new_kiosk()
        n = self.online_net(kt)
        for raw in (b"not json", b"[1,2]", b'{"t": 5}', b'{"no": "t"}', b"{}",
                    b'{"t":"login","code":5}', b'{"t":"state","state":"dancing"}',
                    b'{"t":"end","session":"zz"}', b'{"t":"ack","id":-1}', b'{"t":"what"}',
                    b'{"t":"login","code":"' + b"1" * 70 + b'"}', b"x" * 20000):
            n.sock.send(raw)
        c = self.new_code()
        n.send(t="login", code=c["code"])
        r = n.wait(lambda m: m.get("t") == "login" and m.get("ok"), "a login after bad input")
        self.assertIs(r["offline"], False)
        self.assertTrue(n.alive())
        # The two malformed logins were answered, not ignored.
        self.assertEqual([m["error"] for m in n.messages if m.get("t") == "login" and
                          not m["ok"]], ["code_unknown", "code_unknown"])


class Offline(NetCase):
    """admind stops and comes back on the same database and port."""

    def test_offline_session_delivered_later(self):
        _, kt = self.new_kiosk()
        a, b = self.new_codes(count=2, minutes=30, pages=5)
        n = self.online_net(kt, extra="login = { max_failures = 2; lockout_seconds = 30; };")
        self.wait_cached(n, kt, [a, b])
        port = self.server.port
        self.server.stop()

        t0 = time.time()
        r = n.login(a["code"])
        self.assertIs(r["ok"], True, r)
        self.assertIs(r["offline"], True)
        self.assertEqual((r["seconds_left"], r["pages_left"]), (1800, 5))
        n.wait_t("online", online=False)
        sid = r["session"]
        self.assertRegex(sid, "^[0-9a-f]{32}$")
        r = n.login(a["code"])
        self.assertEqual((r["ok"], r["error"]), (False, "code_in_use"))
        # admind takes no more offline time than passed between the events
        # (issue 16): the session reports the seconds that really passed.
        time.sleep(2)
        used = int(time.time() - t0)
        n.send(t="state", state="session", session=sid, seconds_used=used, pages_used=0)
        n.send(t="end", session=sid, reason="user", seconds_used=used, pages_used=0)
        # The local cache was debited: the same code has less left.
        r = n.login(a["code"])
        self.assertIs(r["ok"], True, r)
        self.assertEqual(r["seconds_left"], 1800 - used)
        sid2 = r["session"]
        n.send(t="end", session=sid2, reason="idle", seconds_used=0, pages_used=0)
        # Offline lock-out after wrong codes (max_failures = 2), the tries left counted
        # by the kiosk's own cache.
        r = n.login(NOT_A_CODE)
        self.assertEqual((r["error"], r["tries_left"]), ("code_unknown", 1), r)
        r = n.login(NOT_A_CODE)
        self.assertEqual(r["error"], "rate_limited", r)
        self.assertEqual(r["retry_after"], 30)

        self.server.start(port=port)
        n.wait_t("online", online=True, timeout=60)
        self.session_where(sid, end_reason="user", seconds_used=used, offline=True)
        self.session_where(sid2, end_reason="idle", seconds_used=0, offline=True)
        usage = self.api("GET", "/api/v1/usage?format=json", token=self.admin)["sessions"]
        mine = {s["id"]: s for s in usage if s["id"] in (sid, sid2)}
        self.assertEqual(mine[sid]["seconds_used"], used, usage)
        self.assertTrue(mine[sid]["offline"])
        self.assertEqual(self.code_by_id(a["id"])["seconds_left"], 1800 - used)

    def test_never_synced_offline_login_is_an_error(self):
        _, kt = self.new_kiosk()
        n = self.net(kt, url="http://127.0.0.1:%d" % free_port())
        n.wait_t("hello", online=False)
        r = n.login("1234 5678")
        self.assertEqual((r["ok"], r["error"]), (False, "error"), r)
        self.assertIn("never synced", n.output())
        self.assertNotIn("12345678", n.output())
        self.assertNotIn("1234 5678", n.output())


# ---------------------------------------------------------------- TLS


def make_cert(d, name):
    cert, key = os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def pin_of(cert):
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"], check=True,
                         stdout=subprocess.PIPE).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                         check=True, stdout=subprocess.PIPE).stdout
    return "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()


def start_tls_admind(cls, extra_conf=ADMIND_CONF):
    """Starts, for test class CLS, an admind on HTTPS with a self-signed certificate
    (cls.cert; cls.other is another one), up when this returns; cls.https(...) talks to it
    and cls.tearDownClass() stops it."""
    cls.srv = Admind()
    d = cls.srv.workdir
    cls.cert, key = make_cert(d, "admind")
    cls.other, _ = make_cert(d, "other")
    cls.srv.bootstrap_admin()
    cls.port = free_port()
    with open(cls.srv.conf, "w") as f:
        f.write('listen = "127.0.0.1:%d";\ndatabase = "%s";\n'
                'tls = { certificate = "%s"; key = "%s"; };\n%s'
                % (cls.port, cls.srv.db, cls.cert, key, extra_conf))
    cls.log = open(os.path.join(d, "stderr"), "wb")
    cls.proc = subprocess.Popen([admind_path(), "-c", cls.srv.conf], stdout=cls.log,
                                stderr=cls.log)
    cls.ctx = ssl.create_default_context(cafile=cls.cert)
    cls.url = "https://127.0.0.1:%d" % cls.port
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            cls.https("GET", "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline or cls.proc.poll() is not None:
                cls.tearDownClass()
                raise
            time.sleep(0.05)


@unittest.skipUnless(shutil.which("openssl"), "openssl is needed to make certificates")
class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_tls_admind(cls)
        _, _, d = cls.https("POST", "/api/v1/kiosks", {"name": "tls-kiosk", "site": ""}, cls.srv.admin_token)
        cls.ktoken = d["token"]

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(10)
        cls.log.close()
        cls.srv.cleanup()

    @classmethod
    def https(cls, method, path, body=None, token=None):
        c = http.client.HTTPSConnection("127.0.0.1", cls.port, context=cls.ctx, timeout=10)
        try:
            hdrs = {"Content-Type": "application/json"}
            if token:
                hdrs["Authorization"] = "Bearer " + token
            c.request(method, path, body=json.dumps(body) if body is not None else None,
                      headers=hdrs)
            r = c.getresponse()
            return r.status, None, json.loads(r.read() or b"null")
        finally:
            c.close()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="escale-net-tls-")
        self.n = None

    def tearDown(self):
        if self.n:
            rc = self.n.stop()
            self.assertIn(rc, (0, None), "escale-kiosk-net exited %r:\n%s" % (rc, self.n.output()))
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, **kw):
        self.n = KioskNet(self.tmp, self.url, self.ktoken, **kw)
        self.n.start()
        self.n.wait_t("hello", online=False)
        return self.n

    def assertNeverOnline(self, n):
        # A login needs admind; its answer comes after the failed attempt.
        r = n.login("1234 5678")
        self.assertEqual((r["ok"], r["error"]), (False, "error"), r)
        self.assertNotIn({"t": "online", "online": True}, n.messages)

    def test_right_ca_is_online(self):
        self.start(ca_file=self.cert).wait_t("online", online=True)

    def test_other_ca_never_connects(self):
        n = self.start(ca_file=self.other)
        self.assertNeverOnline(n)
        self.assertRegex(n.output(), "(?i)certificate|SSL")

    def test_system_cas_refuse_a_self_signed_admind(self):
        self.assertNeverOnline(self.start())

    def test_wrong_pin_is_offline(self):
        n = self.start(ca_file=self.cert, pin=pin_of(self.other))
        self.assertNeverOnline(n)
        self.assertRegex(n.output(), "(?i)pinned|public key")

    def test_right_pin_is_online(self):
        self.start(ca_file=self.cert, pin=pin_of(self.cert)).wait_t("online", online=True)


# ---------------------------------------------------------------- a hostile admind


class FakeAdmind(http.server.ThreadingHTTPServer):
    """Answers each route with what the test put in self.routes[name]: a function of the
    request body returning (status, body bytes); records every request."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeHandler)
        self.routes = {}
        self.log = []
        self.cond = threading.Condition()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        pass  # the helper going away mid-answer is expected here

    def route_of(self, path):
        for name, prefix in (("codes", "/api/v1/kiosk/codes"),
                             ("heartbeat", "/api/v1/kiosk/heartbeat"),
                             ("events", "/api/v1/kiosk/events"),
                             ("login", "/api/v1/kiosk/sessions")):
            if path.startswith(prefix):
                return name
        return None

    def record(self, name, body):
        with self.cond:
            self.log.append((name, body))
            self.cond.notify_all()

    def wait_for(self, pred, what, timeout=DEADLINE):
        with self.cond:
            if not self.cond.wait_for(lambda: pred(self.log), timeout):
                raise AssertionError("fake admind: no %s; got %r" %
                                     (what, [n for n, _ in self.log][-30:]))


class FakeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        name = self.server.route_of(self.path)
        self.server.record(name, body)
        fn = self.server.routes.get(name)
        status, data, extra = 404, b'{"error":"not_found","message":"x"}', {}
        if fn:
            out = fn(body)
            status, data = out[0], out[1]
            extra = out[2] if len(out) > 2 else {}
        try:
            self.send_response(status)
            self.send_header("Content-Type", extra.get("type", "application/json"))
            for k, v in extra.items():
                if k != "type":
                    self.send_header(k, v)
            if callable(data):  # a generator of chunks, length announced
                self.send_header("Content-Length", str(extra.get("length", 0)))
                self.end_headers()
                for chunk in data():
                    self.wfile.write(chunk)
            else:
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = answer
    do_POST = answer


def js(obj):
    return json.dumps(obj).encode()


SALT = "00112233445566778899aabbccddeeff"
GOOD_CODE = "24681357"


def heartbeat_after_events(log, start):
    """A heartbeat came after an events request made since LOG[START]."""
    names = [x for x, _ in log[start:]]
    return "events" in names and "heartbeat" in names[names.index("events"):]


def good_codes(_body):
    v = offline_verifier(GOOD_CODE, SALT, 1, 8192 * 1024)
    return 200, js({"cursor": 7, "full": True, "salt": SALT, "opslimit": 1,
                    "memlimit": 8192 * 1024,
                    "codes": [{"verifier": v, "state": "active", "seconds_left": 600,
                               "pages_left": 2, "valid_until": int(time.time()) + 86400}]})


def good_heartbeat(_body):
    return 200, js({"now": int(time.time()), "heartbeat_seconds": 1, "session": None,
                    "commands": []})


def server_error(_body):
    return 500, b"<html>oops</html>", {"type": "text/html"}


def huge(size):
    def gen():
        yield b'{"cursor": "'
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            yield chunk
        yield b'"}'
    return lambda _b: (200, gen, {"length": size // 65536 * 65536 + 14})


# Answers a broken or hostile admind may give, for every route at once.
BAD = {
    "not json": lambda _b: (200, b"{not json"),
    "empty": lambda _b: (200, b""),
    "array": lambda _b: (201, b"[1, 2, 3]"),
    "deep": lambda _b: (200, b"[" * 200000),
    "duplicate keys": lambda _b: (201, b'{"session": "a", "session": "b"}'),
    "huge numbers": lambda _b: (201, b'{"session": 1e400, "seconds_left": 99999999999999999999999}'),
    "bad utf-8": lambda _b: (201, b'{"session": "\xff\xfe"}'),
    "wrong types": lambda _b: (201, js({"session": 5, "seconds_left": "x", "pages_left": None,
                                        "cursor": -1, "full": "yes", "salt": "zz",
                                        "opslimit": 1e9, "memlimit": [], "codes": {},
                                        "results": 3, "commands": "no",
                                        "heartbeat_seconds": -3})),
    "redirect": lambda _b: (302, b"", {"Location": "http://127.0.0.1:1/"}),
    "html 500": server_error,
    "huge": huge(4 << 20),
    "huge codes": huge(24 << 20),
    "absurd costs": lambda _b: (200, js({"cursor": 1, "full": True, "salt": SALT,
                                         "opslimit": 4000000, "memlimit": 1 << 40,
                                         "codes": []})),
}


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="escale-net-fake-")
        self.fake = FakeAdmind()
        self.url = "http://127.0.0.1:%d" % self.fake.server_address[1]
        self.token = "esk_" + "A" * 43
        self.nets = []

    def tearDown(self):
        for n in self.nets:
            rc = n.stop()
            self.assertIn(rc, (0, None), "escale-kiosk-net exited %r:\n%s" % (rc, n.output()))
        self.fake.shutdown()
        self.fake.server_close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self):
        n = KioskNet(self.tmp, self.url, self.token)
        n.start()
        self.nets.append(n)
        n.wait_t("hello", online=False)
        return n

    def test_bad_answers_never_crash_the_helper(self):
        for name, fn in BAD.items():
            with self.subTest(answer=name):
                self.fake.routes = {r: fn for r in ("login", "heartbeat", "events", "codes")}
                n = self.start()
                r = n.login(GOOD_CODE)
                self.assertEqual((r["ok"], r["error"]), (False, "error"), r)
                self.assertTrue(n.alive(), n.output())
                self.assertNotIn({"t": "online", "online": True}, n.messages)
                self.assertEqual(n.stop(), 0, n.output())

    def test_only_well_formed_commands_reach_the_kiosk(self):
        sess = "ab" * 16
        cmds = [{"id": 1, "type": "message", "text": "Bonjour"},
                {"id": "2", "type": "message", "text": "id is a string"},
                {"id": 3, "type": "format_disk"},
                {"id": 4, "type": "add_time", "session": "zz", "seconds": 60},
                {"id": 5, "type": "message", "text": "x" * 100000},
                {"id": 6, "type": "add_time", "session": sess, "seconds": -5},
                {"id": 7, "type": "message", "text": "bell\u0007"},
                "not an object",
                {"id": 8, "type": "add_time", "session": sess, "seconds": 600},
                {"id": 9, "type": "lock"},
                {"id": 10, "type": "end_session", "session": sess.upper()},
                {"id": 12, "type": "print", "session": sess, "event": "Jam!", "pages": 0,
                 "pages_left": 1},
                {"id": 13, "type": "print", "session": sess, "event": "jam", "pages": -1,
                 "pages_left": 1},
                {"id": 14, "type": "print", "event": "jam", "pages": 0, "pages_left": 1},
                {"id": 15, "type": "print", "session": sess, "event": "x" * 40, "pages": 0,
                 "pages_left": 1},
                {"id": 11, "type": "print", "session": sess, "event": "refused_quota",
                 "pages": 12, "pages_left": 3}]
        self.fake.routes = {
            "heartbeat": lambda _b: (200, js({"now": 1, "heartbeat_seconds": 1,
                                              "session": None, "commands": cmds})),
            "codes": good_codes, "login": server_error}
        n = self.start()
        n.wait_t("online", online=True)
        got = [n.wait_t("cmd")["id"] for _ in range(5)]
        self.assertEqual(got, [1, 8, 9, 10, 11])
        p = n.wait_t("cmd", id=11)
        self.assertEqual((p["type"], p["event"], p["pages"], p["pages_left"], p["session"]),
                         ("print", "refused_quota", 12, 3, sess))
        m = n.wait_t("cmd", id=10)
        self.assertEqual(m["session"], sess)  # lower-cased
        self.assertEqual(n.wait_t("cmd", id=9).get("text"), "")
        self.assertTrue(n.alive())

    def test_outbox_first_then_heartbeats_and_retries(self):
        fails = {"n": 0}

        def events_fail(_b):
            fails["n"] += 1
            return server_error(_b)

        self.fake.routes = {"heartbeat": good_heartbeat, "codes": good_codes,
                            "login": server_error, "events": events_fail}
        n = self.start()
        n.wait_t("online", online=True)
        self.fake.wait_for(lambda log: ("codes", None) in log, "code sync")
        # Wait until the cache is stored: the helper syncs right after the first heartbeat.
        eventually(self, lambda: n.has_verifier(
            offline_verifier(GOOD_CODE, SALT, 1, 8192 * 1024)), "the cache")
        r = n.login(GOOD_CODE)
        self.assertEqual((r["ok"], r["offline"], r["seconds_left"]), (True, True, 600), r)
        sid = r["session"]
        n.send(t="end", session=sid, reason="user", seconds_used=30, pages_used=1)
        self.fake.wait_for(lambda log: [x for x, _ in log].count("events") >= 2,
                           "two delivery attempts")
        with self.fake.cond:
            names = [x for x, _ in self.fake.log]
            second = names.index("events", names.index("events") + 1)
            # While the outbox holds events, no heartbeat is sent.
            self.assertNotIn("heartbeat", names[second:])

        def events_ok(body):
            return 200, js({"results": [{"id": e["id"], "status": "applied"}
                                        for e in body["events"]]})
        with self.fake.cond:
            self.fake.routes["events"] = events_ok
            swapped = len(self.fake.log)
        self.fake.wait_for(lambda log: heartbeat_after_events(log, swapped),
                           "a heartbeat after delivery", timeout=60)
        with self.fake.cond:
            delivered = [b for x, b in self.fake.log if x == "events"][-1]["events"]
        self.assertEqual([(e["type"], e["session"]) for e in delivered],
                         [("session_open", sid), ("session_end", sid)])
        self.assertEqual(delivered[1]["seconds_used"], 30)
        self.assertEqual(len({e["id"] for e in delivered}), 2)
        # Every retry carried the same event ids (admind applies each once).
        with self.fake.cond:
            ids = {e["id"] for x, b in self.fake.log if x == "events" for e in b["events"]}
        self.assertEqual(ids, {e["id"] for e in delivered})
        self.assertTrue(n.alive())

    def test_refused_event_does_not_block_the_others(self):
        def events(body):
            if any(e["type"] == "session_open" for e in body["events"]):
                return 400, js({"error": "bad_request", "message": "event 0: 'at' is old"})
            return 200, js({"results": [{"id": e["id"], "status": "duplicate"}
                                        for e in body["events"]]})
        self.fake.routes = {"heartbeat": good_heartbeat, "codes": good_codes,
                            "login": server_error, "events": events}
        n = self.start()
        eventually(self, lambda: n.has_verifier(
            offline_verifier(GOOD_CODE, SALT, 1, 8192 * 1024)), "the cache")
        sid = n.login(GOOD_CODE)["session"]
        n.send(t="end", session=sid, reason="user", seconds_used=3, pages_used=0)
        self.fake.wait_for(lambda log: any(x == "events" and [e["type"] for e in b["events"]] ==
                                           ["session_end"] for x, b in log),
                           "the end delivered alone")
        eventually(self, lambda: n.outbox_count() == 0, "an empty outbox")
        self.assertIn("dropped", n.output())
        with self.fake.cond:
            now = len(self.fake.log)
        self.fake.wait_for(lambda log: "heartbeat" in [x for x, _ in log[now:]],
                           "heartbeats again")

    def test_bad_token_file_is_a_clear_error(self):
        for bad in ("", "est_" + "A" * 43, "esk_abc\nesk_def", "esk_" + "A" * 200,
                    "esk_a b", "esk_\u00e9"):
            with self.subTest(token=bad):
                n = KioskNet(self.tmp, self.url, "esk_x")
                with open(os.path.join(n.dir, "kiosk.token"), "w") as f:
                    f.write(bad)
                n.start()
                rc = n.proc.wait(10)
                n.proc = None
                n.sock.close()
                self.assertEqual(rc, 1)
                self.assertIn("token", n.output())
                self.assertNotIn("AAAAAAAA", n.output())


if __name__ == "__main__":
    unittest.main(verbosity=2)
