"""The kiosk with the real Chromium (Debian's), its managed policy and its bubblewrap sandbox,
under Xvfb. A local HTTPS server stands in for the services: Chromium maps every host name to
it (--host-resolver-rules) and trusts its key (--ignore-certificate-errors-spki-list), so the
server's log shows which hosts Chromium reached, and a host the policy refuses would show up
there if it were not refused.

What Chromium shows is read from the window titles (a page blocked by policy is titled with
its URL; chrome:// pages that load are titled "Settings", "History"...), the server's log,
the session directory and screenshots (ESCALE_E2E_SHOTS). DevTools are disabled by policy,
so nothing here drives Chromium through them: keys and clicks go through xdotool, and new
URLs reach the running browser the way a second launch does (its process singleton), which
is what an address bar would do.
"""

import http.server
import os
import shutil
import socketserver
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import zlib

from kiosk_e2e import (FORBIDDEN, GUEST, Kiosk, KioskTestCase, Xvfb, as_guest_argv, ensure_guest,
                       guest_copy, lay_out_as_production, need, screenshot, xdotool)

WAIT = 60.0  # Chromium starts in seconds on a busy two-core machine


def xdo_out(display, *args):
    r = subprocess.run(["xdotool"] + list(args), env=dict(os.environ, DISPLAY=display),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20)
    return r.stdout.decode("utf-8", "replace")


def is_chromium(title):
    """A Chromium window's title: "<page> - Chromium" in English, "<page> – Chromium" (en
    dash) in French."""
    return title.endswith((" - Chromium", " \u2013 Chromium"))


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG (escale-shot's)."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = (int.from_bytes(body[0:4], "big"),
                                  int.from_bytes(body[4:8], "big"), body[8], body[9])
            assert depth == 8 and ctype in (2, 6) and body[12] == 0, "unexpected PNG"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


class Services:
    """An HTTPS server on loopback answering for every host: it logs each request's host,
    path and cookie, and the uploads it receives."""

    PAGES = {
        "/": "<title>%(host)s accueil</title><h1>%(host)s</h1>",
        "/cookie": "<title>cookie set</title><p>cookie</p>",
        "/check": "<title>check</title><p>check</p>",
        "/popup": ("<title>popup opener</title><button id=b style='position:fixed;inset:0;"
                   "width:100%%;height:100%%;font-size:40px' onclick=\"window.open("
                   "'/child','child','width=300,height=200,left=0,top=0')\">open</button>"),
        "/child": ("<title>the popup</title><button style='position:fixed;inset:0;"
                   "width:100%%;height:100%%' onclick='window.close()'>close</button>"),
        "/upload": ("<title>upload form</title><form id=f method=post action=/upload "
                    "enctype=multipart/form-data><input id=i name=doc type=file "
                    "style='position:fixed;inset:0;width:100%%;height:100%%;font-size:40px' "
                    "onchange='document.getElementById(\"f\").submit()'></form>"),
        # Every key that reaches the page is appended to its title (modifiers alone aside).
        "/keys": ("<title>keys:</title><p style='font-size:40px'>keys</p><script>"
                  "document.addEventListener('keydown',function(e){if(['Control','Shift',"
                  "'Alt','AltGraph','Meta','OS','CapsLock','NumLock'].indexOf(e.key)<0)"
                  "document.title+=' '+e.key;},true);</script>"),
        "/print": ("<title>print me</title><h1 style='font-size:80px'>Attestation</h1>"),
        # A link over the whole page, and what it leads to, each in a colour of its own (a
        # tab strip or an address bar over them would show in a screenshot).
        "/links": ("<title>links page</title><body style='margin:0;background:#33aa77'>"
                   "<a id=l href=/target style='position:fixed;inset:0;display:block;"
                   "background:#33aa77;font-size:60px'>lien</a>"),
        "/target": ("<title>target page</title><body style='margin:0;background:#aa3377'>"
                    "<h1>target</h1>"),
        "/blank": ("<title>blank links</title><body style='margin:0;background:#33aa77'>"
                   "<a href=/target target=_blank style='position:fixed;left:0;top:0;"
                   "width:50%%;height:100%%;background:#33aa77'>_blank</a><button "
                   "onclick=\"window.open('/target')\" style='position:fixed;right:0;top:0;"
                   "width:50%%;height:100%%;background:#33aa77'>open</button>"),
        # A name field at the top of the page: Enter sends it (POST /typed).
        "/form": ("<title>name form</title><form method=post action=/typed "
                  "accept-charset=utf-8><input id=n name=n autocomplete=off "
                  "style='position:fixed;left:0;top:0;width:100%%;height:120px;"
                  "font-size:40px'></form>"),
        # What the page is told of the resident's language.
        "/lang": ("<title>lang:</title><script>document.title='lang: '+navigator.language+"
                  "' '+navigator.languages.join(',')</script>"),
        "/download": None,
        "/letter": None,
    }

    def __init__(self, workdir):
        self.log = []
        self.accept = []  # (path, Accept-Language) of each request
        self.uploads = []
        self.lock = threading.Lock()
        key = os.path.join(workdir, "srv.key")
        crt = os.path.join(workdir, "srv.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", crt, "-days", "2", "-subj", "/CN=escale-test"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pub = subprocess.run(["openssl", "x509", "-in", crt, "-pubkey", "-noout"], check=True,
                             stdout=subprocess.PIPE).stdout
        der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                             check=True, stdout=subprocess.PIPE).stdout
        self.spki = subprocess.run(["sh", "-c", "openssl dgst -sha256 -binary | base64"],
                                   input=der, check=True,
                                   stdout=subprocess.PIPE).stdout.decode().strip()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def record(self):
                host = (self.headers.get("Host") or "").split(":")[0]
                with owner.lock:
                    owner.log.append((host, self.path, self.headers.get("Cookie")))
                    owner.accept.append((self.path, self.headers.get("Accept-Language")))
                return host

            def do_GET(self):
                host = self.record()
                path = urllib.parse.urlsplit(self.path).path
                if path == "/download":
                    body = b"%PDF-1.4 attestation\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Disposition", "attachment; filename=attest.pdf")
                elif path == "/letter":
                    body = b"PK\x03\x04 a letter to open with the PC's word processor\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/vnd.oasis.opendocument.text")
                    self.send_header("Content-Disposition", "attachment; filename=lettre.odt")
                else:
                    page = owner.PAGES.get(path)
                    if page is None:
                        self.send_error(404)
                        return
                    body = ("<!DOCTYPE html><meta charset=utf-8>" + page % {"host": host}
                            ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Cache-Control", "no-store")
                    if path == "/cookie":
                        self.send_header("Set-Cookie", "escale_test=session1; Max-Age=86400")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self.record()
                n = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(min(n, 1 << 20))
                if self.path in ("/upload", "/typed"):  # not Chromium's update checks
                    with owner.lock:
                        owner.uploads.append(data)
                body = b"<!DOCTYPE html><title>uploaded</title><p>ok</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def hosts(self):
        with self.lock:
            return [h for h, _, _ in self.log]

    def requests(self, host):
        """(path, cookie) of the pages asked of HOST (not their icons)."""
        with self.lock:
            return [(p, c) for h, p, c in self.log if h == host and p != "/favicon.ico"]


def print_server(test):
    """A private cupsd (tests/print) with the escale queue, stopped at TEST's end."""
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))), "print"))
    from private_cupsd import Cupsd
    cups = Cupsd(need("ESCALE_BACKEND"))
    test.addCleanup(cups.stop)
    cups.start()
    cups.add_queue()
    return cups


