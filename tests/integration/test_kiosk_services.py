"""escale-kiosk-net and the services list, the proxy and the reports (docs/network.md): the
real helper against a fake admind over loopback HTTP and a fake escale-proxy control socket
(a Unix socket served here), driven over its SOCK_SEQPACKET socket as escale-kiosk drives it.
The list flows from admind to the kiosk and the proxy, survives a restart offline, follows
services_version; the services a session reached go with its end; the proxy's refusals go to
admind when they change. A hostile proxy never stalls or kills the helper."""

import json
import os
import random
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
import unittest

import test_proxy
from test_kiosk_net import (DEADLINE, GOOD_CODE, FakeAdmind, KioskNet, NetCase, eventually,
                            good_codes, js)

CAF = {"id": "caf", "name": "CAF", "url": "https://www.caf.fr/", "category": "Famille",
       "icon": "famille", "domains": ["caf.fr"], "intranet": False}
AMELI = {"id": "ameli", "name": "Ameli", "url": "https://www.ameli.fr/", "category": "Santé",
         "icon": "", "domains": ["ameli.fr"], "intranet": False}
MAIRIE = {"id": "mairie", "name": "Mairie", "url": "https://intra.mairie.local/",
          "category": "", "icon": "no-such-icon", "domains": ["intra.mairie.local"],
          "intranet": True}
SESSION = "0123456789abcdef0123456789abcdef"


class ServicesAdmind(FakeAdmind):
    """The fake admind with the routes of this wave: services and refusals."""

    def route_of(self, path):
        if path.startswith("/api/v1/kiosk/services"):
            return "services"
        if path.startswith("/api/v1/kiosk/refusals"):
            return "refusals"
        return super().route_of(path)

    def named(self, name):
        with self.cond:
            return [b for n, b in self.log if n == name]


class FakeProxy:
    """escale-proxy's control socket: one JSON line each way. self.answers[t] is a function
    of the request giving the answer line (bytes, or None to say nothing); every request is
    recorded."""

    def __init__(self, path):
        self.path = path
        self.requests = []
        self.cond = threading.Condition()
        self.reached = []
        self.refusals = {"t": "refusals", "day": time.strftime("%Y-%m-%d"), "hosts": [],
                         "other": 0}
        self.answers = {
            "services": lambda r: b'{"t":"ok"}\n',
            "session_start": lambda r: b'{"t":"ok"}\n',
            "session_end": lambda r: js({"t": "session_end", "services": self.reached}) + b"\n",
            "refusals": lambda r: js(self.refusals) + b"\n",
            "status": lambda r: b'{"t":"status","listen":"127.0.0.1:3128","services":1,'
                                b'"connections":0}\n',
        }
        self.conns = []
        self.start()

    def start(self):
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.path)
        self.srv.listen(8)
        self.running = True
        threading.Thread(target=self.serve, daemon=True).start()

    def stop(self):
        """The proxy stops: its socket goes, its connections close."""
        self.running = False
        try:
            self.srv.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.srv.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        self.conns = []
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def serve(self):
        while self.running:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self.client, args=(c,), daemon=True).start()

    def client(self, c):
        buf = b""
        while True:
            try:
                data = c.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                req = json.loads(line)
                with self.cond:
                    self.requests.append(req)
                    self.cond.notify_all()
                out = self.answers.get(req.get("t"), lambda r: b'{"t":"error","error":"?"}\n')(req)
                if out is not None:
                    try:
                        c.sendall(out)
                    except OSError:
                        return

    def of(self, t):
        with self.cond:
            return [r for r in self.requests if r.get("t") == t]

    def wait_for(self, t, count=1, timeout=DEADLINE):
        with self.cond:
            if not self.cond.wait_for(lambda: len([r for r in self.requests
                                                   if r.get("t") == t]) >= count, timeout):
                raise AssertionError("fake proxy: no %d x %s; got %r"
                                     % (count, t, [r.get("t") for r in self.requests]))
        return self.of(t)


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="escale-svc-")
        self.admind = ServicesAdmind()
        self.url = "http://127.0.0.1:%d" % self.admind.server_address[1]
        self.token = "esk_" + "A" * 43
        self.version = 3
        self.services = [CAF, AMELI]
        self.hb_extra = {"services_version": 3}
        self.admind.routes = {
            "codes": lambda _b: (200, self.with_version(json.loads(good_codes(None)[1]))),
            "heartbeat": lambda _b: (200, self.with_version(
                {"now": int(time.time()), "heartbeat_seconds": 1, "session": None,
                 "commands": []})),
            "services": lambda _b: (200, js({"version": self.version,
                                             "services": self.services})),
            "events": self.events,
            "login": lambda _b: (201, js({"session": SESSION, "seconds_left": 600,
                                          "pages_left": 2, "valid_until": 0})),
            "refusals": lambda _b: (204, b""),
        }
        self.proxy_path = os.path.join(self.tmp, "control.sock")
        self.proxy = None
        self.nets = []

    def with_version(self, obj):
        obj.update(self.hb_extra)
        return js(obj)

    def events(self, body):
        ids = [e["id"] for e in body["events"]]
        return 200, js({"results": [{"id": i, "status": "applied"} for i in ids]})

    def tearDown(self):
        try:
            for n in self.nets:
                rc = n.stop()
                self.assertIn(rc, (0, None), "escale-kiosk-net exited %r:\n%s" % (rc, n.output()))
        finally:
            if self.proxy:
                self.proxy.stop()
            self.admind.shutdown()
            self.admind.server_close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, url=None, proxy=True):
        if proxy and not self.proxy:
            self.proxy = FakeProxy(self.proxy_path)
        n = KioskNet(self.tmp, url or self.url, self.token,
                     extra='proxy = { control = "%s"; };' % self.proxy_path)
        n.start()
        self.nets.append(n)
        n.wait_t("hello")
        return n

    def restart(self, n, url=None):
        self.assertEqual(n.stop(), 0, n.output())
        if url:
            with open(n.conf) as f:
                conf = f.read().replace(self.url, url)
            with open(n.conf, "w") as f:
                f.write(conf)
        n.start()
        return n


