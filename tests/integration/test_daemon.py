"""systemd integration (Type=notify, watchdog) and kiosk liveness."""

import os
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import Admind, AdmindTestCase  # noqa: E402


class Notify(unittest.TestCase):
    """admind tells systemd it is ready, feeds the watchdog, and says it stops."""

    def test_ready_watchdog_stopping(self):
        d = tempfile.mkdtemp(prefix="escale-notify-")
        path = os.path.join(d, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(0.2)
        srv = Admind()
        try:
            srv.bootstrap_admin()
            srv.start(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
            seen = []
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and "WATCHDOG=1" not in seen:
                try:
                    seen += sock.recv(4096).decode().split("\n")
                except socket.timeout:
                    pass
            self.assertIn("READY=1", seen)
            self.assertTrue(any(m.startswith("STATUS=listening on 127.0.0.1:") for m in seen), seen)
            self.assertIn("WATCHDOG=1", seen, "no watchdog ping within 5 s at WATCHDOG_USEC=2s")
            srv.stop()
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and "STOPPING=1" not in seen:
                try:
                    seen += sock.recv(4096).decode().split("\n")
                except socket.timeout:
                    pass
            self.assertIn("STOPPING=1", seen)
        finally:
            sock.close()
            srv.cleanup()
            os.unlink(path)
            os.rmdir(d)


class CodeKey(unittest.TestCase):
    """The code key is created with a new database, and a database never runs
    with a missing or foreign key (every code would silently be unknown)."""

    def test_missing_or_foreign_key_refused(self):
        srv = Admind()
        try:
            srv.bootstrap_admin()
            srv.start()
            key = srv.db + ".key"
            self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
            good = open(key, "rb").read()
            self.assertEqual(len(good), 32)
            srv.stop()
            os.unlink(key)
            with self.assertRaises(AssertionError) as cm:
                srv.start(attempts=1)
            self.assertIn("restore that file", str(cm.exception))
            self.assertFalse(os.path.exists(key), "a new key replaced the lost one")
            with open(key, "wb") as f:
                f.write(os.urandom(32))
            os.chmod(key, 0o600)
            with self.assertRaises(AssertionError) as cm:
                srv.start(attempts=1)
            self.assertIn("is not the code key of", str(cm.exception))
            with open(key, "wb") as f:
                f.write(good)
            srv.start()
            srv.stop()
        finally:
            srv.cleanup()


class Schema(unittest.TestCase):
    """A database from a newer escale is refused, not damaged."""

    def test_newer_schema_refused(self):
        import sqlite3
        srv = Admind()
        try:
            srv.bootstrap_admin()
            srv.start()
            srv.stop()
            db = sqlite3.connect(srv.db)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            self.assertGreaterEqual(version, 1)
            db.execute("PRAGMA user_version = %d" % (version + 1))
            db.commit()
            db.close()
            with self.assertRaises(AssertionError) as cm:
                srv.start(attempts=1)
            self.assertIn("is newer than this escale-admind", str(cm.exception))
            db = sqlite3.connect(srv.db)
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], version + 1)
            db.close()
        finally:
            srv.cleanup()


class ConnectionLimit(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "max_connections_per_ip = 3;\n"

    def held_connection(self):
        """A connection admind has taken and holds (a request left unfinished);
        None if admind closed it (earlier connections not yet released)."""
        c = socket.create_connection(("127.0.0.1", self.server.port))
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        c.settimeout(0.3)
        try:
            if c.recv(1) == b"":
                c.close()
                return None
        except socket.timeout:
            return c
        except OSError:
            c.close()
            return None
        c.close()
        return None

    def test_one_address_cannot_take_every_connection(self):
        """Its connections with unfinished requests do not lock the address
        out: the oldest makes room for a newcomer (issue 16)."""
        held = []
        deadline = time.monotonic() + 10
        try:
            while len(held) < 3:
                self.assertLess(time.monotonic(), deadline, "admind would not hold 3 connections")
                c = self.held_connection()
                if c:
                    held.append(c)
            self.api("GET", "/healthz")
            held[0].settimeout(5)
            self.assertEqual(held[0].recv(1), b"", "the oldest was closed to make room")
            for c in held[1:]:
                c.settimeout(0.2)
                with self.assertRaises(socket.timeout):
                    c.recv(1)
        finally:
            for c in held:
                c.close()


class Liveness(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "kiosks = { offline_seconds = 3; };\n"

    def kiosk(self, kid):
        return [k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
                if k["id"] == kid][0]

    def test_silent_kiosk_shows_offline(self):
        kid, kt = self.new_kiosk()
        self.assertEqual((self.kiosk(kid)["online"], self.kiosk(kid)["state"]), (False, "offline"),
                         "a kiosk never heard from is offline")
        self.api("POST", "/api/v1/kiosk/heartbeat", {"state": "login", "version": "0.1.0"}, kt)
        k = self.kiosk(kid)
        self.assertEqual((k["online"], k["state"], k["version"], k["address"]),
                         (True, "login", "0.1.0", "127.0.0.1"))
        deadline = time.monotonic() + 8
        while self.kiosk(kid)["online"]:
            self.assertLess(time.monotonic(), deadline, "still online after 8 s of silence")
            time.sleep(0.2)
        k = self.kiosk(kid)
        self.assertEqual(k["state"], "offline")
        self.assertIsNotNone(k["last_seen"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
