"""The real Chromium through the real escale-proxy, as in a centre: the kiosk with
proxy.enforce, its generated policy (ProxySettings), the browser as escale-guest in its
sandbox, and the rules of escale-kiosk --nft-rules loaded, in a network namespace of its own
(unshare -n: the machine's rules are never touched).

A fake Internet on loopback: HTTPS sites on port 443 of 127.0.0.2 (www.caf.test and
static.caf.test, the service CAF's domain caf.test) and 127.0.0.3 (tracker.evil.test, in no
service); the proxy's hosts_file maps the names there (nothing in DNS). One self-signed
certificate names them all; Chromium accepts it through --ignore-certificate-errors-spki-list
with its key's hash (a test flag; a centre's browser checks real certificates).

A page of www.caf.test loads its own image and one of static.caf.test, then tries an image,
a fetch, a WebSocket and an iframe of tracker.evil.test, and reports what loaded with a
request to its own server. The tracker's server must see nothing at all, the proxy must
count the refusals, and a redirect from the service to the tracker must not reach it either.
Needs root (the namespace, port 443, the browser user); skipped otherwise.
"""

import http.server
import json
import os
import shutil
import socketserver
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import zlib

from kiosk_e2e import EscaleProxy, need, proxy_control, screenshot
import escale_test
import netns
from test_chromium_e2e import WAIT, ChromiumTestCase

SERVICE_HOST = "www.caf.test"
STATIC_HOST = "static.caf.test"
TRACKER_HOST = "tracker.evil.test"
SITES = {"127.0.0.2": (SERVICE_HOST, STATIC_HOST), "127.0.0.3": (TRACKER_HOST,)}


def png_1x1():
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x33\xaa\x77")) + chunk(b"IEND", b""))


# Every probe ends in done(NAME, "ok"|"fail"); once all have, the page reports them to its own
# server and says so in its title.
PROBE_PAGE = """<!DOCTYPE html><meta charset=utf-8><title>probing</title>
<iframe src="https://%(tracker)s/frame" width=200 height=100></iframe>
<script>
var r = {}, want = ["own_img", "static_img", "own_fetch", "img", "fetch", "ws"];
function done(k, v) {
  if (k in r) return;
  r[k] = v;
  if (want.every(function (w) { return w in r; })) {
    fetch("/report?" + new URLSearchParams(r)).then(function () { document.title = "reported"; });
  }
}
function img(k, url) {
  var i = new Image();
  i.onload = function () { done(k, "ok"); };
  i.onerror = function () { done(k, "fail"); };
  i.src = url;
  document.body.appendChild(i);
}
img("own_img", "/pixel.png");
img("static_img", "https://%(static)s/pixel.png");
img("img", "https://%(tracker)s/pixel.png");
fetch("/data").then(function (x) { done("own_fetch", x.ok ? "ok" : "fail"); },
                    function () { done("own_fetch", "fail"); });
fetch("https://%(tracker)s/collect", {mode: "no-cors"}).then(
  function () { done("fetch", "ok"); }, function () { done("fetch", "fail"); });
var ws = new WebSocket("wss://%(tracker)s/socket");
ws.onopen = function () { done("ws", "ok"); };
ws.onerror = function () { done("ws", "fail"); };
</script>
""" % {"tracker": TRACKER_HOST, "static": STATIC_HOST}