class Services(Case):
    def test_list_reaches_kiosk_and_proxy_and_survives_offline(self):
        n = self.start()
        m = n.wait_t("services", version=3)
        self.assertEqual([s["id"] for s in m["services"]], ["caf", "ameli"])
        self.assertEqual(m["services"][0], CAF)
        pushed = self.proxy.wait_for("services")[-1]
        # The proxy gets only what it takes.
        self.assertEqual(pushed["services"][0], {"id": "caf", "url": "https://www.caf.fr/",
                                                 "domains": ["caf.fr"], "intranet": False})
        # Restarted with admind gone: the cached list, at once.
        dead = "http://127.0.0.1:1"
        n = self.restart(n, url=dead)
        m = n.wait_t("services", version=3)
        self.assertEqual([s["id"] for s in m["services"]], ["caf", "ameli"])
        self.assertIn("from the cache", n.output())

    def test_new_version_is_fetched(self):
        n = self.start()
        n.wait_t("services", version=3)
        fetched = len(self.admind.named("services"))
        # Same version on every heartbeat: no new fetch.
        time.sleep(2.5)
        self.assertEqual(len(self.admind.named("services")), fetched)
        self.services = [CAF, AMELI, MAIRIE]
        self.version = 4
        self.hb_extra = {"services_version": 4}
        m = n.wait_t("services", version=4)
        self.assertEqual([s["id"] for s in m["services"]], ["caf", "ameli", "mairie"])
        self.assertTrue(m["services"][2]["intranet"])
        eventually(self, lambda: any(len(r["services"]) == 3 for r in self.proxy.of("services")),
                   "the new list at the proxy")

    def test_bad_list_keeps_the_last_good_one(self):
        n = self.start()
        n.wait_t("services", version=3)
        self.version = 5
        self.hb_extra = {"services_version": 5}
        self.services = [dict(CAF, url="https://evil.example/")]  # home not in its domains
        eventually(self, lambda: "list is refused" in n.output(), "the refusal logged")
        self.assertFalse([m for m in n.messages + n.pending
                          if m.get("t") == "services" and m.get("version") == 5])
        con = n.cache_db()
        try:
            self.assertEqual(con.execute("SELECT version FROM services").fetchone()[0], 3)
        finally:
            con.close()

    def test_version_0_keeps_kiosk_conf_and_an_empty_list_is_one(self):
        self.version = 0
        self.services = []
        self.hb_extra = {"services_version": 0}
        n = self.start()
        eventually(self, lambda: "no list yet" in n.output(), "version 0 said")
        time.sleep(2)
        self.assertFalse([m for m in n.messages + n.pending if m.get("t") == "services"])
        self.assertEqual(len(self.admind.named("services")), 1)  # no loop of fetches
        # The centre removes every service: an empty list, version 6, is the list.
        self.version = 6
        self.hb_extra = {"services_version": 6}
        m = n.wait_t("services", version=6)
        self.assertEqual(m["services"], [])

    def test_admind_without_the_route_keeps_kiosk_conf(self):
        del self.admind.routes["services"]
        self.hb_extra = {}
        n = self.start()
        eventually(self, lambda: "no services list" in n.output(), "the 404 said")
        n.wait_t("online", online=True)
        time.sleep(1.5)
        self.assertFalse([m for m in n.messages + n.pending if m.get("t") == "services"])
        self.assertEqual(len(self.admind.named("services")), 1)  # asked once only


