"""End-to-end harness: a real Xvfb, the real escale-admind on loopback, escale-kiosk with
its network helper and the stand-in browser. Tests wait on `escale-kiosk --status`, never
on fixed sleeps. Screenshots go to ESCALE_E2E_SHOTS (default: the build's e2e-shots/).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import escale_test  # noqa: E402
from escale_test import AdmindTestCase  # noqa: E402

WAIT = 15.0

# The kiosks and this harness read local time alike (opening hours).
os.environ.setdefault("TZ", "Europe/Paris")
time.tzset()


# Every shortcut of docs/lockdown.md §2 and the ones escale adds (kiosk/keylock.c), as xdotool
# names them.
FORBIDDEN = [
    "ctrl+n", "ctrl+shift+n", "ctrl+o", "ctrl+s", "ctrl+shift+p", "ctrl+h", "ctrl+j",
    "ctrl+shift+Delete", "ctrl+shift+o", "ctrl+shift+b", "ctrl+u", "F12", "ctrl+shift+i",
    "ctrl+shift+j", "ctrl+shift+c", "shift+Escape", "alt+Home", "alt+f", "alt+e", "F6", "F10",
    "F11", "F1", "alt+F4", "alt+Tab", "super", "Super_R", "ctrl+t", "ctrl+shift+t", "ctrl+l",
    "alt+d", "ctrl+k", "ctrl+e", "ctrl+w", "ctrl+shift+w", "ctrl+F4", "ctrl+shift+q",
    "ctrl+shift+m",
]
# Keys alone that may reach the browser while the shortcuts are typed.
MODIFIERS = {"Control_L", "Shift_L", "Alt_L", "Caps_Lock", "Num_Lock"}


def need(env):
    path = os.environ.get(env)
    if not path:
        raise unittest.SkipTest("%s not set (run through meson test)" % env)
    return path


class Xvfb:
    """One Xvfb on a display number it picks itself (-displayfd)."""

    def __init__(self, size="1280x800", authfile=None):
        """With AUTHFILE, the server admits only clients with its cookie (written there,
        for XAUTHORITY) and the hosts of its access list: as a real X session does."""
        if not shutil.which("Xvfb"):
            raise unittest.SkipTest("Xvfb missing")
        auth = []
        if authfile:
            cookie = os.urandom(16).hex()
            os.close(os.open(authfile, os.O_WRONLY | os.O_CREAT, 0o600))
            subprocess.run(["xauth", "-q", "-f", authfile, "add", ":0", ".", cookie],
                           check=True, timeout=10)
            auth = ["-auth", authfile]
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", size + "x24", "-nolisten", "tcp",
             "-noreset", "+extension", "RANDR"] + auth,
            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        data = b""
        deadline = time.monotonic() + WAIT
        while not data.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            data += chunk
        os.close(r)
        if not data.strip():
            self.proc.kill()
            raise AssertionError("Xvfb did not start")
        self.display = ":" + data.decode().strip()
        if authfile:
            subprocess.run(["xauth", "-q", "-f", authfile, "add", self.display, ".", cookie],
                           check=True, timeout=10)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


class Kiosk:
    """escale-kiosk on DISPLAY with a config written for the test."""

    # Quick heartbeats and cache refreshes make the tests fast.
    ADMIN_OPTS = "heartbeat_seconds = 1; sync_seconds = 2;"

    def __init__(self, workdir, display, admin_url, token, extra="", browser=None, env=None,
                 admin_opts=None, browser_user="", proxy=None):
        self.workdir = workdir
        self.wrap = []  # run the kiosk under this command (setpriv: another user)
        self.kiosk_bin = need("ESCALE_KIOSK")
        self.display = display
        self.conf = os.path.join(workdir, "kiosk.conf")
        self.log = os.path.join(workdir, "kiosk.log")
        self.browser_log = os.path.join(workdir, "browser.log")
        self.state_dir = os.path.join(workdir, "state")
        self.runtime_dir = os.path.join(workdir, "run")
        self.env = dict(env or {})
        # The PC has a keyboard (xdotool types as one): keyboard.onscreen = "auto" keeps the
        # on-screen keyboard closed unless a test says there is none.
        if "ESCALE_KIOSK_INPUT_DIR" not in self.env:
            inputs = os.path.join(workdir, "input")
            os.makedirs(os.path.join(inputs, "by-path"), exist_ok=True)
            open(os.path.join(inputs, "by-path", "platform-i8042-serio-0-event-kbd"),
                 "a").close()
            self.env["ESCALE_KIOSK_INPUT_DIR"] = inputs
        token_file = os.path.join(workdir, "kiosk.token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        os.chmod(token_file, 0o600)
        browser = browser or [need("ESCALE_STANDIN"), "--log", self.browser_log, "%u"]
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write('centre_name = "Espace Social Commun des Tilleuls";\n')
            f.write('state_dir = "%s";\nruntime_dir = "%s";\n' % (self.state_dir, self.runtime_dir))
            f.write('admin: { url = "%s"; token_file = "%s"; timeout_ms = 1000; %s };\n' %
                    (admin_url, token_file, admin_opts or self.ADMIN_OPTS))
            # browser.user: "" (unseparated, as in the demo) unless a test separates it.
            f.write("browser: { command = [%s]; user = %s; };\n" %
                    (", ".join(json.dumps(a) for a in browser), json.dumps(browser_user)))
            # proxy.enforce off unless a test checks it: no escale-proxy nor nftables here.
            f.write("proxy: { %s };\n" % (proxy if proxy is not None else "enforce = false;"))
            f.write(extra)
        self.proc = None

    def start(self):
        env = dict(os.environ)
        env.update({"DISPLAY": self.display, "ESCALE_KIOSK_NET": need("ESCALE_KIOSK_NET"),
                    "TZ": env.get("TZ", "Europe/Paris")})
        env.update(self.env)
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen(self.wrap + [self.kiosk_bin, "-c", self.conf, "-d"],
                                     stdin=subprocess.DEVNULL, stdout=self.logf,
                                     stderr=self.logf, env=env)
        return self

    def output(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode("utf-8", "replace")[-6000:]
        except OSError:
            return ""

    def status(self):
        r = subprocess.run([need("ESCALE_KIOSK"), "-c", self.conf, "--status"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
        if r.returncode != 0:
            self.last_status_error = r.stderr.decode(errors="replace")
            return None
        return json.loads(r.stdout)

    def wait(self, pred, what, timeout=WAIT):
        """Polls --status until PRED(status) holds; the last status in the failure."""
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise AssertionError("escale-kiosk exited with %d while waiting for %s:\n%s" %
                                     (self.proc.returncode, what, self.output()))
            st = self.status()
            if st is not None and pred(st):
                return st
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s; last status %s\n%s" %
                             (what, json.dumps(st), self.output()))

    def wait_state(self, state, timeout=WAIT, **more):
        def ok(s):
            return s["state"] == state and all(s.get(k) == v for k, v in more.items())
        return self.wait(ok, "state %s %r" % (state, more), timeout)

    def button(self, action, key=""):
        st = self.status()
        if st is None:
            raise AssertionError("--status failed: %s\n%s" % (self.last_status_error,
                                                             self.output()))
        for b in st["buttons"]:
            if b["action"] == action and (not key or b["key"] == key):
                return b
        raise AssertionError("no %s %s button on screen: %s" % (action, key, st["buttons"]))

    def click(self, action, key=""):
        b = self.button(action, key)
        x, y = b["x"] + b["w"] // 2, b["y"] + b["h"] // 2
        xdotool(self.display, "mousemove", str(x), str(y), "click", "1")

    def type(self, text):
        xdotool(self.display, "type", "--delay", "20", text)

    def key(self, *keys):
        xdotool(self.display, "key", *keys)

    def stop(self, sig=signal.SIGTERM):
        if not self.proc:
            return None
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.logf.close()
        return proc.returncode

    def browser_lines(self):
        try:
            with open(self.browser_log, encoding="utf-8", errors="replace") as f:
                return [l.rstrip("\n") for l in f]
        except OSError:
            return []


def xdotool(display, *args):
    env = dict(os.environ, DISPLAY=display)
    subprocess.run(["xdotool"] + list(args), env=env, check=True, timeout=20,
                   stdout=subprocess.DEVNULL)


def shots_dir():
    d = os.environ.get("ESCALE_E2E_SHOTS") or os.path.join(tempfile.gettempdir(),
                                                           "escale-e2e-shots")
    os.makedirs(d, exist_ok=True)
    return d


def screenshot(display, name):
    """The whole screen as NAME.png in the shots directory."""
    path = os.path.join(shots_dir(), name + ".png")
    subprocess.run([need("ESCALE_SHOT"), path], env=dict(os.environ, DISPLAY=display),
                   check=True, timeout=20)
    return path


def guest_copy(workdir, path):
    """PATH copied into WORKDIR/guest-bin (0755): the browser user must be able to run it,
    and a clone under a 0700 directory (/root/...) is not passable to that user."""
    bindir = os.path.join(workdir, "guest-bin")
    os.makedirs(bindir, exist_ok=True)
    os.chmod(bindir, 0o755)
    dst = os.path.join(bindir, os.path.basename(path))
    shutil.copy2(path, dst)
    os.chmod(dst, 0o755)
    return dst


SYSUSERS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "systemd", "escale-kiosk.sysusers")
GUEST = "escale-guest"


def ensure_guest():
    """The browser user, as the package creates it (systemd-sysusers, idempotent); its
    passwd entry."""
    import pwd
    subprocess.run(["systemd-sysusers", SYSUSERS], check=True, timeout=60,
                   stdout=subprocess.DEVNULL)
    return pwd.getpwnam(GUEST)


def lay_out_as_production(kiosk):
    """The kiosk's own files as in a centre: the config, token and log readable by the
    kiosk only; the work directory passable (the session directory is under it), not
    listable."""
    os.chmod(kiosk.workdir, 0o711)
    os.chmod(kiosk.conf, 0o600)
    os.close(os.open(kiosk.log, os.O_WRONLY | os.O_CREAT, 0o600))


def as_guest_argv(guest, argv):
    """ARGV run as the browser user (no groups), as the kiosk runs the browser."""
    return ["setpriv", "--reuid", str(guest.pw_uid), "--regid", str(guest.pw_gid),
            "--clear-groups", "--"] + list(argv)


def proxy_control(path, request):
    """One request on escale-proxy's control socket (docs/network.md), its answer."""
    import socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(path)
        s.sendall(json.dumps(request).encode() + b"\n")
        return json.loads(s.makefile("rb").readline(1 << 20))