class Site:
    """An HTTPS server on ADDR:443 for its names: logs (host, path) of every request."""

    def __init__(self, addr, crt, key):
        self.log = []
        self.lock = threading.Lock()
        owner = self
        pixel = png_1x1()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                host = (self.headers.get("Host") or "").split(":")[0]
                with owner.lock:
                    owner.log.append((host, self.path))
                path = urllib.parse.urlsplit(self.path).path
                if path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "https://%s/landing" % TRACKER_HOST)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                ctype, body = "text/html; charset=utf-8", b""
                if path == "/probe":
                    body = PROBE_PAGE.encode()
                elif path == "/pixel.png":
                    ctype, body = "image/png", pixel
                elif path == "/data":
                    ctype, body = "application/json", b'{"ok":true}'
                else:
                    body = ("<!DOCTYPE html><title>%s %s</title>" % (host, path)).encode()
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.httpd = Server((addr, 443), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def requests(self, host=None):
        with self.lock:
            return [(h, p) for h, p in self.log if host is None or h == host]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ThroughProxy(ChromiumTestCase):
    SERVICES = """services = (
  { name = "CAF"; url = "https://%s/"; category = "Famille"; domains = [ "caf.test" ]; }
);
session: { ending_ms = 0; };
""" % SERVICE_HOST

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root (CI runs as root)")
        self.proxy_port = escale_test.free_port()
        # The sites' certificate first: Chromium's command line names its key.
        self.pki_dir = tempfile.mkdtemp(prefix="escale-pki-")
        self.addCleanup(shutil.rmtree, self.pki_dir, True)
        self.pki()
        super().setUp()
        self.sites = {}
        for addr in SITES:
            self.sites[addr] = Site(addr, self.crt, self.key)
            self.addCleanup(self.sites[addr].stop)
        self.hosts_file = os.path.join(self.workdir, "hosts")
        with open(self.hosts_file, "w") as f:
            for addr, names in SITES.items():
                f.write("%s %s\n" % (addr, " ".join(names)))
        os.chmod(self.kiosk.conf, 0o644)  # escale-proxy reads it too
        self.start_proxy()
        self.load_rules()

    def pki(self):
        self.key = os.path.join(self.pki_dir, "sites.key")
        self.crt = os.path.join(self.pki_dir, "sites.crt")
        names = [n for ns in SITES.values() for n in ns]
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        self.key, "-out", self.crt, "-days", "2", "-subj", "/CN=" + names[0],
                        "-addext", "subjectAltName=" + ",".join("DNS:" + n for n in names)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pub = subprocess.run(["openssl", "x509", "-in", self.crt, "-pubkey", "-noout"],
                             check=True, stdout=subprocess.PIPE).stdout
        der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                             check=True, stdout=subprocess.PIPE).stdout
        self.sites_spki = subprocess.run(["sh", "-c", "openssl dgst -sha256 -binary | base64"],
                                         input=der, check=True,
                                         stdout=subprocess.PIPE).stdout.decode().strip()

    def proxy_settings(self):
        self.control_path = os.path.join(self.workdir, "proxy.sock")
        return ('enforce = true; listen = "127.0.0.1:%d"; control = "%s"; hosts_file = "%s";'
                % (self.proxy_port, self.control_path,
                   os.path.join(self.workdir, "hosts")))

    def chromium_argv(self):
        # No --host-resolver-rules: names go to the proxy, which resolves them itself.
        argv = [a for a in super().chromium_argv() if not a.startswith(
            ("--host-resolver-rules=", "--ignore-certificate-errors-spki-list="))]
        return argv + ["--ignore-certificate-errors-spki-list=" + self.sites_spki]

    def start_proxy(self):
        self.proxy = EscaleProxy(self.kiosk.conf, self.control_path,
                                 os.path.join(self.workdir, "proxy.log"))
        self.addCleanup(self.proxy.stop)

    def proxy_log(self):
        return self.proxy.output()

    def load_rules(self):
        rules = subprocess.run([need("ESCALE_KIOSK"), "-c", self.kiosk.conf, "--nft-rules"],
                               check=True, stdout=subprocess.PIPE, timeout=20).stdout
        subprocess.run(["nft", "-f", "-"], input=rules, check=True, timeout=20)
        self.addCleanup(subprocess.run, ["nft", "delete", "table", "inet", "escale"],
                        timeout=20)

    def wait_request(self, site, host, path, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            got = [p for h, p in site.requests(host) if p.startswith(path)]
            if got:
                return got[0]
            time.sleep(0.1)
        screenshot(self.x.display, "proxy-timeout-" + what)
        self.fail("no %s on %s%s; the sites saw %s\nproxy: %s\n%s" % (
            what, host, path, [s.requests() for s in self.sites.values()], self.proxy_log(),
            self.kiosk.output()))

    def test_only_the_services_sites(self):
        service, tracker = self.sites["127.0.0.2"], self.sites["127.0.0.3"]
        self.kiosk.start()
        self.kiosk.wait(lambda s: s["network"] == "ok" and s["screen"] == "login" and
                        s["online"], "the welcome screen with the network check passed",
                        timeout=WAIT)
        self.sign_in()
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page")
        self.check_separated()
        policy = os.path.join(self.kiosk.runtime_dir, "policy", "chromium", "escale.json")
        with open(policy) as f:
            self.assertEqual(json.load(f)["ProxySettings"], {
                "ProxyMode": "fixed_servers", "ProxyServer": "127.0.0.1:%d" % self.proxy_port,
                "ProxyBypassList": ""})
        proxy_control(self.control_path, {"t": "session_start"})

        self.open_url("https://%s/probe" % SERVICE_HOST)
        report = self.wait_request(service, SERVICE_HOST, "/report?", "report")
        results = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(report).query))
        screenshot(self.x.display, "proxy-probe")
        self.assertEqual(results, {"own_img": "ok", "static_img": "ok", "own_fetch": "ok",
                                   "img": "fail", "fetch": "fail", "ws": "fail"})
        self.assertIn((STATIC_HOST, "/pixel.png"), service.requests())

        # A redirect from the service to the tracker goes nowhere.
        self.open_url("https://%s/redirect" % SERVICE_HOST)
        self.wait_request(service, SERVICE_HOST, "/redirect", "redirect")
        # (the policy's URLBlocklist stops the navigation: the blocked page is titled with
        # the host, and nothing is asked of the proxy for it)
        self.wait_title(lambda t: TRACKER_HOST in t, "the redirect refused")

        # The tracker's server never heard of the browser, iframe included; the proxy says
        # why, and counts the service as reached (its traffic went through the proxy).
        self.assertEqual(tracker.requests(), [])
        refused = proxy_control(self.control_path, {"t": "refusals"})
        self.assertIn(TRACKER_HOST, [h["host"] for h in refused["hosts"]], refused)
        ended = proxy_control(self.control_path, {"t": "session_end"})
        self.assertEqual(ended["services"], ["caf"], ended)
        self.assertIn("refused %s" % TRACKER_HOST, self.proxy_log())


