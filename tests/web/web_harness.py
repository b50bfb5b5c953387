"""Browser tests' harness: the real escale-admind serving the staff page (admin/web/), and
Debian's Chromium driven through chromedriver (python3-selenium), headless.

One admind and one Chromium per test class; every test starts from a blank browser (no
cookie, no storage) and signs in through the form as a person does. Waits are on the DOM
(WebDriverWait) or on admind's answers, never fixed sleeps. Screenshots of the views go to
ESCALE_WEB_SHOTS (meson: web-shots/ of the build directory), at 1280 px and at 360 px wide.
docs/web.md is the contract these tests hold the page and the daemon to.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "integration"))
sys.path.insert(0, os.path.join(TESTS, "print"))

import escale_test  # noqa: E402
from escale_test import Admind, AdmindTestCase, escalectl_path  # noqa: E402

try:
    import selenium  # noqa: F401 (only: is it there)
except ImportError:
    # Debian's python3-selenium, for a python3 that is not Debian's own (pyenv, venv).
    sys.path.append("/usr/lib/python3/dist-packages")
try:
    from selenium import webdriver
    from selenium.common.exceptions import (ElementClickInterceptedException,
                                            ElementNotInteractableException,
                                            NoSuchElementException,
                                            StaleElementReferenceException, TimeoutException,
                                            WebDriverException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.print_page_options import PrintOptions
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    webdriver = None

WAIT = 20.0          # a DOM state the page reaches by itself (the desk refreshes every 3 s)
START_WAIT = 60.0    # Chromium starting on a busy two-core machine
WEB_ROOT = os.environ.get("ESCALE_WEB_ROOT") or os.path.join(os.path.dirname(TESTS), "admin",
                                                             "web")
VIEWS = ["desk", "kiosks", "printers", "sites", "services", "usage", "stats", "audit", "users", "account"]
ROLE_VIEWS = {  # docs/web.md, "The page"
    "admin": set(VIEWS),
    "secretariat": {"desk", "kiosks", "account"},
    "maintenance": {"kiosks", "printers", "sites", "services", "usage", "stats", "audit", "account"},
    "mediator": {"accompany", "account"},
}
# The catalogue a new database starts with: the services tickets name.
CATALOGUE = os.path.join(os.path.dirname(TESTS), "config", "services.conf")
FIRST_VIEW = {"admin": "desk", "secretariat": "desk", "maintenance": "kiosks",
              "mediator": "accompany"}
# The browser's language: --lang, Accept-Language, LANGUAGE, LANG.
LOCALES = {"fr": ("fr-FR", "fr-FR,fr", "fr_FR:fr", "fr_FR.UTF-8"),
           "en": ("en-GB", "en-GB,en", "en_GB:en", "en_GB.UTF-8")}
CODE_RE = re.compile(r"^\d{4} \d{4}$")  # the default codes: 8 digits in two groups

# The page asks admind once per fetch; this reads what came back without the page's help.
FETCH_JS = """
const [method, path, body, headers, done] = arguments;
const opts = {method: method, headers: headers || {}, credentials: 'same-origin'};
if (body !== null) { opts.body = body; opts.headers['Content-Type'] = 'application/json'; }
fetch(path, opts).then(async (r) => {
  done({status: r.status, text: await r.text(), ctype: r.headers.get('content-type') || ''});
}).catch((e) => done({status: 0, text: String(e), ctype: ''}));
"""

# window.print() stands in for the print dialog (which headless Chromium has not): it fires
# beforeprint and afterprint as the real one does and notes the body's classes meanwhile.
PRINT_STUB_JS = """
window.__prints = [];
window.print = function () {
  window.dispatchEvent(new Event('beforeprint'));
  window.__prints.push(Array.from(document.body.classList));
  window.dispatchEvent(new Event('afterprint'));
};
"""


def shots_dir():
    d = os.environ.get("ESCALE_WEB_SHOTS") or os.path.join(tempfile.gettempdir(),
                                                           "escale-web-shots")
    os.makedirs(d, exist_ok=True)
    return d


def set_password_local(db, name, password):
    """escalectl --db DB user passwd NAME, the password on stdin (the first admin's)."""
    r = subprocess.run([escalectl_path(), "--db", db, "user", "passwd", name],
                       input=(password + "\n").encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise AssertionError("escalectl --db user passwd %s failed (%d): %s%s" % (
            name, r.returncode, r.stdout.decode(errors="replace"),
            r.stderr.decode(errors="replace")))


def pdf_text(path):
    """The text of a PDF as pdftotext (poppler-utils) reads it; its pages are also drawn
    as PATH-N.png (pdftoppm) to be looked at."""
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        raise unittest.SkipTest("pdftotext missing (scripts/lib.sh installs poppler-utils)")
    subprocess.run(["pdftoppm", "-png", "-r", "72", path, path[:-4]], timeout=60, check=True)
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60, check=True)
    return r.stdout.decode("utf-8")


class Browser:
    """Chromium under chromedriver: headless, a temporary profile, French, downloads allowed
    into DOWNLOADS."""

    def __init__(self, workdir, lang="fr"):
        if webdriver is None:
            raise unittest.SkipTest("python3-selenium missing (scripts/lib.sh installs it)")
        chromium = shutil.which("chromium")
        driver = shutil.which("chromedriver") or (
            "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
        if not chromium or not driver:
            raise unittest.SkipTest("chromium or chromedriver missing (scripts/lib.sh installs "
                                    "chromium and chromium-driver)")
        self.workdir = workdir
        self.downloads = os.path.join(workdir, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        args = ["--headless=new", "--user-data-dir=" + os.path.join(workdir, "profile"),
                "--window-size=1280,900", "--lang=%s" % LOCALES[lang][0], "--no-first-run",
                "--no-default-browser-check", "--disable-dev-shm-usage",
                "--force-device-scale-factor=1", "--hide-scrollbars"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        for a in args:
            opts.add_argument(a)
        opts.add_experimental_option("prefs", {
            "intl.accept_languages": LOCALES[lang][1],
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
        })
        # performance: DevTools' network events, to see the headers the page sends.
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # On Linux Chromium takes its locale (date fields' format...) from the environment,
        # not from --lang.
        env = dict(os.environ, LANGUAGE=LOCALES[lang][2], LANG=LOCALES[lang][3],
                   LC_ALL=LOCALES[lang][3])
        service = Service(driver, log_path=os.path.join(workdir, "chromedriver.log"), env=env)
        self.driver = webdriver.Chrome(service=service, options=opts)
        self.driver.set_script_timeout(30)
        self.driver.set_page_load_timeout(START_WAIT)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": self.downloads, "eventsEnabled": True})

    def quit(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass


class Pulse:
    """A kiosk's heartbeats every second from a thread, as a live kiosk sends them: a kiosk
    silent for kiosks.offline_seconds (30) shows offline, which a slow run (sanitizers, a
    busy machine) could reach between a test's own heartbeats. BODY is what it reports;
    set() changes it as the kiosk's state changes. Commands stay for the test: they are
    sent again until acknowledged, and the pulse acknowledges none."""

    def __init__(self, port, token, **body):
        self.port, self.token, self.body = port, token, body
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def set(self, **body):
        with self.lock:
            self.body = body

    def run(self):
        while not self.done.wait(1.0):
            with self.lock:
                body = dict(self.body)
            try:
                escale_test.http_request(self.port, "POST", "/api/v1/kiosk/heartbeat", body,
                                         token=self.token, timeout=5)
            except OSError:
                pass  # admind away for a moment: the next beat tries again

    def stop(self):
        self.done.set()
        self.thread.join(10)


class WebTestCase(AdmindTestCase):
    """One admind serving admin/web/ and one Chromium per class. The first admin, ADMIN,
    gets PASSWORD with escalectl before admind starts (as a centre sets up its first
    account); other accounts are made through the API with a password."""

    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = "%s"; };\n'
        'desk = { centre = "Espace social des Tilleuls"; };\n'
        'services = { catalogue = "%s"; };\n' % (WEB_ROOT, CATALOGUE))
    LANG = "fr"  # a French desk, as in the centres
    ADMIN = "admin-web"
    PASSWORD = "Guichet été 2026 !"

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(os.path.join(WEB_ROOT, "index.html")):
            raise AssertionError("no index.html in the web root %s (ESCALE_WEB_ROOT)" % WEB_ROOT)
        cls.server = Admind(extra_conf=cls.EXTRA_CONF)
        cls.browser = None
        try:
            cls.server.bootstrap_admin(cls.ADMIN)
            set_password_local(cls.server.db, cls.ADMIN, cls.PASSWORD)
            cls.server.start(env=cls.ENV)
            cls.browser = Browser(cls.server.workdir, cls.LANG)
        except BaseException:
            if cls.browser:
                cls.browser.quit()
            cls.server.cleanup()
            raise
        cls.admin = cls.server.admin_token
        cls.driver = cls.browser.driver
        cls._serial = 0

    @classmethod
    def tearDownClass(cls):
        try:
            cls.browser.quit()
        finally:
            super().tearDownClass()

    def setUp(self):
        # A blank browser: no cookie, no storage of the page's origin, screen media, 1280 px.
        d = self.driver
        d.get("about:blank")
        d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        d.execute_cdp_cmd("Storage.clearDataForOrigin",
                          {"origin": self.url("").rstrip("/"), "storageTypes": "all"})
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        self.console = []
        self.browser_log()
        d.get_log("performance")

    def failed(self):
        """Whether this test has failed so far (tearDown's own outcome starts afresh)."""
        res = self._outcome.result
        return any(t is self for t, _ in getattr(res, "errors", []) + getattr(res, "failures", []))

    def tearDown(self):
        if self.failed():
            name = "FAIL-" + self.id().split(".")[-1]
            try:
                self.shot(name)
                sys.stderr.write("screenshot %s.png; url %s\nbrowser log:\n%s\n" % (
                    name, self.driver.current_url, "\n".join(
                        e["message"] for e in self.browser_log())))
            except WebDriverException as e:
                sys.stderr.write("no screenshot: %s\n" % e)
            sys.stderr.write("admind log (end):\n%s\n" % self.server.output()[-3000:])

    # ---- addresses and waits

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.server.port, path)

    def wait(self, cond, what, timeout=WAIT):
        """Until COND(driver) is true-ish (its value is returned); fails naming WHAT."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1, ignored_exceptions=(
                NoSuchElementException, StaleElementReferenceException)).until(cond)
        except TimeoutException:
            self.fail("after %.0f s, still not: %s (url %s)" % (timeout, what,
                                                                self.driver.current_url))

    def find(self, css, root=None):
        return (root or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css, root=None):
        return (root or self.driver).find_elements(By.CSS_SELECTOR, css)

    def shown(self, css):
        """The element matching CSS when it is displayed, else None."""
        els = self.find_all(css)
        return els[0] if els and els[0].is_displayed() else None

    def wait_shown(self, css, timeout=WAIT):
        return self.wait(lambda d: self.shown(css), css + " displayed", timeout)

    def wait_hidden(self, css, timeout=WAIT):
        self.wait(lambda d: not self.shown(css), css + " not displayed", timeout)

    def text(self, css):
        return self.find(css).text.strip()

    def click(self, css, what=None):
        """Clicks CSS as a person does; the desk's refreshes may replace the element between
        finding and clicking it, so it is found again until the click lands."""
        def attempt(d):
            el = self.find(css)
            if not el.is_displayed() or not el.is_enabled():
                return False
            try:
                el.click()
            except (ElementClickInterceptedException, ElementNotInteractableException):
                return False
            return True
        self.wait(attempt, "clicked " + (what or css))

    def type_into(self, css, value):
        el = self.wait_shown(css)
        el.clear()
        el.send_keys(value)

    def set_value(self, css, value):
        """Sets an input (a date input's text depends on the locale) as its picker does:
        the value, then input and change events."""
        self.driver.execute_script(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('input', {bubbles: true}));"
            "e.dispatchEvent(new Event('change', {bubbles: true}));", css, value)

    # ---- the page

    def open_page(self, fragment=""):
        self.driver.get(self.url("/" + fragment))

    def sign_in(self, name=None, password=None, fragment=""):
        """Through the form; returns once the shell (nav, #whoami) shows."""
        self.open_page(fragment)
        self.submit_login(name or self.ADMIN, password or self.PASSWORD)
        self.wait_shown("nav#nav")
        self.wait(lambda d: (name or self.ADMIN) in self.text("#whoami"),
                  "#whoami naming %s" % (name or self.ADMIN))

    def submit_login(self, name, password):
        self.wait_shown("form#login-form")
        self.type_into("#login-name", name)
        self.type_into("#login-password", password)
        self.click("#login-submit")

    def nav_views(self):
        return {a.get_attribute("data-view") for a in self.find_all("nav#nav a[data-view]")}

    def go(self, view):
        """Through the nav link, as a person does; waits for the view's section."""
        self.click('nav#nav a[data-view="%s"]' % view)
        self.wait(lambda d: d.execute_script("return location.hash") == "#/" + view,
                  "location #/" + view)
        return self.wait_shown("section#view-" + view)

    def next_refreshes(self, n=2):
        """Until the page refreshed N times more (#live's time changes), so that what it
        shows is newer than what admind answered before this call."""
        for i in range(n):
            before = self.text("#live")
            self.wait(lambda d: self.text("#live") != before, "the page refreshed (#live)")

    def visible_sections(self):
        return [s.get_attribute("id") for s in self.find_all("section[id^=view-]")
                if s.is_displayed()]

    def dialog_open(self):
        return self.driver.execute_script(
            "const d = document.getElementById('dlg'); return !!(d && d.open);")

    def confirm_dialog(self):
        self.wait(lambda d: self.dialog_open(), "dialog#dlg open")
        self.click("#dlg-ok")
        self.wait(lambda d: not self.dialog_open(), "dialog#dlg closed")

    def act(self, css, done, what):
        """Clicks CSS for an action the contract does not say whether the page confirms:
        confirms the dialog if it opens, and waits until DONE(driver) is true."""
        self.click(css)
        self.wait(lambda d: self.dialog_open() or done(d), what + " (or its confirmation)")
        if self.dialog_open():
            self.confirm_dialog()
        return self.wait(done, what)

    def fetch(self, method, path, body=None, headers=None):
        """fetch() from the page (its cookie, its origin): {status, text, ctype, json}."""
        r = self.driver.execute_async_script(
            FETCH_JS, method, path, None if body is None else json.dumps(body), headers or {})
        try:
            r["json"] = json.loads(r["text"]) if "json" in r["ctype"] else None
        except ValueError:
            r["json"] = None
        return r

    def csrf(self):
        r = self.fetch("GET", "/api/v1/whoami")
        self.assertEqual(r["status"], 200, r)
        self.assertIn("csrf", r["json"], r)
        return r["json"]["csrf"]

    def cookies(self):
        """Every cookie of the browser, with its flags, as DevTools sees them."""
        try:
            return self.driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
        except WebDriverException:
            return self.driver.execute_cdp_cmd("Storage.getCookies", {})["cookies"]

    def session_cookie(self):
        found = [c for c in self.cookies() if c["name"] == "escale_session"]
        return found[0] if found else None

    def requests_sent(self):
        """(method, path, headers) of the requests the page sent since the last call."""
        out = []
        for e in self.driver.get_log("performance"):
            m = json.loads(e["message"])["message"]
            if m["method"] != "Network.requestWillBeSent":
                continue
            req = m["params"]["request"]
            if req["url"].startswith(self.url("/")):
                headers = {k.lower(): v for k, v in req["headers"].items()}
                out.append((req["method"], req["url"][len(self.url("")):], headers))
        return out

    def browser_log(self):
        """The console entries since the last call (kept in self.console too)."""
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return entries

    def assertCleanConsole(self):
        """No script error and no Content-Security-Policy refusal in the console (the page
        holds to its CSP: no inline script, style attribute or handler)."""
        self.browser_log()
        bad = [e["message"] for e in self.console
               if "Content Security Policy" in e["message"] or "Uncaught" in e["message"]
               or e.get("source") == "javascript"]
        self.assertEqual(bad, [], "console errors")

    def print_pdf(self, name, receipt=False):
        """What Chromium prints of the page, as NAME.pdf in the shots directory: its text.
        On A4 paper through WebDriver's print (driver.print_page); a receipt on the paper
        the page's @page rules ask for, as Chromium's print dialog does (WebDriver's print
        has no such option, DevTools' Page.printToPDF has)."""
        if receipt:
            data = self.driver.execute_cdp_cmd("Page.printToPDF", {
                "preferCSSPageSize": True, "printBackground": True})["data"]
        else:
            po = PrintOptions()
            po.page_width, po.page_height = 21.0, 29.7
            po.background = True
            data = self.driver.print_page(po)
        path = os.path.join(shots_dir(), name + ".pdf")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return pdf_text(path)

    # ---- screenshots

    def shot(self, name, full=True):
        """The whole page (beyond the viewport; FULL false: what the window shows) as
        NAME.png in the shots directory."""
        d = self.driver
        if not full:
            path = os.path.join(shots_dir(), name + ".png")
            d.save_screenshot(path)
            return path
        m = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = m.get("cssContentSize") or m["contentSize"]
        view = m.get("cssLayoutViewport") or m["layoutViewport"]
        width = max(size["width"], view["clientWidth"])
        height = min(max(size["height"], view["clientHeight"]), 8000)
        img = d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = os.path.join(shots_dir(), name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(img["data"]))
        return path

    def narrow(self, width=360, height=780):
        """A window 360 CSS px wide (a phone's width) until wide()."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.wait(lambda d: d.execute_script("return window.innerWidth") == width,
                  "window %d px wide" % width)

    def wide(self):
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.wait(lambda d: d.execute_script("return window.innerWidth") > 1000,
                  "window back to its width")

    def page_width(self):
        return self.driver.execute_script("return document.documentElement.scrollWidth")

    def shot_both(self, name):
        """NAME.png at 1280 px and NAME-360.png at 360 px; returns the page's width at 360
        (wider than 360: the page scrolls sideways on a phone)."""
        self.shot(name)
        self.narrow()
        try:
            self.shot(name + "-360")
            return self.page_width()
        finally:
            self.wide()

    # ---- objects through the API

    def new_staff(self, role, password=None, name=None):
        """An account with a password (POST /api/v1/users "password"): (id, name, token)."""
        name = name or self.unique(role)
        body = {"name": name, "role": role, "password": password or self.PASSWORD}
        d = self.api("POST", "/api/v1/users", body, self.admin, expect=201)
        return d["id"], name, d["token"]

    def pulse(self, token, **body):
        """Heartbeats for the kiosk of TOKEN until the test ends (Pulse)."""
        p = Pulse(self.server.port, token, **body)
        self.addCleanup(p.stop)
        return p

    def desk_info(self):
        return self.api("GET", "/api/v1/desk", token=self.admin)

    def kiosk_row(self, kid):
        for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]:
            if k["id"] == kid:
                return k
        self.fail("kiosk %r not in GET /api/v1/kiosks" % kid)

    def ticket_services(self, ticket):
        """The services a ticket names ("Sites ouverts : A, B" / "Open sites: A, B")."""
        text = self.find(".ticket-services", ticket).text.strip()
        _, _, names = text.partition(":")
        return [n.strip() for n in names.split(",") if n.strip()]

    def audit_actions(self):
        return [(a["action"], a["user"]) for a in
                self.api("GET", "/api/v1/audit?limit=1000", token=self.admin)["audit"]]

    def finished_session(self, ktoken, seconds, reason="user"):
        """A session opened with a new code on the kiosk, used SECONDS, ended: its id."""
        code = self.new_code(minutes=60, pages=10)
        sid = self.open_ok(ktoken, code["code"])["session"]
        self.heartbeat(ktoken, state="session", session=sid, seconds_used=seconds)
        self.end_session(ktoken, sid, reason=reason, seconds_used=seconds)
        self.heartbeat(ktoken, state="login")
        return sid


def main():
    escale_test.main()
