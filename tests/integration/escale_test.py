"""Shared harness for the escale integration tests.

Starts the real escale-admind on a loopback port picked at run time, with a
temporary database and config, and talks to it over HTTP as clients do.
Standard library only. The binaries come from the environment variables
ESCALE_ADMIND and ESCALECTL (meson sets them); without them the build
directory next to the source tree is searched.
"""

import ctypes
import ctypes.util
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.dirname(os.path.dirname(HERE))

START_DEADLINE = 10.0
STOP_DEADLINE = 5.0
REQUEST_TIMEOUT = 15.0


def _find_binary(env_name, names):
    path = os.environ.get(env_name)
    if path:
        return path
    for build in ("build", "builddir", "_build"):
        for sub in ("admin", ""):
            for name in names:
                cand = os.path.join(SRC_ROOT, build, sub, name)
                if os.path.isfile(cand) and os.access(cand, os.X_OK):
                    return cand
    raise unittest.SkipTest(
        "%s not set and %s not found in a build directory" % (env_name, names[0]))


def admind_path():
    return _find_binary("ESCALE_ADMIND", ["escale-admind"])


def escalectl_path():
    return _find_binary("ESCALECTL", ["escalectl"])


def rss_kb(pid):
    """The resident memory of process PID, in KiB (the benchmarks report it)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    """A port free on 127.0.0.1 right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def normalise(code):
    """The forgiving input rule of the API: drop spaces, dashes, dots, underscores."""
    return re.sub(r"[\s\-._]", "", code).upper()


def today_local(offset_days=0):
    return time.strftime("%Y-%m-%d", time.localtime(time.time() + offset_days * 86400))


# ---------------------------------------------------------------- HTTP


def http_request(port, method, path, body=None, token=None, raw=None, headers=None,
                 timeout=REQUEST_TIMEOUT, source=None):
    """One request on a fresh connection (from the local address SOURCE if given).

    body: an object sent as JSON; raw: bytes sent as they are (JSON content
    type unless headers say otherwise). Returns (status, headers, data) where
    headers is a dict with lower-case names and data is the parsed JSON when
    the answer is JSON, else the raw bytes.
    """
    hdrs = {}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    elif raw is not None:
        payload = raw
        hdrs["Content-Type"] = "application/json"
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if headers:
        hdrs.update(headers)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=payload, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        rh = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, rh, decode_body(rh, data)
    finally:
        conn.close()


def decode_body(headers, data):
    ctype = headers.get("content-type", "")
    if "json" in ctype:
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return data
    return data