class AccompaniedThroughProxy(ThroughProxy):
    """An accompanied session reaches a site a resident's session cannot (docs/kiosk.md
    "Accompanied sessions"): admind's list has CAF for everyone and a bank (the fake
    Internet's tracker.evil.test) kept for accompanied sessions, which the kiosk's site
    offers them. A resident's Chromium is refused the bank by its policy and the proxy; the
    session a mediator's code opens reaches it; the resident's part comes back after."""

    SITE = "ESC Accompagnement e2e"
    test_only_the_services_sites = None  # ThroughProxy's own test runs there

    def new_kiosk(self, name=None, site=SITE, token=None):
        return super().new_kiosk(name=name, site=site, token=token)

    def end_session(self):
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        return self.kiosk.wait_state("login", timeout=WAIT)

    def test_accompanied_session_reaches_what_a_resident_cannot(self):
        service, bank = self.sites["127.0.0.2"], self.sites["127.0.0.3"]
        self.api("POST", "/api/v1/services",
                 {"id": "caf", "name": "CAF", "url": "https://%s/" % SERVICE_HOST,
                  "domains": ["caf.test"]}, self.admin, expect=201)
        self.api("POST", "/api/v1/services",
                 {"id": "banque", "name": "Banque", "url": "https://%s/" % TRACKER_HOST,
                  "domains": ["evil.test"], "accompanied": True}, self.admin, expect=201)
        self.api("PUT", "/api/v1/sites/%s/settings" % urllib.parse.quote(self.SITE, safe=""),
                 {"accompanied_services": ["banque"]}, self.admin)
        mediator = self.api("POST", "/api/v1/users",
                            {"name": self.unique("mediatrice"), "role": "mediator",
                             "sites": [self.SITE]}, self.admin, expect=201)
        version = self.api("GET", "/api/v1/kiosk/services", token=self.ktoken)["version"]
        self.kiosk.start()
        self.kiosk.wait(lambda s: s["network"] == "ok" and s["screen"] == "login" and
                        s["online"] and s["services_next"] == version,
                        "the welcome screen with admind's list", timeout=WAIT)

        # A resident: CAF, never the bank.
        self.sign_in()
        st = self.kiosk.status()
        self.assertIsNone(st["accompanied_by"], st)
        self.assertEqual(st["services"], ["caf"], st)
        self.open_url("https://%s/pixel.png" % STATIC_HOST)
        self.wait_request(service, STATIC_HOST, "/pixel.png", "the service")
        self.open_url("https://%s/bank" % TRACKER_HOST)
        self.wait_title(lambda t: TRACKER_HOST in t, "the bank refused")
        screenshot(self.x.display, "proxy-accompany-resident")
        self.assertEqual(bank.requests(), [])
        self.end_session()

        # The mediator's session: the bank too, through the same proxy.
        code = self.api("POST", "/api/v1/accompany", None, mediator["token"],
                        expect=201)["code"]
        self.sign_in(code)
        st = self.kiosk.status()
        self.assertEqual(st["accompanied_by"], mediator["name"], st)
        self.assertEqual(st["services"], ["caf", "banque"], st)
        self.open_url("https://%s/bank" % TRACKER_HOST)
        self.wait_request(bank, TRACKER_HOST, "/bank", "the bank")
        self.wait_title(lambda t: t.startswith("%s /bank" % TRACKER_HOST), "the bank's page")
        screenshot(self.x.display, "proxy-accompany-mediator")
        self.end_session()

        # After it, a resident's session is refused the bank again, at the proxy too.
        n = len(bank.requests())
        self.sign_in()
        self.open_url("https://%s/again" % TRACKER_HOST)
        self.wait_title(lambda t: TRACKER_HOST in t and "/again" not in t, "refused again")
        self.assertEqual(len(bank.requests()), n)
        status = proxy_control(self.control_path, {"t": "status"})
        self.assertEqual(status["services"], 1, status)


if __name__ == "__main__":
    netns.enter(("systemd-sysusers", "chromium", "bwrap"))
    unittest.main(verbosity=2)