class ChromiumTestCase(KioskTestCase):
    """One Xvfb, one kiosk and one Chromium per test; services CAF and ANTS. Run as root
    (as CI runs), the browser is separated as in a centre: it runs as escale-guest with
    Chromium's own sandbox inside bubblewrap, on an X server with access control; otherwise
    it runs as the test's user."""

    SERVICES = """services = (
  { name = "CAF"; url = "https://www.caf.fr/"; category = "Famille"; domains = [ "caf.fr" ]; },
  { name = "ANTS"; url = "https://ants.gouv.fr/"; category = "Papiers";
    domains = [ "ants.gouv.fr" ]; }
);
session: { ending_ms = 0; };
"""
    SEPARATED = os.geteuid() == 0
    X_AUTH = SEPARATED
    BROWSER_USER = GUEST if SEPARATED else ""

    def setUp(self):
        if not shutil.which("chromium") or not shutil.which("bwrap"):
            raise unittest.SkipTest("chromium or bwrap missing (apt-get install chromium "
                                    "bubblewrap)")
        self.guest = ensure_guest() if self.SEPARATED else None
        super().setUp()
        self.services = Services(self.workdir)
        self.addCleanup(self.services.stop)
        # The browser user runs its own copy of the wrapper (a clone under /root is not
        # passable to it).
        self.browser = (guest_copy(self.workdir, need("ESCALE_BROWSER")) if self.SEPARATED
                        else need("ESCALE_BROWSER"))
        self.kiosk = self.make_kiosk()
        if self.SEPARATED:
            lay_out_as_production(self.kiosk)

    def chromium_argv(self):
        return ["chromium", "--kiosk", "--no-first-run", "--user-data-dir=%d/profile",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-gpu",
                "--host-resolver-rules=MAP * 127.0.0.1:%d" % self.services.port,
                "--ignore-certificate-errors-spki-list=" + self.services.spki]

    def make_kiosk(self, extra=None, env=None):
        if not hasattr(self, "services"):  # KioskTestCase.setUp: replaced once it exists
            return super().make_kiosk(extra=extra, env=env)
        browser = [self.browser, "--dir", "%d", "--"] + self.chromium_argv() + ["%u"]
        return Kiosk(self.workdir, self.x.display, "http://127.0.0.1:%d" % self.server.port,
                     self.ktoken, extra=self.SERVICES if extra is None else extra,
                     browser=browser, env=env, admin_opts=self.ADMIN_OPTS,
                     browser_user=self.BROWSER_USER, proxy=self.proxy_settings())

    # ---- what is on screen ----

    def windows(self, display=None):
        """(id, title) of every visible window but the kiosk's own."""
        display = display or self.x.display
        out = []
        for w in xdo_out(display, "search", "--onlyvisible", "--name", "").split():
            name = xdo_out(display, "getwindowname", w).strip()
            if name and not name.startswith("escale"):
                out.append((w, name))
        return out

    def titles(self, display=None):
        return [t for _, t in self.windows(display)]

    def wait_title(self, pred, what, timeout=WAIT, display=None):
        deadline = time.monotonic() + timeout
        t = []
        while time.monotonic() < deadline:
            t = self.titles(display)
            if any(pred(x) for x in t):
                return t
            time.sleep(0.2)
        screenshot(display or self.x.display,
                   "chromium-timeout-" + self.id().split(".")[-1])
        self.fail("timed out waiting for %s; windows: %r\n%s" % (what, t, self.kiosk.output()))

    def session_dir(self):
        d = [x for x in os.listdir(self.kiosk.runtime_dir) if x.startswith("session-")]
        self.assertEqual(len(d), 1, d)
        return os.path.join(self.kiosk.runtime_dir, d[0])

    def open_url(self, url):
        """URL in the running Chromium, as typed in an address bar: a second launch hands it
        to the first through the profile's process singleton and exits. It runs as the
        browser's user, as the first."""
        d = self.session_dir()
        env = {k: v for k, v in os.environ.items() if k != "XAUTHORITY"}
        env.update(DISPLAY=self.x.display, HOME=d + "/home", XDG_CONFIG_HOME=d + "/home/.config",
                   TMPDIR=d + "/tmp")
        argv = [self.browser, "--dir", d, "--"] + [
            a.replace("%d", d) for a in self.chromium_argv()] + [url]
        if self.SEPARATED:
            argv = as_guest_argv(self.guest, argv)
        r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=WAIT)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))

    def start_session(self):
        st = self.start_kiosk()
        self.assertEqual(st["separated"], self.SEPARATED, st)
        self.sign_in()
        # The home page: its title is the tiles' heading.
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page")
        if self.SEPARATED:
            self.check_separated()

    def check_separated(self):
        """Every Chromium process runs as the browser user, none without its sandbox."""
        procs = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
                with open("/proc/%s/status" % pid) as f:
                    uid = [l.split()[1] for l in f if l.startswith("Uid:")][0]
            except (OSError, IndexError):
                continue
            if argv and os.path.basename(argv[0]) in (b"chromium", b"chrome") and \
                    any(a.startswith(b"--user-data-dir=" + self.kiosk.runtime_dir.encode())
                        for a in argv):
                procs.append((int(uid), b"--no-sandbox" in argv))
        self.assertTrue(procs, "no Chromium process of the session found")
        self.assertEqual(set(procs), {(self.guest.pw_uid, False)}, procs)

    def focus_browser(self):
        for w, t in self.windows():
            if is_chromium(t):
                xdotool(self.x.display, "mousemove", "640", "500")
                return w
        self.fail("no Chromium window: %r" % self.windows())

    def key(self, *keys):
        self.focus_browser()
        xdotool(self.x.display, "key", "--clearmodifiers", *keys)

    def settle(self, seconds=1.5):
        """Time for a key's effect to show: a round trip to the kiosk, then a pause (what
        is checked is an absence, which no state change announces)."""
        self.kiosk.wait(lambda s: True, "a round trip")
        time.sleep(seconds)