class Sessions(Case):
    def ended(self):
        """The session_end event admind received, if any."""
        for body in self.admind.named("events"):
            for e in body["events"]:
                if e["type"] == "session_end" and e["session"] == SESSION:
                    return e
        return None

    def test_services_reached_go_with_the_end(self):
        n = self.start()
        n.wait_t("services", version=3)
        n.wait_t("online", online=True)
        r = n.login(GOOD_CODE)
        self.assertTrue(r["ok"], r)
        self.proxy.wait_for("session_start")
        self.proxy.reached = ["caf", "ameli"]
        n.send(t="end", session=SESSION, reason="user", seconds_used=60, pages_used=0)
        self.proxy.wait_for("session_end")

        e = eventually(self, self.ended, "session_end at admind")
        self.assertEqual(e["services"], ["caf", "ameli"])

    def test_helper_restarted_mid_session_keeps_the_proxy_counting(self):
        n = self.start()
        n.wait_t("online", online=True)
        r = n.login(GOOD_CODE)
        self.assertTrue(r["ok"], r)
        self.proxy.wait_for("session_start")
        self.assertEqual(n.stop(), 0, n.output())
        n.start("--session", SESSION)
        n.wait_t("hello")
        self.proxy.reached = ["ameli"]
        n.send(t="end", session=SESSION, reason="user", seconds_used=90, pages_used=0)
        e = eventually(self, self.ended, "session_end at admind")
        self.assertEqual(e["services"], ["ameli"])
        # The session carried on: the proxy's count was not reset.
        self.assertEqual(len(self.proxy.of("session_start")), 1)

    def test_hostile_proxy_never_stalls_the_helper(self):
        self.proxy = FakeProxy(self.proxy_path)
        self.proxy.answers["session_end"] = lambda r: None  # never answers
        self.proxy.answers["session_start"] = lambda r: b"x" * (300 * 1024)  # no newline
        self.proxy.answers["services"] = lambda r: b'{"t":"ok"}\n{"t":"ok"}\n'
        self.proxy.answers["refusals"] = lambda r: js(
            {"t": "refusals", "day": "2026-13-45", "hosts": [], "other": 0}) + b"\n"
        n = self.start()
        n.wait_t("online", online=True)
        r = n.login(GOOD_CODE)
        self.assertTrue(r["ok"], r)
        t0 = time.monotonic()
        n.send(t="end", session=SESSION, reason="user", seconds_used=60, pages_used=0)

        e = eventually(self, self.ended, "session_end at admind")
        self.assertNotIn("services", e)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertTrue(n.alive(), n.output())
        self.assertFalse(self.admind.named("refusals"))

    def test_no_proxy_is_said_once(self):
        n = self.start(proxy=False)
        n.wait_t("online", online=True)
        r = n.login(GOOD_CODE)
        self.assertTrue(r["ok"], r)
        n.send(t="end", session=SESSION, reason="user", seconds_used=5, pages_used=0)
        eventually(self, lambda: any(e["type"] == "session_end" for b in
                                     self.admind.named("events") for e in b["events"]),
                   "session_end at admind")
        self.assertEqual(n.output().count("carrying on without it"), 1, n.output())

    def test_restarted_proxy_is_told_the_list_again(self):
        n = self.start()
        n.wait_t("services", version=3)
        self.proxy.wait_for("services")
        self.proxy.stop()
        before = len(self.proxy.requests)
        self.proxy.start()
        eventually(self, lambda: len([r for r in self.proxy.requests[before:]
                                      if r.get("t") == "services"]) >= 1,
                   "the list told the restarted proxy")