def raw_exchange(port, head, body_chunks=(), timeout=REQUEST_TIMEOUT):
    """Sends HEAD (bytes) then BODY_CHUNKS from a thread while reading the answer.

    For bodies the server may refuse before reading them all: the server can
    answer and close early, so a failed send is not an error here. Returns
    (status, headers, data) like http_request.
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    send_error = []

    def sender():
        try:
            sock.sendall(head)
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError as e:  # EPIPE / ECONNRESET once the server gave up
            send_error.append(e)

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    try:
        resp = http.client.HTTPResponse(sock, method="POST")
        resp.begin()
        data = resp.read()
        rh = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, rh, decode_body(rh, data)
    finally:
        t.join(timeout)
        try:
            sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- argon2id


_sodium = None


def sodium():
    global _sodium
    if _sodium is None:
        name = ctypes.util.find_library("sodium") or "libsodium.so.23"
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            lib = ctypes.CDLL("libsodium.so.23")
        if lib.sodium_init() < 0:
            raise RuntimeError("sodium_init failed")
        lib.crypto_pwhash.argtypes = [
            ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p, ctypes.c_ulonglong,
            ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_size_t, ctypes.c_int]
        lib.crypto_pwhash.restype = ctypes.c_int
        _sodium = lib
    return _sodium


ARGON2ID13 = 2


def offline_verifier(code, salt_hex, opslimit, memlimit):
    """The verifier of CODE as the offline cache holds it: argon2id13 of the
    normalised code, 32 bytes, with the cache's salt and costs (memlimit in
    bytes), as lower-case hex."""
    lib = sodium()
    pw = normalise(code).encode("ascii")
    salt = bytes.fromhex(salt_hex)
    if len(salt) != 16:
        raise AssertionError("cache salt is %d bytes, crypto_pwhash needs 16" % len(salt))
    out = ctypes.create_string_buffer(32)
    rc = lib.crypto_pwhash(out, 32, pw, len(pw), salt, opslimit, memlimit, ARGON2ID13)
    if rc != 0:
        raise AssertionError("crypto_pwhash failed (opslimit=%r memlimit=%r)" % (opslimit, memlimit))
    return out.raw.hex()


# ---------------------------------------------------------------- the daemon


class Admind:
    """One escale-admind process over a temporary directory."""

    def __init__(self, extra_conf="", workdir=None, listen=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix="escale-it-")
        self.db = os.path.join(self.workdir, "escale.db")
        self.conf = os.path.join(self.workdir, "admind.conf")
        self.extra_conf = extra_conf
        self.listen = listen
        self.port = None
        self.proc = None
        self.stderr_path = os.path.join(self.workdir, "admind.stderr")
        self.admin_token = None
        self._stderr = None

    # config and bootstrap

    def write_config(self, port):
        self.port = port
        listen = self.listen or "127.0.0.1:%d" % port
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write('listen = "%s";\n' % listen)
            f.write('database = "%s";\n' % self.db)
            if self.extra_conf:
                f.write(self.extra_conf.replace("@TMP@", self.workdir))
                f.write("\n")

    def bootstrap_admin(self, name="admin"):
        """escalectl --db DB user add NAME --role admin; the token is the last stdout line."""
        ctl = escalectl_path()
        r = subprocess.run([ctl, "--db", self.db, "user", "add", name, "--role", "admin"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        if r.returncode != 0:
            raise AssertionError("escalectl user add failed (%d): %s" %
                                 (r.returncode, r.stderr.decode(errors="replace")))
        lines = [l.strip() for l in r.stdout.decode().splitlines() if l.strip()]
        if not lines:
            raise AssertionError("escalectl user add printed no token")
        token = lines[-1]
        if not token.startswith("est_"):
            raise AssertionError("escalectl user add: last line %r is not an est_ token" % token)
        self.admin_token = token
        return token

    # process

    def start(self, env=None, attempts=3, port=None):
        """PORT: start again on a known port (a kiosk's config names it)."""
        binary = admind_path()
        last = ""
        for _ in range(attempts):
            self.write_config(port or free_port())
            full_env = dict(os.environ)
            if env:
                full_env.update(env)
            self._stderr = open(self.stderr_path, "ab")
            self.proc = subprocess.Popen([binary, "-c", self.conf], stdin=subprocess.DEVNULL,
                                         stdout=self._stderr, stderr=self._stderr, env=full_env,
                                         cwd=self.workdir)
            ok, last = self._wait_healthy()
            if ok:
                return
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(5)
            self._stderr.close()
            if "in use" not in last.lower():
                break
        raise AssertionError("escale-admind did not become healthy within %.0f s; "
                             "its output:\n%s" % (START_DEADLINE, last))

    def _wait_healthy(self):
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False, "(exited with %d)\n%s" % (self.proc.returncode, self.output())
            try:
                status, _, _ = http_request(self.port, "GET", "/healthz", timeout=2)
                # Another test's admind may hold a port picked at the same
                # time: the admin token tells ours (its database) apart.
                if status == 200 and self.admin_token:
                    status, _, _ = http_request(self.port, "GET", "/api/v1/whoami",
                                                token=self.admin_token, timeout=2)
                    if status != 200:
                        time.sleep(0.05)
                        continue
                if status == 200:
                    return True, ""
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        return False, self.output()

    def output(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")[-8000:]
        except OSError:
            return ""

    def stop(self):
        """SIGTERM; admind must exit 0 within STOP_DEADLINE seconds."""
        if not self.proc:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is not None:
            self._stderr.close()
            raise AssertionError("escale-admind died before teardown with %d:\n%s" %
                                 (proc.returncode, self.output()))
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
            self._stderr.close()
            raise AssertionError("escale-admind did not exit within %.0f s of SIGTERM:\n%s" %
                                 (STOP_DEADLINE, self.output()))
        self._stderr.close()
        if rc != 0:
            raise AssertionError("escale-admind exited %d on SIGTERM (want 0):\n%s" %
                                 (rc, self.output()))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None
        if self._stderr:
            self._stderr.close()

    def cleanup(self):
        self.kill()
        if os.environ.get("ESCALE_KEEP_TMP"):
            sys.stderr.write("kept %s\n" % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # HTTP

    def request(self, method, path, body=None, token=None, raw=None, headers=None,
                timeout=REQUEST_TIMEOUT):
        return http_request(self.port, method, path, body=body, token=token, raw=raw,
                            headers=headers, timeout=timeout)

    # database (read-only)

    def db_connect(self):
        return sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)

    # Columns a request from a kiosk may legitimately touch even when refused
    # (when it was last seen, from where, which version).
    VOLATILE = ("seen", "address", "version", "last_used", "heartbeat")

    def snapshot(self):
        """Every table's rows (minus VOLATILE columns), sorted: equal snapshots
        mean no stored data changed."""
        con = self.db_connect()
        try:
            snap = {}
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            for t in sorted(tables):
                cols = [r[1] for r in con.execute('PRAGMA table_info("%s")' % t)]
                keep = [c for c in cols if not any(v in c.lower() for v in self.VOLATILE)]
                if not keep:
                    continue
                sel = ", ".join('"%s"' % c for c in keep)
                rows = con.execute('SELECT %s FROM "%s"' % (sel, t)).fetchall()
                snap[t] = sorted(repr(r) for r in rows)
            return snap
        finally:
            con.close()

    def tables(self):
        con = self.db_connect()
        try:
            return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()


# ---------------------------------------------------------------- test case base


class AdmindTestCase(unittest.TestCase):
    """One admind per test class. Subclasses set EXTRA_CONF (config lines
    appended after listen/database; @TMP@ is the temporary directory) and ENV."""

    EXTRA_CONF = ('login = { max_failures = 3; lockout_seconds = 1; lockout_max_seconds = 4; };\n'
                  'offline = { opslimit = 1; memlimit_kib = 8192; };\n')
    ENV = None

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Admind(extra_conf=cls.EXTRA_CONF)
        try:
            cls.server.bootstrap_admin()
            cls.server.start(env=cls.ENV)
        except BaseException:
            cls.server.cleanup()
            raise
        cls.admin = cls.server.admin_token
        cls._serial = 0

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()

    # ---- plumbing

    @classmethod
    def helper(cls):
        """An instance for setUpClass to call the helpers below with (runs no test)."""
        return cls("runTest")

    @classmethod
    def unique(cls, prefix):
        cls._serial += 1
        return "%s-%d-%d" % (prefix, os.getpid(), cls._serial)

    def req(self, method, path, body=None, token=None, raw=None, headers=None):
        return self.server.request(method, path, body=body, token=token, raw=raw, headers=headers)

    def api(self, method, path, body=None, token=None, expect=200, raw=None, headers=None):
        """A request that must answer EXPECT; returns the parsed body."""
        status, hdrs, data = self.req(method, path, body=body, token=token, raw=raw,
                                      headers=headers)
        self.assertEqual(status, expect, "%s %s -> %d %r" % (method, path, status, data))
        return data

    def assertError(self, result, status, word, msg=None):
        """RESULT (status, headers, data) is STATUS with {"error": WORD, "message": text}."""
        st, hdrs, data = result
        ctx = "%s: got %d %r" % (msg or "", st, data)
        self.assertEqual(st, status, ctx)
        self.assertIsInstance(data, dict, "error body is not a JSON object: " + ctx)
        self.assertIn("json", hdrs.get("content-type", ""), ctx)
        self.assertEqual(data.get("error"), word, ctx)
        self.assertIsInstance(data.get("message"), str, ctx)
        self.assertTrue(data["message"], ctx)
        return data

    def assertInt(self, v, msg=None):
        self.assertTrue(isinstance(v, int) and not isinstance(v, bool), "%r is not an integer %s" %
                        (v, msg or ""))

    # ---- objects

    def new_user(self, role, name=None):
        name = name or self.unique(role)
        d = self.api("POST", "/api/v1/users", {"name": name, "role": role}, self.admin, expect=201)
        self.assertEqual(d["name"], name)
        self.assertEqual(d["role"], role)
        self.assertTrue(d["token"].startswith("est_"), d)
        return name, d["token"]

    def new_kiosk(self, name=None, site="", token=None):
        """POST /api/v1/kiosks -> (id, kiosk token)."""
        name = name or self.unique("kiosk")
        d = self.api("POST", "/api/v1/kiosks", {"name": name, "site": site}, token or self.admin,
                     expect=201)
        self.assertEqual(d["name"], name)
        self.assertTrue(d["token"].startswith("esk_"), d)
        return d["id"], d["token"]

    def new_codes(self, count=1, minutes=60, pages=10, days=30, token=None, **extra):
        body = {"count": count, "minutes": minutes, "pages": pages, "days": days}
        body.update(extra)
        body = {k: v for k, v in body.items() if v is not None}
        d = self.api("POST", "/api/v1/codes", body, token or self.admin, expect=201)
        self.assertEqual(len(d["codes"]), count, d)
        return d["codes"]

    def new_code(self, **kw):
        return self.new_codes(count=1, **kw)[0]

    def open_session(self, ktoken, code):
        return self.req("POST", "/api/v1/kiosk/sessions", {"code": code}, ktoken)

    def open_ok(self, ktoken, code):
        st, _, d = self.open_session(ktoken, code)
        self.assertEqual(st, 201, "open session with %r -> %d %r" % (code, st, d))
        return d

    def heartbeat(self, ktoken, state="login", session=None, seconds_used=None, ack=None,
                  expect=200, **extra):
        body = {"state": state}
        if session is not None:
            body["session"] = session
        if seconds_used is not None:
            body["seconds_used"] = seconds_used
        if ack is not None:
            body["ack"] = ack
        body.update(extra)
        return self.api("POST", "/api/v1/kiosk/heartbeat", body, ktoken, expect=expect)

    def end_session(self, ktoken, sid, reason="user", seconds_used=None, expect=200):
        body = {"reason": reason}
        if seconds_used is not None:
            body["seconds_used"] = seconds_used
        return self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sid, body, ktoken, expect=expect)

    def codes_list(self, state="all"):
        return self.api("GET", "/api/v1/codes?state=" + state, token=self.admin)["codes"]

    def code_by_id(self, cid):
        for c in self.codes_list():
            if c["id"] == cid:
                return c
        self.fail("code %r not in GET /api/v1/codes?state=all" % cid)

    def sessions_list(self, active=False):
        path = "/api/v1/sessions" + ("?active=1" if active else "")
        return self.api("GET", path, token=self.admin)["sessions"]

    def session_by_id(self, sid):
        for s in self.sessions_list():
            if s["id"] == sid:
                return s
        self.fail("session %r not in GET /api/v1/sessions" % sid)


def main():
    unittest.main(verbosity=2)