# Titles of browser pages that loaded, in English and in French (the session's language
# is French: LANGUAGE=fr, chromium-l10n): what the policy must prevent.
LOADED_BROWSER_PAGES = ("Settings", "History", "Downloads", "Bookmarks", "Extensions",
                        "New Tab", "Task Manager - ", "DevTools", "Version", "About",
                        "Paramètres", "Historique", "Téléchargements", "Favoris",
                        "Gestionnaire de favoris", "Nouvel onglet", "Gestionnaire de tâches",
                        "Outils de développement", "À propos")


class Policy(ChromiumTestCase):

    def test_home_tiles_allowlist_and_refusals(self):
        self.start_session()
        d = self.session_dir()
        screenshot(self.x.display, "chromium-01-home")
        self.assertNotIn("www.caf.fr", self.services.hosts())  # the home page is local
        # The first tile (CAF), as a resident would choose it: Tab then Enter.
        self.key("Tab")
        self.key("Return")
        self.wait_title(lambda t: t.startswith("www.caf.fr accueil"), "the CAF tile's page")
        self.assertIn(("/", None), self.services.requests("www.caf.fr"))
        screenshot(self.x.display, "chromium-02-service")
        # An allowlisted subdomain loads (a bare domain covers its subdomains).
        self.open_url("https://wwwd.caf.fr/")
        self.wait_title(lambda t: t.startswith("wwwd.caf.fr accueil"), "a caf.fr subdomain")

        # Refused: other hosts (also look-alikes), local files, even in the session
        # directory (only the home page is allowed), and the refusals never reach the server.
        with open(os.path.join(d, "home", "Documents", "leak.html"), "w") as f:
            f.write("<title>LEAK</title>")
        refused = ["https://evil.example/", "https://www.caf.fr.evil.example/",
                   "https://notcaf.fr/", "file:///etc/passwd",
                   "file://%s/home/Documents/leak.html" % d]
        for url in refused:
            self.open_url(url)
            # A refused page is titled with its URL (a tab replaces the last one in --kiosk).
            host = urllib.parse.urlsplit(url).hostname
            want = host if url.startswith("http") else url
            self.wait_title(lambda t, w=want: t.startswith(w), "the refusal of " + url)
            self.assertFalse([t for t in self.titles() if "LEAK" in t or "accueil" in t])
        time.sleep(1)  # the title comes before the page is painted
        screenshot(self.x.display, "chromium-03-refused")
        hosts = self.services.hosts()
        for h in ("evil.example", "www.caf.fr.evil.example", "notcaf.fr"):
            self.assertNotIn(h, hosts)
        self.assertFalse([t for t in self.titles() if "LEAK" in t or t.startswith("root:")])

    def test_browser_pages_source_and_devtools_refused(self):
        """The browser's own pages, view-source: and DevTools by their shortcuts, the
        kiosk's grabs aside (as if they had failed; test_shortcuts_reach_nothing shows the
        grabs): the session's browser, with the policy the kiosk wrote and its wrapper, on
        a second X server where nothing grabs the keys. The policy refuses them."""
        self.start_session()
        d = self.session_dir()
        x2 = Xvfb()
        self.addCleanup(x2.stop)
        env = {k: v for k, v in os.environ.items() if k != "XAUTHORITY"}
        env.update(DISPLAY=x2.display, HOME=d + "/home", LANGUAGE="fr",
                   XDG_CONFIG_HOME=d + "/home/.config", TMPDIR=d + "/tmp")
        argv = [self.browser, "--dir", d, "--"] + [
            a.replace("%d", d).replace("/profile", "/profile2") for a in self.chromium_argv()
        ] + ["https://www.caf.fr/"]
        if self.SEPARATED:
            argv = as_guest_argv(self.guest, argv)
        browser = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)

        def stop():
            os.killpg(browser.pid, 9)
            browser.wait()
        self.addCleanup(stop)
        disp = x2.display

        def keys(*k):
            xdotool(disp, "mousemove", "640", "400")
            xdotool(disp, "key", "--clearmodifiers", *k)
        self.wait_title(lambda t: t.startswith("www.caf.fr accueil"), "the CAF page",
                        display=disp)
        before = len(self.services.requests("www.caf.fr"))
        # view-source: would fetch the page again (it is not cacheable): it does not (with
        # view-source:* blocked, Chromium disables the command).
        keys("ctrl+u")
        time.sleep(3)
        self.assertEqual(len(self.services.requests("www.caf.fr")), before)
        # chrome:// pages are refused: titled with their URL, never "Settings"/"History".
        for k, url in (("ctrl+shift+Delete", "chrome://settings"),
                       ("ctrl+h", "chrome://history"), ("ctrl+j", "chrome://downloads"),
                       ("ctrl+shift+o", "chrome://bookmarks")):
            keys(k)
            self.wait_title(lambda t, u=url: t.startswith(u), "the refusal of " + url,
                            display=disp)
        time.sleep(1)
        screenshot(disp, "chromium-04-chrome-pages-refused")
        # DevTools, by every key (policy: DeveloperToolsAvailability 2).
        for k in ("F12", "ctrl+shift+i", "ctrl+shift+j", "ctrl+shift+c"):
            keys(k)
        time.sleep(3)
        titles = self.titles(disp)
        self.assertTrue(titles, "Chromium's window is gone")
        self.assertFalse([t for t in titles if t.startswith(LOADED_BROWSER_PAGES)], titles)
        self.assertFalse([t for t in titles if "devtools" in t.lower()], titles)

    def test_shortcuts_reach_nothing(self):
        """Every shortcut of docs/lockdown.md, typed into Chromium: none reaches the page (it
        would show in the title) and none does what it does in a browser (a new window, tab
        or dialog, a browser page, the page fetched again, the window closed)."""
        self.start_session()
        self.open_url("https://www.caf.fr/keys")
        self.wait_title(lambda t: t.startswith("keys:"), "the key page")
        before = len(self.services.requests("www.caf.fr"))
        self.focus_browser()
        xdotool(self.x.display, "key", "--clearmodifiers", "--delay", "40", *FORBIDDEN)
        # Ordinary typing still reaches the page, after the shortcuts.
        xdotool(self.x.display, "key", "--clearmodifiers", "z")
        self.wait_title(lambda t: t.startswith("keys:") and " z " in t, "the ordinary key z")
        self.settle(3)
        screenshot(self.x.display, "chromium-04b-shortcuts")
        titles = self.titles()
        self.assertEqual(len(titles), 1, titles)
        self.assertTrue(titles[0].startswith("keys: z ") and is_chromium(titles[0]), titles)
        st = self.kiosk.status()
        self.assertEqual((st["state"], st["windows"]), ("session", 1), st)
        self.assertEqual(len(self.services.requests("www.caf.fr")), before)