class Refusals(Case):
    def test_refusals_reach_admind_when_they_change(self):
        self.proxy = FakeProxy(self.proxy_path)
        day = self.proxy.refusals["day"]
        self.proxy.refusals["hosts"] = [{"host": "tracker.example.com", "service": "caf",
                                         "count": 3}]
        n = self.start()
        body = eventually(self, lambda: self.admind.named("refusals"), "refusals at admind")[0]
        self.assertEqual(body, {"day": day, "hosts": [{"host": "tracker.example.com",
                                                       "service": "caf", "count": 3}],
                                "other": 0})
        # Unchanged at the next syncs: not sent again.
        polls = len(self.proxy.of("refusals"))
        self.proxy.wait_for("refusals", polls + 1, timeout=15)
        self.assertEqual(len(self.admind.named("refusals")), 1)
        # Changed: sent.
        self.proxy.refusals["hosts"].append({"host": "cdn.example.net", "service": None,
                                             "count": 1})
        self.proxy.refusals["other"] = 2
        last = eventually(self, lambda: len(self.admind.named("refusals")) >= 2 and
                          self.admind.named("refusals")[-1], "the new refusals", timeout=15)
        self.assertEqual(last["other"], 2)
        self.assertEqual(last["hosts"][1], {"host": "cdn.example.net", "service": None,
                                            "count": 1})
        self.assertTrue(n.alive())

    def test_refusals_wait_for_admind(self):
        self.proxy = FakeProxy(self.proxy_path)
        self.proxy.refusals["hosts"] = [{"host": "ads.example", "service": None, "count": 1}]
        self.admind.routes["refusals"] = lambda _b: (503, js({"error": "busy"}))
        self.start()
        eventually(self, lambda: self.admind.named("refusals"), "a refusals post")
        self.admind.routes["refusals"] = lambda _b: (204, b"")
        before = len(self.admind.named("refusals"))
        eventually(self, lambda: len(self.admind.named("refusals")) > before,
                   "the refusals sent again", timeout=15)


def svc(name, host, **extra):
    body = {"name": name, "url": "https://www.%s/" % host, "domains": [host]}
    body.update(extra)
    return body


class WithAdmind(NetCase):
    """The real escale-admind (branch services) with the real helper and a fake proxy."""

    def setUp(self):
        super().setUp()
        self.proxy = FakeProxy(os.path.join(self.tmp, "control.sock"))
        self.addCleanup(self.proxy.stop)

    def start(self, kt, url=None):
        n = self.net(kt, url=url, extra='proxy = { control = "%s"; };' % self.proxy.path)
        n.wait_t("hello")
        return n

    def test_list_sessions_and_refusals_reach_admind(self):
        _, kt = self.new_kiosk()
        self.api("POST", "/api/v1/services", svc("CAF", "caf.fr", id="caf", icon="famille"),
                 self.admin, expect=201)
        n = self.start(kt)
        v = self.api("GET", "/api/v1/services", token=self.admin)["version"]
        m = n.wait_t("services", version=v)
        self.assertIn("caf", [s["id"] for s in m["services"]])
        # A service added at the desk reaches the kiosk with the next heartbeat.
        self.api("POST", "/api/v1/services", svc("Mairie", "mairie.example", id="mairie",
                                                  intranet=True), self.admin, expect=201)
        m = n.wait_t("services", version=v + 1)
        mairie = [s for s in m["services"] if s["id"] == "mairie"]
        self.assertTrue(mairie and mairie[0]["intranet"], m)
        eventually(self, lambda: any("mairie" in [s["id"] for s in r["services"]]
                                     for r in self.proxy.of("services")),
                   "the new list at the proxy")

        # A session that reached caf: admind counts it per service.
        code = self.new_code()["code"]
        r = n.login(code)
        self.assertTrue(r["ok"], r)
        self.proxy.wait_for("session_start")
        self.proxy.reached = ["caf"]
        n.send(t="end", session=r["session"], reason="user", seconds_used=30, pages_used=0)

        def counted():
            per = self.api("GET", "/api/v1/stats", token=self.admin)["per_service"]
            return [p for p in per if p["service"] == "caf" and p["sessions"] == 1]
        eventually(self, counted, "caf counted in per_service")

        # The proxy's refusals reach the Maintenance view's list.
        self.proxy.refusals["hosts"] = [{"host": "tracker.example.com", "service": "caf",
                                         "count": 3}]

        def refused():
            d = self.api("GET", "/api/v1/refusals?day=" + self.proxy.refusals["day"],
                         token=self.admin)
            return [h for h in d["hosts"] if h["host"] == "tracker.example.com"
                    and h["count"] == 3]
        eventually(self, refused, "the refusals at admind")

        # Restarted with admind gone: the cached list, at once.
        self.assertEqual(n.stop(), 0, n.output())
        with open(n.conf) as f:
            conf = f.read().replace("127.0.0.1:%d" % self.server.port, "127.0.0.1:1")
        with open(n.conf, "w") as f:
            f.write(conf)
        n.start()
        m = n.wait_t("services", version=v + 1)
        self.assertIn("mairie", [s["id"] for s in m["services"]])