class EscaleProxy:
    """The real escale-proxy on kiosk.conf CONF, its control socket at CONTROL, logging to
    LOG; started and waited for (its status answered), stopped by stop()."""

    def __init__(self, conf, control, log):
        self.control, self.log = control, log
        self.logf = open(log, "ab")
        self.proc = subprocess.Popen([need("ESCALE_PROXY"), "-c", conf, "-d"],
                                     stdin=subprocess.DEVNULL, stdout=self.logf,
                                     stderr=self.logf)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise AssertionError("escale-proxy exited: %s" % self.output())
            try:
                if proxy_control(control, {"t": "status"})["t"] == "status":
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("escale-proxy did not answer: %s" % self.output())

    def output(self):
        with open(self.log, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.logf.close()


class KioskTestCase(AdmindTestCase):
    """One admind per class; one Xvfb and one kiosk per test."""

    KIOSK_EXTRA = ""
    KIOSK_ENV = None
    X_AUTH = False  # Xvfb with a cookie and access control (XAUTHORITY set for the test)
    ADMIN_OPTS = None
    SIZE = "1280x800"

    def setUp(self):
        need("ESCALE_KIOSK")
        self.workdir = tempfile.mkdtemp(prefix="escale-e2e-")
        authfile = None
        if self.X_AUTH:
            authfile = os.path.join(self.workdir, "xauthority")
            old = os.environ.get("XAUTHORITY")
            os.environ["XAUTHORITY"] = authfile
            self.addCleanup(lambda: os.environ.__setitem__("XAUTHORITY", old) if old
                            else os.environ.pop("XAUTHORITY", None))
        self.x = Xvfb(self.SIZE, authfile)
        self.addCleanup(self.x.stop)
        self.kiosk_id, self.ktoken = self.new_kiosk()
        self.kiosk = self.make_kiosk()
        self.addCleanup(self._cleanup)

    BROWSER_USER = ""
    BROWSER = None

    def make_kiosk(self, extra=None, env=None):
        return Kiosk(self.workdir, self.x.display, "http://127.0.0.1:%d" % self.server.port,
                     self.ktoken, extra=self.KIOSK_EXTRA if extra is None else extra,
                     env=self.KIOSK_ENV if env is None else env, admin_opts=self.ADMIN_OPTS,
                     browser_user=self.BROWSER_USER, browser=self.browser_command(),
                     proxy=self.proxy_settings())

    def browser_command(self):
        return None

    def proxy_settings(self):
        """The proxy group's settings; None: proxy.enforce = false."""
        return None

    def _cleanup(self):
        self.kiosk.stop()
        if os.environ.get("ESCALE_KEEP_TMP"):
            sys.stderr.write("kept %s\n" % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def start_kiosk(self, online=True):
        self.kiosk.start()
        if online:
            return self.kiosk.wait(lambda s: s["state"] in ("login", "closed") and s["online"]
                                   and s["grabbed"], "the welcome screen, online")
        return self.kiosk.wait(lambda s: s["state"] in ("login", "closed") and s["grabbed"],
                               "the welcome screen")

    def sign_in(self, code=None, **kw):
        code = code or self.new_code(**kw)["code"]
        self.kiosk.type(code.replace(" ", ""))
        st = self.kiosk.wait_state("session")
        self.kiosk.wait(lambda s: s["windows"] >= 1, "the browser's window")
        return code, st