class Language(ChromiumTestCase):

    def test_the_browser_speaks_the_sessions_language(self):
        """Arabic chosen on the welcome screen: the home page is written right to left, and
        Chromium tells sites Arabic first (navigator.language, Accept-Language)."""
        self.start_kiosk()
        self.kiosk.click("lang:ar")
        self.kiosk.wait(lambda s: s["language"] == "ar", "Arabic")
        self.sign_in()
        self.assertEqual(self.kiosk.status()["language"], "ar")
        d = self.session_dir()
        with open(os.path.join(d, "home", "index.html"), encoding="utf-8") as f:
            self.assertIn('<html lang="ar" dir="rtl">', f.read())
        self.wait_title(lambda t: t and not t.startswith("escale"), "the home page")
        self.open_url("https://www.caf.fr/lang")
        # Chromium's menus are in Arabic: its window titles wrapped in direction marks.
        def plain(t):
            return t.strip("\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
        titles = self.wait_title(lambda t: plain(t).startswith("lang: "), "the language page")
        title = [plain(t) for t in titles if plain(t).startswith("lang: ")][0]
        self.assertTrue(title.startswith("lang: ar ar,fr,en"), title)
        with self.services.lock:
            heads = [a for p, a in self.services.accept if p == "/lang"]
        self.assertTrue(heads and heads[0].startswith("ar"), heads)
        screenshot(self.x.display, "chromium-lang-ar")
        # The next resident starts in French again: Chromium too.
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] == "login" and s["language"] == "fr",
                        "the welcome screen in French")


class Escape(ChromiumTestCase):
    """No way out of the session's one browser window (issue 12, docs/browser.md): every
    gesture that opens a link elsewhere, on a tile of the home page and on a link of an
    allowlisted page, leaves one Chromium window on screen, showing a page and no browser
    chrome (no tab strip, no address bar, no menu)."""

    GREEN = (0x33, 0xAA, 0x77)
    PURPLE = (0xAA, 0x33, 0x77)

    def fr_layout(self):
        """The French layout, once the kiosk has taken its grabs for it."""
        def taken():
            # The whole log: its tail (output()) may hold only so many of these lines.
            with open(self.kiosk.log, errors="replace") as f:
                return f.read().count("click grabs held")
        before = taken()
        subprocess.run(["setxkbmap", "-display", self.x.display, "fr"], timeout=20, check=True)
        self.kiosk.wait(lambda s: taken() > before, "the grabs for the fr layout")

    def chromium_windows(self):
        return [(w, t) for w, t in self.windows() if is_chromium(t)]

    def top_colours(self, name):
        """The colours of the browser area's top rows (a tab strip and the address bar
        would be there), sampled across the width."""
        bar = self.kiosk.button("end")
        top = bar["y"] + bar["h"]
        _, _, rows = png_pixels(screenshot(self.x.display, name))
        # (right of the pages' own text, at the left)
        return {rows[y][x] for y in (top + 4, top + 20, top + 45) for x in range(300, 1260, 40)}

    def assert_one_window(self, what, colour=None):
        self.settle(2)
        wins = self.chromium_windows()
        st = self.kiosk.status()
        self.assertEqual(len(wins), 1, "%s: %r" % (what, wins))
        self.assertEqual(st["windows"], 1, "%s: %r" % (what, st))
        if colour:
            shot = "chromium-escape-" + "".join(c if c.isalnum() else "-" for c in what)
            self.assertEqual(self.top_colours(shot), {colour}, what)

    def test_modified_clicks_and_enter_on_a_link(self):
        self.start_session()
        self.open_url("https://www.caf.fr/links")
        self.wait_title(lambda t: t.startswith("links page"), "the links page")
        self.assert_one_window("the page", self.GREEN)
        d = self.x.display
        self.fr_layout()
        for mod in ("shift", "ctrl", "ctrl+shift", "alt", "super", "ISO_Level3_Shift",
                    "ctrl+ISO_Level3_Shift"):
            xdotool(d, "mousemove", "640", "500")
            xdotool(d, "keydown", mod, "click", "1", "keyup", mod)
            self.assert_one_window(mod + "+click", self.GREEN)
            # The link has the focus once clicked: Enter with the modifiers.
            xdotool(d, "key", mod + "+Return")
            self.assert_one_window(mod + "+Enter", self.GREEN)
        xdotool(d, "mousemove", "640", "500", "click", "2")
        self.assert_one_window("middle click", self.GREEN)
        # None of them opened the link anywhere (no window, no hidden tab).
        self.assertNotIn("/target", [p for p, _ in self.services.requests("www.caf.fr")])
        # A plain click still follows it, in the same window.
        xdotool(d, "mousemove", "640", "500", "click", "1")
        self.wait_title(lambda t: t.startswith("target page"), "the link followed")
        self.assert_one_window("a plain click", self.PURPLE)

    def tile_centre(self, colour):
        """Where the home page's tile of COLOUR is on screen (its middle), from a
        screenshot: the page allows no script to ask it."""
        _, _, rows = png_pixels(screenshot(self.x.display, "chromium-escape-home"))
        pts = [(x, y) for y in range(0, len(rows), 4) for x in range(0, len(rows[0]), 4)
               if rows[y][x] == colour]
        self.assertTrue(pts, "no tile of colour %r on screen" % (colour,))
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return str((min(xs) + max(xs)) // 2), str((min(ys) + max(ys)) // 2)

    def test_modified_clicks_and_enter_on_a_home_page_tile(self):
        self.start_session()
        d = self.x.display
        self.fr_layout()
        time.sleep(1)  # the title comes before the page is painted
        # The CAF tile: the first category's colour.
        tx, ty = self.tile_centre((0x0B, 0x4F, 0x8A))
        for mod in ("shift", "ctrl", "ctrl+shift", "alt", "ISO_Level3_Shift"):
            xdotool(d, "mousemove", tx, ty)
            xdotool(d, "keydown", mod, "click", "1", "keyup", mod)
            self.assert_one_window("tile " + mod + "+click")
        xdotool(d, "mousemove", tx, ty, "click", "2")
        self.assert_one_window("tile middle click")
        self.key("Tab")  # the first tile (CAF)
        for mod in ("shift", "ctrl", "ctrl+shift", "alt", "ISO_Level3_Shift"):
            xdotool(d, "key", mod + "+Return")
            self.assert_one_window("tile " + mod + "+Enter")
        self.assertNotIn("www.caf.fr", self.services.hosts())
        xdotool(d, "mousemove", tx, ty, "click", "1")
        self.wait_title(lambda t: t.startswith("www.caf.fr accueil"), "the CAF tile's page")
        self.assert_one_window("tile click")

    def test_new_tabs_and_windows_of_the_page_show_no_chrome(self):
        """target=_blank and window.open() without features: the page opens where the
        resident sees no tab strip; a new window asked of Chromium itself (as the menu's New
        window or a link dragged out would) is never shown."""
        self.start_session()
        for x in ("320", "960"):  # the _blank link, then the window.open() button
            self.open_url("https://www.caf.fr/blank")
            self.wait_title(lambda t: t.startswith("blank links"), "the page of _blank links")
            xdotool(self.x.display, "mousemove", x, "500", "click", "1")
            self.wait_title(lambda t: t.startswith("target page"), "the new page")
            self.assert_one_window("a new page from x=" + x, self.PURPLE)
        # Chromium asked for a new window with tabs (the grabs cannot see this one): the
        # window manager never maps it.
        before = self.kiosk.status().get("refused_windows", 0)
        d = self.session_dir()
        env = {k: v for k, v in os.environ.items() if k != "XAUTHORITY"}
        env.update(DISPLAY=self.x.display, HOME=d + "/home", XDG_CONFIG_HOME=d + "/home/.config",
                   TMPDIR=d + "/tmp")
        argv = [self.browser, "--dir", d, "--"] + [
            a.replace("%d", d) for a in self.chromium_argv()] + [
            "--new-window", "https://www.caf.fr/check"]
        if self.SEPARATED:
            argv = as_guest_argv(self.guest, argv)
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=WAIT)
        deadline = time.monotonic() + WAIT
        while (self.kiosk.status().get("refused_windows", 0) == before and
               len(self.chromium_windows()) < 2 and time.monotonic() < deadline):
            time.sleep(0.2)
        self.assert_one_window("a new window")
        self.assertGreater(self.kiosk.status()["refused_windows"], before)
        self.assertIn("never shown, asked to close", self.kiosk.output())