class RealProxyCase(NetCase):
    """The real escale-admind and escale-proxy, with a fake site on port 443 behind each of
    HOSTS (the proxy's hosts file). No test of its own."""

    HOSTS = ("www.mairie.example",)

    def setUp(self):
        super().setUp()
        test_proxy.proxy_path()  # skips without escale-proxy
        rnd = random.Random(os.getpid() ^ int(time.time()))
        self.addr = "127.%d.%d.%d" % (rnd.randint(1, 254), rnd.randint(1, 254),
                                      rnd.randint(2, 254))
        try:
            site = test_proxy.FakeSite(self.addr, 443, "mairie")
        except PermissionError:
            raise unittest.SkipTest("cannot listen on port 443 (not root)")
        site.start()
        self.addCleanup(site.close)
        hosts = os.path.join(self.tmp, "hosts")
        with open(hosts, "w") as f:
            f.writelines("%s %s\n" % (self.addr, h) for h in self.HOSTS)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        pdir = os.path.join(self.tmp, "proxy")
        os.mkdir(pdir)
        self.proxy = test_proxy.Proxy(pdir, port, hosts)
        self.proxy.start()
        self.addCleanup(self.proxy.stop)

    def connect(self, host):
        """CONNECT HOST:443 through the proxy: its status line."""
        with self.proxy.open() as s:
            s.sendall(("CONNECT %s:443 HTTP/1.1\r\nHost: %s:443\r\n\r\n"
                       % (host, host)).encode())
            s.settimeout(10)
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.split(b"\r\n")[0].decode()


class WithRealProxy(RealProxyCase):
    """The real escale-admind, the real helper and the real escale-proxy (branch proxy):
    the list admind gives opens the proxy to its service, the session that went there is
    counted, the host refused is listed at admind."""

    def test_admind_list_reaches_the_real_proxy(self):
        _, kt = self.new_kiosk()
        # Not in the proxy's kiosk.conf: refused until admind's list comes.
        self.assertIn(" 403 ", self.connect("www.mairie.example"))
        self.api("POST", "/api/v1/services", svc("Mairie", "mairie.example", id="mairie"),
                 self.admin, expect=201)
        n = self.net(kt, extra='proxy = { control = "%s"; };' % self.proxy.control)
        v = self.api("GET", "/api/v1/services", token=self.admin)["version"]
        n.wait_t("services", version=v)
        count = len(self.api("GET", "/api/v1/services", token=self.admin)["services"])
        eventually(self, lambda: self.proxy.ask({"t": "status"})["services"] == count,
                   "admind's list in the proxy")
        r = n.login(self.new_code()["code"])
        self.assertTrue(r["ok"], r)
        self.assertIn(" 200 ", self.connect("www.mairie.example"))
        self.assertIn(" 403 ", self.connect("tracker.example.com"))
        n.send(t="end", session=r["session"], reason="user", seconds_used=30, pages_used=0)

        def counted():
            per = self.api("GET", "/api/v1/stats", token=self.admin)["per_service"]
            return [p for p in per if p["service"] == "mairie" and p["sessions"] == 1]
        eventually(self, counted, "mairie counted in per_service")

        def refused():
            d = self.api("GET", "/api/v1/refusals", token=self.admin)
            return [h for h in d["hosts"] if h["host"] == "tracker.example.com"]
        eventually(self, refused, "the refusal at admind")


if __name__ == "__main__":
    unittest.main(verbosity=2)