class Opener(ChromiumTestCase):
    """A download opened outside the browser (xdg-open and what it falls back to) starts
    nothing, whatever the PC has installed: stand-ins of the programs a browser starts are
    put on the PC's PATH and record being started. Chromium is made to open the download
    by itself (AutoOpenFileTypes, a test policy beside the kiosk's): what a download's
    "Open" does."""

    OPENERS = ["xdg-open", "x-www-browser", "gio", "kioclient5", "exo-open",
               "system-config-printer", "gnome-control-center"]

    def setUp(self):
        if os.geteuid() != 0:
            raise unittest.SkipTest("puts stand-ins in /usr/local/bin: root only (as CI)")
        super().setUp()
        for name in self.OPENERS:
            path = os.path.join("/usr/local/bin", name)
            if os.path.exists(path):
                continue  # the PC's own: left alone
            with open(path, "w") as f:
                # HOME is the session's: the record lands in the session directory.
                f.write('#!/bin/sh\necho "%s $*" >>"$HOME/../started-programs"\n' % name)
            os.chmod(path, 0o755)
            self.addCleanup(os.unlink, path)
        pol = os.path.join(self.kiosk.runtime_dir, "policy", "chromium")
        os.makedirs(pol, exist_ok=True)
        for d in (os.path.dirname(pol), pol):
            os.chmod(d, 0o755)
        with open(os.path.join(pol, "test-autoopen.json"), "w") as f:
            f.write('{"AutoOpenFileTypes": ["odt"], "AutoOpenAllowedForURLs": ["*"]}')

    def test_a_download_opens_no_program(self):
        self.start_session()
        d = self.session_dir()
        self.open_url("https://www.caf.fr/letter")
        deadline = time.monotonic() + WAIT
        while not os.path.exists(os.path.join(d, "home", "Documents", "lettre.odt")):
            self.assertLess(time.monotonic(), deadline, "the letter was not downloaded")
            time.sleep(0.2)
        self.settle(5)  # the auto-open, had there been a program to run
        self.assertEqual(self.started(), "", "programs started from the sandbox")
        self.assertEqual(len([t for t in self.titles() if is_chromium(t)]), 1, self.titles())


    def started(self):
        record = os.path.join(self.session_dir(), "started-programs")
        if not os.path.exists(record):
            return ""
        with open(record) as f:
            return f.read()

    def test_print_preview_manage_starts_nothing(self):
        """The print preview's "Voir plus" then "Gérer" (manage printers) runs the PC's
        printer settings program where it finds one: none is found in the sandbox."""
        self.start_session()
        self.open_url("https://www.caf.fr/print")
        self.wait_title(lambda t: t.startswith("print me"), "the page to print")
        self.key("ctrl+p")
        self.settle(4)
        screenshot(self.x.display, "chromium-opener-01-preview")
        # "Voir plus" under the destination (Xvfb 1280x800, the bar above).
        xdotool(self.x.display, "mousemove", "1074", "192", "click", "1")
        self.settle(2)
        # The destinations dialog is open: white where the preview was grey.
        _, _, rows = png_pixels(screenshot(self.x.display, "chromium-opener-02-destinations"))
        self.assertEqual(rows[400][640], (255, 255, 255), "the destinations dialog is shown")
        xdotool(self.x.display, "mousemove", "382", "646", "click", "1")  # "Gérer"
        self.settle(5)
        screenshot(self.x.display, "chromium-opener-03-manage")
        self.assertEqual(self.started(), "", "programs started from the sandbox")
        self.assertEqual(len([t for t in self.titles() if is_chromium(t)]), 1, self.titles())


class Session(ChromiumTestCase):

    def geometry(self, w):
        out = xdo_out(self.x.display, "getwindowgeometry", "--shell", w)
        g = dict(l.split("=", 1) for l in out.split() if "=" in l)
        return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])

    def test_popup_stays_under_the_bar_and_upload(self):
        self.start_session()
        bar = self.kiosk.button("end")
        top = bar["y"] + bar["h"]
        self.open_url("https://www.caf.fr/popup")
        self.wait_title(lambda t: t.startswith("popup opener"), "the popup's opener")
        self.click_until(lambda t: t.startswith("the popup"), "the popup")
        self.kiosk.wait(lambda s: s["windows"] >= 2, "the kiosk managing the popup")
        # Asked for 300x200 at 0,0: the window manager puts it under the bar, full size.
        deadline = time.monotonic() + 10
        while True:
            geo = {t: self.geometry(w) for w, t in self.windows() if is_chromium(t)}
            if all(g[1] >= top for g in geo.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        screenshot(self.x.display, "chromium-05-popup")
        self.assertGreaterEqual(len(geo), 2, geo)
        for t, (x, y, w, h) in geo.items():
            self.assertGreaterEqual(y, top, (t, geo))
            self.assertEqual((x, w), (0, 1280), (t, geo))
        # Close the popup (its page's button: Ctrl+W is the kiosk's), back to the opener.
        xdotool(self.x.display, "mousemove", "640", "500", "click", "1")
        self.kiosk.wait(lambda s: s["windows"] == 1, "the popup closed")

        # A resident attaches a scan to a form: the file chooser (AllowFileSelectionDialogs)
        # opens in the session's Documents; the scan saved there in this session is chosen
        # (its bare name typed: the chooser is already in Documents, then Open: Alt+O,
        # "_Ouvrir"), and the form sends it.
        d = self.session_dir()
        scan = os.path.join(d, "home", "Documents", "scan-justificatif.jpg")
        data = b"\xff\xd8\xff\xe0 scan of a payslip " + os.urandom(16).hex().encode()
        with open(scan, "wb") as f:
            f.write(data)
        self.open_url("https://ants.gouv.fr/upload")
        self.wait_title(lambda t: t.startswith("upload form"), "the upload form")
        self.open_chooser()
        screenshot(self.x.display, "chromium-06-file-chooser")
        xdotool(self.x.display, "type", "--delay", "30", os.path.basename(scan))
        time.sleep(0.5)
        xdotool(self.x.display, "key", "alt+o")
        self.wait_title(lambda t: t.startswith("uploaded"), "the form sent")
        with self.services.lock:
            uploads = list(self.services.uploads)
        self.assertEqual(len(uploads), 1, uploads)
        self.assertIn(b'filename="scan-justificatif.jpg"', uploads[0])
        self.assertIn(data, uploads[0])

    def click_until(self, pred, what):
        """A click in the middle of the page until a window whose title PRED accepts shows:
        on a busy machine the page may not be laid out yet when its title does."""
        for attempt in range(3):
            xdotool(self.x.display, "mousemove", "640", "500", "click", "1")
            deadline = time.monotonic() + (10 if attempt < 2 else WAIT)
            while time.monotonic() < deadline:
                if any(pred(t) for t in self.titles()):
                    return
                time.sleep(0.2)
        self.wait_title(pred, what, timeout=1)

    def open_chooser(self):
        """A click on the page's file input (it fills the window): GTK's file chooser."""
        names = ("Open File", "File Upload", "Ouvrir un fichier", "Ouvrir le fichier",
                 "Envoi de fichier")
        self.click_until(lambda t: t in names, "the file chooser")

    def test_print_offers_no_file(self):
        # A print server with the escale queue (no admind: the job stays held there), named
        # in print.server: the preview must list it, and Return must send the job to it.
        cups = print_server(self)
        self.kiosk = self.make_kiosk(extra=self.SERVICES + 'print = { server = "%s"; };\n'
                                     % cups.server)
        if self.SEPARATED:
            lay_out_as_production(self.kiosk)
        self.start_session()
        self.open_url("https://www.caf.fr/print")
        self.wait_title(lambda t: t.startswith("print me"), "the page to print")
        d = self.session_dir()
        before = screenshot(self.x.display, "chromium-07-before-print")
        self.key("ctrl+p")
        self.settle(4)
        after = screenshot(self.x.display, "chromium-08-print-preview")
        # The preview's left part is grey around the page; a refused chrome://print (as with
        # chrome://* blocked and nothing allowed back) would be white there, and so is the
        # page before Ctrl+P.
        def grey_margin(path):
            _, _, rows = png_pixels(path)
            area = [rows[y][x] for y in range(100, 700, 10) for x in range(150, 215, 5)]
            grey = [p for p in area if max(p) - min(p) < 12 and 200 <= p[0] <= 240]
            return len(grey) / len(area)
        self.assertLess(grey_margin(before), 0.2)
        self.assertGreater(grey_margin(after), 0.8, "the print preview did not open")
        # Enter prints to the destination chosen: the escale queue (with "Save as PDF"
        # denied there is none that writes a file: no save dialog, no PDF in the session).
        time.sleep(3)  # the preview asks the print server for the queue's capabilities
        xdotool(self.x.display, "key", "Return")
        deadline = time.monotonic() + WAIT
        while not cups.active_jobs():
            if time.monotonic() > deadline:
                screenshot(self.x.display, "chromium-09-print-no-job")
                self.fail("no job reached the print server: the preview listed no printer")
            time.sleep(0.2)
        self.settle(2)
        screenshot(self.x.display, "chromium-09-print-enter")
        titles = self.titles()
        self.assertFalse([t for t in titles if t.startswith(("Save", "Enregistrer"))], titles)
        pdfs = [os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs
                if f.endswith(".pdf")]
        self.assertEqual(pdfs, [])
        # The GTK dialog (system dialog) reads the session's settings: CUPS only.
        with open(os.path.join(d, "home", ".config", "gtk-3.0", "settings.ini")) as f:
            self.assertIn("gtk-print-backends=cups", f.read())

    def test_nothing_of_a_session_reaches_the_next(self):
        self.start_session()
        d1 = self.session_dir()
        self.open_url("https://www.caf.fr/cookie")
        self.wait_title(lambda t: t.startswith("cookie set"), "the cookie page")
        self.open_url("https://www.caf.fr/download")
        deadline = time.monotonic() + WAIT
        got = []
        while not got and time.monotonic() < deadline:
            got = [os.path.join(r, f) for r, _, fs in os.walk(d1) for f in fs
                   if f == "attest.pdf"]
            time.sleep(0.2)
        # The download landed in the session directory (DownloadDirectory).
        self.assertEqual(got, [os.path.join(d1, "home", "Documents", "attest.pdf")])
        # The cookie is sent back within the session.
        self.open_url("https://www.caf.fr/check")
        self.wait_title(lambda t: t.startswith("check"), "the check page")
        self.assertEqual(self.services.requests("www.caf.fr")[-1],
                         ("/check", "escale_test=session1"))
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait_state("login")
        self.assertFalse(os.path.exists(d1))
        self.assertEqual(sorted(os.listdir(self.kiosk.runtime_dir)), ["kiosk.sock", "policy"])
        self.assertFalse([t for t in self.titles() if is_chromium(t)])

        self.sign_in()
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page")
        d2 = self.session_dir()
        self.assertNotEqual(d1, d2)
        n = len(self.services.requests("www.caf.fr"))
        self.open_url("https://www.caf.fr/check")
        self.wait_title(lambda t: t.startswith("check"), "the check page")
        self.assertEqual(self.services.requests("www.caf.fr")[n:], [("/check", None)])
        # No download, no history of the last session.
        files = [f for _, _, fs in os.walk(d2) for f in fs]
        self.assertNotIn("attest.pdf", files)
        hist = os.path.join(d2, "profile", "Default", "History")
        if os.path.exists(hist):
            copy = os.path.join(self.workdir, "History")
            shutil.copy(hist, copy)
            db = sqlite3.connect(copy)
            urls = [u for (u,) in db.execute("SELECT url FROM urls")]
            db.close()
            self.assertFalse([u for u in urls if "/cookie" in u or "/download" in u], urls)


class Keyboard(ChromiumTestCase):
    """The on-screen keyboard over the real Chromium: it opens by itself on a PC without a
    keyboard ("auto"), the page shrinks above it and grows back, and a name with accents
    typed by clicking its keys reaches the page's form exactly."""

    # The keyboard the resident types, key by key (Maj: the next letter is a capital).
    NAME = "Zoé Ménard-Çelik, cœur@très.fr"
    KEYS = ["Maj", "z", "o", "é", "Espace", "Maj", "m", "é", "n", "a", "r", "d", "-", "Maj",
            "ç", "e", "l", "i", "k", ",", "Espace", "c", "œ", "u", "r", "@", "t", "r", "è", "s",
            ".fr"]

    def setUp(self):
        # No keyboard device: an empty input directory ("auto" shows the keyboard).
        self.inputs = tempfile.mkdtemp(prefix="escale-inputs-")
        self.addCleanup(shutil.rmtree, self.inputs, True)
        os.makedirs(os.path.join(self.inputs, "by-path"))
        super().setUp()

    def make_kiosk(self, extra=None, env=None):
        return super().make_kiosk(extra=extra, env={"ESCALE_KIOSK_INPUT_DIR": self.inputs})

    def geometry(self, w):
        out = xdo_out(self.x.display, "getwindowgeometry", "--shell", w)
        g = dict(l.split("=", 1) for l in out.split() if "=" in l)
        return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])

    def page_geometry(self, pred):
        """The Chromium window's geometry once PRED accepts it."""
        deadline = time.monotonic() + 20
        geo = None
        while time.monotonic() < deadline:
            geo = [self.geometry(w) for w, t in self.windows() if is_chromium(t)]
            if len(geo) == 1 and pred(geo[0]):
                return geo[0]
            time.sleep(0.2)
        self.fail("the page's window is %r\n%s" % (geo, self.kiosk.output()))

    def press(self, label):
        st = self.kiosk.status()
        keys = [k for k in st["keyboard_keys"] if k["label"] == label]
        self.assertEqual(len(keys), 1, (label, st["keyboard_keys"]))
        k = keys[0]
        xdotool(self.x.display, "mousemove", str(k["x"] + k["w"] // 2),
                str(k["y"] + k["h"] // 2), "click", "1")
        # The kiosk has handled the click (a round trip) before the next key.
        self.kiosk.wait(lambda s: True, "a round trip")
        time.sleep(0.15)

    def test_auto_types_a_name_with_accents(self):
        self.start_session()
        st = self.kiosk.wait(lambda s: s["keyboard"], "the keyboard shown at the start")
        bar = self.kiosk.button("end")
        top = bar["y"] + bar["h"]
        tool = self.kiosk.button("keyboard")
        kb_top = min(k["y"] for k in st["keyboard_keys"])
        self.assertGreater(kb_top, top)
        self.assertLessEqual(max(k["y"] + k["h"] for k in st["keyboard_keys"]), 800)
        # Large keys: at least 56 px high.
        self.assertTrue(all(k["h"] >= 56 for k in st["keyboard_keys"]), st["keyboard_keys"])
        # The page ends above the keyboard.
        shown = self.page_geometry(lambda g: g[1] >= top and g[1] + g[3] <= kb_top)
        screenshot(self.x.display, "chromium-keyboard-01-shown")

        # The tool closes it: the page grows back to the bottom of the screen.
        self.kiosk.click("keyboard")
        self.kiosk.wait(lambda s: not s["keyboard"] and not s["keyboard_keys"], "closed")
        full = self.page_geometry(lambda g: g[1] + g[3] == 800)
        self.assertGreater(full[3], shown[3])
        self.assertEqual(self.kiosk.button("keyboard"), tool)
        # And opens it again.
        self.kiosk.click("keyboard")
        self.kiosk.wait(lambda s: s["keyboard"], "the keyboard open again")
        self.page_geometry(lambda g: g == shown)

        # A form: a click into its field, the name typed on the keyboard's keys, Entrée.
        self.open_url("https://www.caf.fr/form")
        self.wait_title(lambda t: t.startswith("name form"), "the form")
        x, y, w, h = shown
        xdotool(self.x.display, "mousemove", str(x + w // 2), str(y + 60), "click", "1")
        time.sleep(0.5)
        for label in self.KEYS:
            self.press(label)
            if label == "Maj":
                self.assertTrue(self.kiosk.status()["keyboard_shift"])
        self.assertFalse(self.kiosk.status()["keyboard_shift"])
        screenshot(self.x.display, "chromium-keyboard-02-typed")
        self.press("Entrée")
        self.wait_title(lambda t: t.startswith("uploaded"), "the form sent")
        with self.services.lock:
            sent = list(self.services.uploads)
        self.assertEqual(len(sent), 1, sent)
        got = urllib.parse.parse_qs(sent[0].decode("ascii"), encoding="utf-8")
        self.assertEqual(got.get("n"), [self.NAME], sent)

        # "Fermer le clavier": closed, the page full height again.
        self.press("Fermer")
        self.kiosk.wait(lambda s: not s["keyboard"], "closed by its key")
        self.page_geometry(lambda g: g[1] + g[3] == 800)


class ScanUpload(ChromiumTestCase):
    """A page scanned at the kiosk (SANE's test backend as the scanner) is sent by a site's
    upload form: Chromium's file chooser opens in the session's Documents, where the scan
    is, readable by the browser's user, and the server receives the PDF's very bytes."""

    def test_scan_then_upload(self):
        if not os.path.exists(need("ESCALE_KIOSK_SCAN")):
            self.skipTest("escale-kiosk-scan not built")
        sane = os.path.join(self.workdir, "sane")
        os.makedirs(sane, exist_ok=True)
        with open(os.path.join(sane, "dll.conf"), "w") as f:
            f.write("test\n")
        self.kiosk = self.make_kiosk(
            extra=self.SERVICES + 'scan: { device = "test:0"; };\n',
            env={"SANE_CONFIG_DIR": sane, "ESCALE_KIOSK_SCAN": need("ESCALE_KIOSK_SCAN")})
        if self.SEPARATED:
            lay_out_as_production(self.kiosk)
        self.start_session()
        self.kiosk.click("scan")
        self.kiosk.wait(lambda s: s["scan"]["state"] == "place", "the scan screen")
        self.kiosk.click("scanflow", "s")
        self.kiosk.wait(lambda s: s["scan"]["state"] == "preview", "the page scanned")
        self.kiosk.click("scanflow", "f")
        st = self.kiosk.wait(lambda s: s["scan"]["state"] == "done", "the document saved")
        self.assertEqual([d["name"] for d in st["documents"]], ["document-1.pdf"])
        self.kiosk.click("scanflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        pdf = os.path.join(self.session_dir(), "home", "Documents", "document-1.pdf")
        with open(pdf, "rb") as f:
            data = f.read()
        if self.SEPARATED:
            self.assertEqual(os.stat(pdf).st_uid, self.guest.pw_uid)

        self.open_url("https://ants.gouv.fr/upload")
        self.wait_title(lambda t: t.startswith("upload form"), "the upload form")
        self.open_chooser()
        screenshot(self.x.display, "chromium-07-scan-in-chooser")
        # The bare name: the chooser is in Documents.
        xdotool(self.x.display, "type", "--delay", "30", "document-1.pdf")
        time.sleep(0.5)
        xdotool(self.x.display, "key", "alt+o")
        self.wait_title(lambda t: t.startswith("uploaded"), "the form sent")
        with self.services.lock:
            uploads = list(self.services.uploads)
        self.assertEqual(len(uploads), 1)
        self.assertIn(b'filename="document-1.pdf"', uploads[0])
        self.assertIn(data, uploads[0])

    def open_chooser(self):
        Session.open_chooser(self)

    def click_until(self, pred, what):
        Session.click_until(self, pred, what)


class ScanTile(ChromiumTestCase):
    """The home page's "Numériser un document" tile opens the kiosk's scan screen (issue 18):
    the tile leads to the session's scan.html, whose opening the kiosk sees (inotify,
    kiosk/hometile.h), and which sends Chromium back to the home page. A web page linking
    to that file opens nothing: Chromium refuses local files to it."""

    BROWN = (0x5C, 0x3C, 0x00)

    def test_tile_opens_the_scan_screen_and_no_site_can(self):
        self.start_session()
        time.sleep(1)  # the title comes before the page is painted
        self.assertEqual(self.kiosk.status()["scan"]["state"], "off")
        tx, ty = Escape.tile_centre(self, self.BROWN)
        xdotool(self.x.display, "mousemove", tx, ty, "click", "1")
        st = self.kiosk.wait(lambda s: s["screen"] == "scan", "the scan screen from the tile")
        self.assertEqual(st["scan"]["state"], "place")
        screenshot(self.x.display, "chromium-08-scan-tile")
        # Behind it, Chromium went back to the home page.
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page again")
        self.kiosk.click("scanflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        # The bar's Retour does not land on the tile's page again (it replaced itself).
        self.kiosk.click("back")
        time.sleep(2)
        self.assertEqual(self.kiosk.status()["scan"]["state"], "off")

        # A site's link to the very file: refused by Chromium, no scan screen.
        url = "file://%s/home/scan.html" % self.session_dir()
        self.services.PAGES = dict(self.services.PAGES, **{
            "/scanlink": "<title>scan link</title><a href='%s' style='display:block;"
                         "height:90vh;background:#33aa77'>scan</a>" % url})
        self.open_url("https://www.caf.fr/scanlink")
        self.wait_title(lambda t: t.startswith("scan link"), "the site's page")
        time.sleep(0.5)
        xdotool(self.x.display, "mousemove", "640", "400", "click", "1")
        time.sleep(2)
        st = self.kiosk.status()
        self.assertEqual((st["screen"], st["scan"]["state"]), ("session", "off"), st["scan"])
        self.assertTrue(any(t.startswith("scan link") for t in self.titles()), self.titles())


if __name__ == "__main__":
    unittest.main(verbosity=2)
