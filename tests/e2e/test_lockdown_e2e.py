"""The kiosk's lockdown end to end under Xvfb (docs/threat-model.md lists which escape each
test tries): swallowed shortcuts, XKB accessibility controls, grabs the kiosk cannot hold,
the session's processes killed (cgroup), a fresh start each session, and the separate
browser user with its X access, and what the browser's sandbox shows it."""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import unittest

from kiosk_e2e import (FORBIDDEN, GUEST, MODIFIERS, WAIT, Kiosk, KioskTestCase, ensure_guest,
                        as_guest_argv, guest_copy, lay_out_as_production, need, xdotool)


def wait_lines(kiosk, pred, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = kiosk.browser_lines()
        if pred(lines):
            return lines
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s; browser log:\n%s" %
                         (what, "\n".join(kiosk.browser_lines()[-40:])))


class Shortcuts(KioskTestCase):

    def test_every_forbidden_shortcut_is_swallowed(self):
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.status()
        # Every shortcut in every state of the modifiers it does not use (128 or more each).
        self.assertGreaterEqual(st["shortcut_grabs"], 64 * len(FORBIDDEN), st)
        rounds = [("none", []), ("lock", ["Caps_Lock"]), ("mod2", ["Caps_Lock", "Num_Lock"]),
                  ("lock+mod2", ["Caps_Lock"])]
        for n, (mods, toggles) in enumerate(rounds):
            if toggles:
                xdotool(self.x.display, "key", *toggles)
            xdotool(self.x.display, "key", "--delay", "15", *FORBIDDEN)
            # Ordinary typing still reaches the browser, after the shortcuts (in order).
            xdotool(self.x.display, "key", "z")
            wait_lines(self.kiosk,
                       lambda ls: sum(l.lower().startswith("key z ") for l in ls) > n,
                       "the ordinary key z with %s" % mods)
        lines = self.kiosk.browser_lines()
        keys = [l.split()[1:] for l in lines if l.startswith("key ")]
        # (with CapsLock on, the stand-in names the key "Z")
        leaked = [k for k in keys if k[0] not in MODIFIERS and k[0].lower() != "z"]
        self.assertEqual(leaked, [], "shortcuts that reached the browser")
        zs = [k[1] for k in keys if k[0].lower() == "z"]
        self.assertEqual(zs, ["none", "lock", "mod2", "lock+mod2"])
        # Nothing the shortcuts ask for happened: no new window, the session goes on.
        st = self.kiosk.status()
        self.assertEqual((st["state"], st["windows"]), ("session", 1), st)
        # The bar's Home still reaches the browser (its own Alt+Home passes the grab).
        self.kiosk.click("home")
        wait_lines(self.kiosk, lambda ls: "home" in ls, "the bar's Home")
        xdotool(self.x.display, "key", "alt+Home", "z")
        lines = wait_lines(self.kiosk,
                           lambda ls: sum(l.lower().startswith("key z ") for l in ls) > 4,
                           "z after Alt+Home")
        self.assertEqual(lines.count("home"), 1, "a typed Alt+Home reached the browser")

    def test_grabs_follow_a_keymap_change(self):
        self.start_kiosk()
        self.sign_in()
        d = self.x.display

        def regrabs():
            return self.kiosk.output().count("shortcut and ")
        before = regrabs()
        # N moves to a keycode that had no symbol; its old key (57) types y.
        new = xkbctl(d, "setkey", "free", "6e", "4e")[0]
        self.kiosk.wait(lambda s: regrabs() > before, "the grabs taken again")
        self.assertNotEqual(new, "57")
        xkbctl(d, "setkey", "57", "79", "59")
        self.kiosk.wait(lambda s: regrabs() > before + 1, "the grabs taken again")
        xdotool(d, "key", "ctrl+n", "ctrl+shift+n", "z")
        lines = wait_lines(self.kiosk, lambda ls: any(l.startswith("key z ") for l in ls),
                           "the ordinary key z")
        # (the stand-in may not know the new mapping: any key but z and modifiers is a leak)
        keys = [l.split()[1] for l in lines if l.startswith("key ")]
        self.assertEqual([k for k in keys if k not in MODIFIERS and k != "z"], [])


    def regrabs(self):
        return self.kiosk.output().count("shortcut and ")

    def test_every_modifier_state_on_every_layout(self):
        """AltGr (ISO_Level3_Shift on Mod5), ScrollLock and the locks added to every
        forbidden shortcut, on AZERTY (fr), QWERTY (us), QWERTZ (de), the Belgian and the
        Swiss layouts: nothing reaches the browser; the grabs follow each layout change."""
        self.start_kiosk()
        self.sign_in()
        d = self.x.display
        n = 0
        for layout in ("fr", "us", "de", "be", "ch"):
            before = self.regrabs()
            r = subprocess.run(["setxkbmap", "-display", d, layout], timeout=20,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.kiosk.wait(lambda s: self.regrabs() > before, "the grabs taken again (%s)" %
                            layout)
            extra = [[], ["Scroll_Lock"]]
            if layout != "us":  # AltGr is ISO_Level3_Shift (Mod5) on the others
                extra.append(["ISO_Level3_Shift"])
            for held in extra:
                if held == ["Scroll_Lock"]:
                    xdotool(d, "key", "Scroll_Lock")  # a lock: toggled on
                    combos = FORBIDDEN
                else:
                    combos = ["+".join(held + [k]) for k in FORBIDDEN] if held else FORBIDDEN
                xdotool(d, "key", "--delay", "15", *combos)
                if held == ["Scroll_Lock"]:
                    xdotool(d, "key", "Scroll_Lock")
                # An ordinary key, at the same place on every layout (the stand-in names
                # keys with the mapping it started with).
                xdotool(d, "key", "F5")
                n += 1
                wait_lines(self.kiosk,
                           lambda ls, n=n: sum(l.startswith("key F5 ") for l in ls) >= n,
                           "the ordinary key F5 on %s with %r" % (layout, held))
        lines = self.kiosk.browser_lines()
        keys = [l.split()[1:] for l in lines if l.startswith("key ")]
        held_alone = MODIFIERS | {"ISO_Level3_Shift", "Alt_R", "Scroll_Lock"}
        leaked = [k for k in keys if k[0] not in held_alone and k[0] != "F5"]
        self.assertEqual(leaked, [], "shortcuts that reached the browser")
        st = self.kiosk.status()
        self.assertEqual((st["state"], st["windows"]), ("session", 1), st)

    def test_modified_clicks_and_enter_never_reach_the_browser(self):
        """A link opens in a new window or tab with Shift, Ctrl, Alt, AltGr or Super held
        on a click or on Enter, and with the middle button: the kiosk takes all of them;
        plain clicks and Enter (with the locks on too) still reach the browser."""
        self.start_kiosk()
        self.sign_in()
        d = self.x.display
        st = self.kiosk.status()
        self.assertGreater(st.get("click_grabs", 0), 0, st)
        before = self.regrabs()
        subprocess.run(["setxkbmap", "-display", d, "fr"], timeout=20, check=True)
        self.kiosk.wait(lambda s: self.regrabs() > before, "the grabs for the fr layout")
        xdotool(d, "mousemove", "640", "500")
        for mod in ("shift", "ctrl", "alt", "super", "ISO_Level3_Shift", "ctrl+shift"):
            for button in ("1", "3"):
                xdotool(d, "keydown", mod, "click", button, "keyup", mod)
            xdotool(d, "key", mod + "+Return", mod + "+KP_Enter")
        xdotool(d, "click", "2")
        # With the locks on, a plain click and Enter are plain.
        xdotool(d, "key", "Num_Lock", "Caps_Lock")
        xdotool(d, "click", "1")
        xdotool(d, "key", "Return", "Num_Lock", "Caps_Lock")
        xdotool(d, "click", "1")
        xdotool(d, "key", "Return")
        lines = wait_lines(self.kiosk,
                           lambda ls: sum(l.startswith("button 1 ") for l in ls) >= 2 and
                           sum(l.startswith("key Return ") for l in ls) >= 2,
                           "the plain clicks and Enter")
        self.settle()
        lines = self.kiosk.browser_lines()
        buttons = [l for l in lines if l.startswith("button ")]
        self.assertEqual([b.split()[1] for b in buttons], ["1", "1"], buttons)
        enters = [l.split()[1:] for l in lines if l.startswith("key ") and "Enter" in l
                  or l.startswith("key Return")]
        self.assertEqual(enters, [["Return", "lock+mod2"], ["Return", "none"]], enters)

    def test_a_second_browser_window_is_never_shown(self):
        """A second top-level window of the browser with the role of a window with tabs
        ("browser": what Shift+click, the menu's New window or a link dragged out make) is
        never mapped and is asked to close; popups and dialogs still are."""
        self.start_kiosk()
        self.sign_in()
        d = self.x.display
        xdotool(d, "mousemove", "640", "500")
        xdotool(d, "key", "b")
        lines = wait_lines(self.kiosk, lambda ls: any(l.startswith("close ") for l in ls),
                           "the second browser window asked to close")
        wid = [l.split()[1] for l in lines if l.startswith("browser ")][0]
        self.assertIn("close " + wid, lines)
        self.assertNotIn("mapped", " ".join(l for l in lines if l.split()[1:2] == [wid]))
        st = self.kiosk.status()
        self.assertEqual((st["windows"], st["refused_windows"]), (1, 1), st)
        self.assertIn("never shown, asked to close", self.kiosk.output())
        # A popup (role "pop-up") and a dialog are the session's: shown.
        xdotool(d, "key", "n", "d")
        lines = wait_lines(self.kiosk, lambda ls: any(l.startswith("dialog ") for l in ls),
                           "the popup and the dialog")
        popup = [l.split()[1] for l in lines if l.startswith("popup ")][0]
        dialog = [l.split()[1] for l in lines if l.startswith("dialog ")][0]
        wait_lines(self.kiosk, lambda ls: ("mapped " + popup) in " ".join(ls) and
                   ("mapped " + dialog) in " ".join(ls), "the popup and the dialog mapped")
        self.assertEqual(self.kiosk.status()["refused_windows"], 1)

    def settle(self):
        self.kiosk.wait(lambda s: True, "a round trip")
        time.sleep(1)


class Grabs(KioskTestCase):
    """Fail closed: without its grabs the kiosk stops (and xinit's X session with it)."""

    def hold(self, option, expect="held-"):
        log = os.path.join(self.workdir, "holder%s.log" % option)
        p = subprocess.Popen([need("ESCALE_STANDIN"), "--log", log, option, "about:blank"],
                             env=dict(os.environ, DISPLAY=self.x.display),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(p.wait, 5)
        self.addCleanup(p.kill)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with open(log, "a+") as f:
                f.seek(0)
                text = f.read()
            if "held-" in text or "hold-failed" in text:
                self.assertIn(expect, text)
                return
            time.sleep(0.05)
        self.fail("the holder never tried its grab")

    def test_window_over_the_cover_is_covered_again(self):
        # A window no window manager sees (override-redirect, like a menu) mapped over the
        # welcome screen: the cover is raised above it again (VisibilityNotify).
        self.start_kiosk()
        env = dict(os.environ, DISPLAY=self.x.display)
        cover = int(subprocess.run(["xdotool", "search", "--name", "^escale-kiosk cover$"],
                                   env=env, stdout=subprocess.PIPE, timeout=10,
                                   check=True).stdout.split()[0])
        log = os.path.join(self.workdir, "over.log")
        p = subprocess.Popen([need("ESCALE_STANDIN"), "--log", log, "--override-redirect",
                              "about:blank"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.addCleanup(p.wait, 5)
        self.addCleanup(p.kill)
        deadline = time.monotonic() + WAIT
        while True:
            with open(log, "a+") as f:
                f.seek(0)
                mapped = [l.split()[1] for l in f.read().split("\n") if l.startswith("mapped ")]
            stack = subprocess.run([need("ESCALE_STANDIN"), "--stacking"], env=env, timeout=10,
                                   stdout=subprocess.PIPE).stdout.decode().split()[1:]
            stack = [int(w) for w in stack]
            if mapped and int(mapped[0]) in stack and stack[-1] == cover:
                break
            self.assertLess(time.monotonic(), deadline,
                            "the cover stayed under the window: %r %r" % (mapped, stack))
            time.sleep(0.05)
        self.assertLess(stack.index(int(mapped[0])), stack.index(cover))

    def test_cover_unmapped_by_another_client(self):
        self.start_kiosk()
        env = dict(os.environ, DISPLAY=self.x.display)
        visible = ["xdotool", "search", "--onlyvisible", "--name", "^escale-kiosk cover$"]
        wid = subprocess.run(visible, env=env, stdout=subprocess.PIPE, timeout=10,
                             check=True).stdout.split()[0]
        xdotool(self.x.display, "windowunmap", wid.decode())
        # Mapped again at once, still focused, the grabs still the kiosk's.
        deadline = time.monotonic() + WAIT
        while subprocess.run(visible, env=env, stdout=subprocess.DEVNULL,
                             timeout=10).returncode != 0:
            self.assertLess(time.monotonic(), deadline, "the cover stayed unmapped")
            time.sleep(0.05)
        self.kiosk.type("12")
        st = self.kiosk.wait(lambda s: s["typed"] == "12", "keys on the keypad")
        self.assertTrue(st["grabbed"])
        self.hold("--grab-keyboard", expect="hold-failed")

    def test_keyboard_held_elsewhere_exits_1(self):
        self.hold("--grab-keyboard")
        self.kiosk.start()
        self.assertEqual(self.kiosk.proc.wait(WAIT), 1)
        self.assertIn("cannot grab the keyboard", self.kiosk.output())

    def test_shortcut_held_elsewhere_exits_1(self):
        self.hold("--grab-key")
        self.kiosk.start()
        self.assertEqual(self.kiosk.proc.wait(WAIT), 1)
        self.assertIn("cannot grab the forbidden shortcuts", self.kiosk.output())



def xkbctl(display, *args):
    r = subprocess.run([need("ESCALE_XKBCTL")] + list(args), env=dict(os.environ,
                       DISPLAY=display), stdout=subprocess.PIPE, timeout=10, check=True)
    return r.stdout.decode().split()


class XkbControls(KioskTestCase):

    def test_accessibility_keys_stay_off(self):
        d = self.x.display
        # On this X server, without the kiosk, 5 x Shift turns StickyKeys on once the AccessX
        # keyboard toggles are on: the escape this test closes.
        xkbctl(d, "enable", "accessx")
        for _ in range(5):
            xdotool(d, "key", "shift")
        self.assertIn("sticky", xkbctl(d, "get"))
        st = self.start_kiosk()
        self.assertEqual(st["xkb_controls_on"], 0)
        self.assertEqual(xkbctl(d, "get"), ["none"])
        # The kiosk turned the toggles off: 5 x Shift, then Shift held 9 s (SlowKeys), do
        # nothing.
        for _ in range(5):
            xdotool(d, "key", "shift")
        xdotool(d, "keydown", "shift")
        time.sleep(9)  # the duration of the escape itself, not a wait for the kiosk
        xdotool(d, "keyup", "shift")
        st = self.kiosk.status()
        self.assertEqual(st["xkb_controls_on"], 0)
        self.assertEqual(xkbctl(d, "get"), ["none"])
        # Another client turning them on is undone at once.
        xkbctl(d, "enable", "sticky", "slow", "mouse", "accessx")
        self.kiosk.wait(lambda s: "turned accessibility keys on" in self.kiosk.output(),
                        "the kiosk seeing the controls turned on")
        self.kiosk.wait(lambda s: s["xkb_controls_on"] == 0, "the controls off again")
        self.assertEqual(xkbctl(d, "get"), ["none"])



def cgroup2_writable():
    """What escale-kiosk's kcg_open looks for: a cgroup2 mount with cgroup.kill, writable;
    the test's own cgroup directory there, or None."""
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                parts = line.split()
                sep = parts.index("-")
                if parts[sep + 1] == "cgroup2" and parts[3] == "/":
                    mnt = parts[4].encode().decode("unicode_escape")
                    break
            else:
                return False
        with open("/proc/self/cgroup") as f:
            path = [l[3:].strip() for l in f if l.startswith("0::")][0]
        base = mnt if path == "/" else mnt + path
        probe = os.path.join(base, "escale-e2e-probe.%d" % os.getpid())
        os.mkdir(probe)
        ok = os.path.exists(os.path.join(probe, "cgroup.kill"))
        os.rmdir(probe)
        return base if ok else None
    except (OSError, IndexError, ValueError):
        return None


def delegate_cgroup(testcase, user):
    """A cgroup given to USER as systemd's Delegate=yes gives one to a unit (the directory
    and its cgroup.procs, cgroup.threads, cgroup.subtree_control), removed at the end; a
    command prefix that starts a process in it. None without a writable cgroup2."""
    base = cgroup2_writable()
    if not base:
        return None
    cg = os.path.join(base, "escale-e2e-unit.%d" % os.getpid())
    os.mkdir(cg)
    for name in ("", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"):
        os.chown(os.path.join(cg, name), user.pw_uid, user.pw_gid)

    def remove():
        for d, _, _ in sorted(os.walk(cg), key=lambda e: -len(e[0])):
            try:
                os.rmdir(d)
            except OSError:
                pass
    testcase.addCleanup(remove)
    return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cg]


def processes_of(uid, kiosk=None):
    """The pids of the processes running as UID (zombies included). With KIOSK, only those
    of its sessions (other tests running at the same time have browsers as the same user):
    their environment names its work directory, or the kiosk is their parent (a zombie's
    environment is gone)."""
    pids = []
    for p in os.listdir("/proc"):
        try:
            if not p.isdigit() or os.stat("/proc/" + p).st_uid != uid:
                continue
            if kiosk is not None:
                with open("/proc/%s/environ" % p, "rb") as f:
                    env = f.read()
                with open("/proc/%s/stat" % p) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if kiosk.workdir.encode() not in env and ppid != kiosk.proc.pid:
                    continue
            pids.append(int(p))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return pids


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Wipe(KioskTestCase):

    def end_session(self):
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        return self.kiosk.wait_state("login")

    def test_escaped_process_is_killed_with_the_cgroup(self):
        st = self.start_kiosk()
        expect = "cgroup" if cgroup2_writable() else "pgroup"
        self.assertEqual(st["kill"], expect)
        self.assertIn("the end of a session kills the browser's %s" %
                      ("cgroup" if expect == "cgroup" else "process group only"),
                      self.kiosk.output())
        _, st = self.sign_in()
        leader = st["browser_pid"]
        # 'f': a child in the browser's group; 's': one that calls setsid() and leaves it.
        self.kiosk.type("fs")
        lines = wait_lines(self.kiosk, lambda ls: any(l.startswith("escaped ") for l in ls) and
                           any(l.startswith("child ") for l in ls), "the children")
        child = int([l for l in lines if l.startswith("child ")][0].split()[1])
        escaped = int([l for l in lines if l.startswith("escaped ")][0].split()[1])
        self.assertEqual(os.getpgid(child), leader)
        self.assertNotEqual(os.getpgid(escaped), leader)
        self.assertEqual(os.getsid(escaped), escaped)
        if expect == "cgroup":
            with open("/proc/%d/cgroup" % escaped) as f:
                cg = [l for l in f if l.startswith("0::")][0]
            self.assertIn("/session-", cg)
        self.end_session()
        self.assertFalse(alive(leader))
        self.assertFalse(alive(child))
        if expect == "cgroup":
            self.assertFalse(alive(escaped), "the process that left the group survived")
        else:  # documented limit of the process-group kill (docs/threat-model.md)
            os.kill(escaped, 9)

    def test_selections_cleared_at_the_end(self):
        # What the resident copied, held by a client that outlives the session (as a
        # clipboard manager would): the kiosk takes PRIMARY and CLIPBOARD back at the end.
        self.start_kiosk()
        self.sign_in()
        out = os.path.join(self.workdir, "selections.txt")
        with open(out, "w") as f:
            p = subprocess.Popen([need("ESCALE_STANDIN"), "--own-selections"], stdout=f,
                                 env=dict(os.environ, DISPLAY=self.x.display))
        self.addCleanup(p.wait, 5)
        self.addCleanup(p.kill)

        def lines():
            with open(out) as f:
                return f.read().split("\n")
        deadline = time.monotonic() + WAIT
        while not any(l.startswith("owns ") for l in lines()):
            self.assertLess(time.monotonic(), deadline, "the selections never owned")
            self.assertIsNone(p.poll(), lines())
            time.sleep(0.05)
        self.assertNotIn("lost CLIPBOARD", lines())  # the session goes on: nothing taken
        self.end_session()
        deadline = time.monotonic() + WAIT
        while not ("lost PRIMARY" in lines() and "lost CLIPBOARD" in lines()):
            self.assertLess(time.monotonic(), deadline, "selections not cleared: %r" % lines())
            time.sleep(0.05)

    def test_next_session_starts_from_nothing(self):
        self.start_kiosk()
        _, st = self.sign_in()
        self.kiosk.type("w")
        lines = wait_lines(self.kiosk, lambda ls: sum(l.startswith("wrote ") for l in ls) == 2,
                           "the proof files")
        first_home = [l.split()[1] for l in lines if l.startswith("home ")][0]
        self.assertTrue(os.path.exists(os.path.join(first_home, "proof.txt")))
        fresh = [l.split()[2] for l in lines if l.startswith("home ")][0]
        self.assertNotIn("proof.txt", fresh.split(","))
        self.end_session()
        self.assertFalse(os.path.exists(os.path.dirname(first_home)))
        self.sign_in()
        lines = wait_lines(self.kiosk, lambda ls: sum(l.startswith("home ") for l in ls) == 2,
                           "the second session's browser")
        homes = [l.split()[1:] for l in lines if l.startswith("home ")]
        self.assertNotEqual(homes[0][0], homes[1][0])
        self.assertEqual(homes[1][1], fresh)  # no proof.txt, nothing else
        second_dir = os.path.dirname(homes[1][0])
        self.assertEqual(os.listdir(os.path.join(second_dir, "home", "Documents")), [])



class Separation(KioskTestCase):
    """The browser as escale-guest (created by the project's sysusers file), the kiosk as
    root: the browser reads none of the kiosk's files, reaches the display only during a
    session, and its directory is its own, then gone."""

    X_AUTH = True
    BROWSER_USER = GUEST

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root (CI runs as root): switching users")
        self.guest = ensure_guest()
        super().setUp()
        lay_out_as_production(self.kiosk)
        # The stand-in's log, for the test to read (a real browser writes none).
        with open(self.kiosk.browser_log, "w"):
            pass
        os.chmod(self.kiosk.browser_log, 0o666)

    def browser_command(self):
        log = os.path.join(self.workdir, "browser.log")
        probes = [os.path.join(self.workdir, n) for n in
                  ("kiosk.conf", "kiosk.token", "state/kiosk.db", "kiosk.log")]
        self.standin = guest_copy(self.workdir, need("ESCALE_STANDIN"))
        cmd = [self.standin, "--log", log]
        for p in probes:
            cmd += ["--probe", p]
        return cmd + ["%u"]

    def as_guest(self, *argv):
        env = {k: v for k, v in os.environ.items() if k != "XAUTHORITY"}
        env["DISPLAY"] = self.x.display
        return subprocess.run(as_guest_argv(self.guest, argv), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=20)

    def display_ok_as_guest(self):
        return self.as_guest(self.standin, "--check-display").returncode == 0

    def guest_session(self):
        """A session whose browser runs as the browser user: (status, session directory)."""
        _, st = self.sign_in()
        # (what the check after the end looks for: the session's processes, found)
        self.assertIn(st["browser_pid"], processes_of(self.guest.pw_uid, self.kiosk))
        lines = self.kiosk.browser_lines()
        uid = [l.split()[1:] for l in lines if l.startswith("uid ")][0]
        self.assertEqual([int(v) for v in uid], [self.guest.pw_uid, self.guest.pw_gid])
        home = [l.split()[1] for l in lines if l.startswith("home ")][0]
        return st, os.path.dirname(home)

    def assert_probes_refused(self):
        """The kiosk's config, token, database and log: out of the browser's reach."""
        self.kiosk.type("rw")
        lines = wait_lines(self.kiosk, lambda ls: sum(l.startswith("probe ") for l in ls) == 4
                           and sum(l.startswith("wrote ") for l in ls) == 2, "the probes")
        probes = {l.split()[1]: l.split()[2] for l in lines if l.startswith("probe ")}
        self.assertEqual(set(probes.values()), {"EACCES"}, probes)

    def end_and_assert_gone(self, sdir):
        """The session ended: its files gone with the directory, the display closed to the
        browser user again, none of its processes left."""
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait_state("login")
        self.assertFalse(os.path.exists(sdir))
        self.assertFalse(self.display_ok_as_guest())
        self.assertEqual(processes_of(self.guest.pw_uid, self.kiosk), [])

    def test_browser_runs_as_guest_and_sees_nothing_of_the_kiosk(self):
        st = self.start_kiosk()
        self.assertTrue(st["separated"])
        self.assertNotIn("UNSEPARATED", self.kiosk.output())
        # Outside a session the browser user cannot open the display.
        self.assertFalse(self.display_ok_as_guest())
        st, sdir = self.guest_session()
        with open("/proc/%d/status" % st["browser_pid"]) as f:
            status = dict(l.split(":", 1) for l in f)
        self.assertEqual(status["Groups"].split(), [])
        self.assertEqual(int(status["CapEff"], 16), 0)
        self.assertEqual(int(status["CapAmb"], 16), 0)
        # The session directory is the browser user's, 0700.
        s = os.stat(sdir)
        self.assertEqual((s.st_uid, s.st_mode & 0o7777), (self.guest.pw_uid, 0o700))
        self.assertEqual(os.stat(self.kiosk.runtime_dir).st_mode & 0o7777, 0o711)
        self.assert_probes_refused()
        self.assertTrue(os.path.exists(os.path.join(self.kiosk.state_dir, "kiosk.db")))
        # During the session it may; it tries to keep the display open for later (xhost +).
        self.assertTrue(self.display_ok_as_guest())
        self.kiosk.type("a")
        wait_lines(self.kiosk, lambda ls: "opened-display" in ls, "the display opened")
        self.end_and_assert_gone(sdir)

    def test_kiosk_user_with_only_its_capabilities(self):
        """As in a centre (systemd/escale-kiosk.service): the kiosk runs as escale-kiosk,
        not root, with CAP_SETUID, CAP_SETGID, CAP_CHOWN and CAP_KILL as its only (ambient)
        capabilities; it still separates the browser, wipes the session as the browser
        user, and closes the display to it again."""
        ku = pwd.getpwnam("escale-kiosk")
        k = self.kiosk
        # The programs where that user can run them; its own files, as the package lays
        # them out: config and token readable by it only, its state and runtime
        # directories, the X server's cookie (the session's XAUTHORITY).
        k.kiosk_bin = guest_copy(self.workdir, need("ESCALE_KIOSK"))
        k.env = dict(k.env, ESCALE_KIOSK_NET=guest_copy(self.workdir, need("ESCALE_KIOSK_NET")))
        for d in (k.state_dir, k.runtime_dir):
            os.makedirs(d, exist_ok=True)
        for path in (k.conf, os.path.join(self.workdir, "kiosk.token"), k.state_dir,
                     k.runtime_dir, os.environ["XAUTHORITY"]):
            os.chown(path, ku.pw_uid, ku.pw_gid)
        caps = "+setuid,+setgid,+chown,+kill"
        # Its cgroup delegated, as the unit's Delegate=yes does.
        cgroup = delegate_cgroup(self, ku)
        k.wrap = (cgroup or []) + ["setpriv", "--reuid", str(ku.pw_uid), "--regid", str(ku.pw_gid),
                  "--init-groups", "--inh-caps=-all," + caps, "--ambient-caps=" + caps,
                  "--bounding-set=-all," + caps, "--"]
        st = self.start_kiosk()
        self.assertTrue(st["separated"], self.kiosk.output())
        self.assertEqual(st["kill"], "cgroup" if cgroup else "pgroup", self.kiosk.output())
        with open("/proc/%d/status" % k.proc.pid) as f:
            status = dict(l.split(":", 1) for l in f)
        self.assertEqual(int(status["Uid"].split()[1]), ku.pw_uid)
        # CAP_CHOWN 0, CAP_KILL 5, CAP_SETGID 6, CAP_SETUID 7: nothing else.
        self.assertEqual(int(status["CapEff"], 16), 0xE1)
        self.assertEqual(int(status["CapBnd"], 16), 0xE1)
        self.assertFalse(self.display_ok_as_guest())
        _, sdir = self.guest_session()
        self.assertEqual(os.stat(sdir).st_uid, self.guest.pw_uid)
        self.assert_probes_refused()
        self.assertTrue(self.display_ok_as_guest())
        self.end_and_assert_gone(sdir)
        self.assertNotIn("UNSEPARATED", self.kiosk.output())

    def test_unseparated_says_so(self):
        # browser.user = "": the kiosk runs the browser as itself and says so.
        with open(self.kiosk.conf) as f:
            text = f.read().replace('user = "%s"' % GUEST, 'user = ""')
        with open(self.kiosk.conf, "w") as f:
            f.write(text)
        st = self.start_kiosk()
        self.assertFalse(st["separated"])
        self.assertIn("running UNSEPARATED", self.kiosk.output())



def window_geometry(display, name):
    """(x, y, w, h) of the window called NAME (xdotool search --name)."""
    env = dict(os.environ, DISPLAY=display)
    r = subprocess.run(["xdotool", "search", "--name", "^%s$" % name], env=env, timeout=10,
                       stdout=subprocess.PIPE, check=True)
    wid = r.stdout.split()[0].decode()
    r = subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid], env=env, timeout=10,
                       stdout=subprocess.PIPE, check=True)
    g = dict(l.split("=", 1) for l in r.stdout.decode().split())
    return tuple(int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))


def browser_geometry(kiosk):
    geo = None
    for l in kiosk.browser_lines():
        f = l.split()
        if f and f[0] in ("mapped", "configure"):
            geo = tuple(int(v) for v in f[2:6])
    return geo


class Monitors(KioskTestCase):
    """A screen of two monitors side by side (RandR 1.5 monitors on a 2560x800 Xvfb)."""

    SIZE = "2560x800"

    def monitor(self, *args):
        subprocess.run([need("ESCALE_MONITOR")] + list(args), check=True, timeout=10,
                       env=dict(os.environ, DISPLAY=self.x.display))

    def test_every_monitor_covered_and_browser_on_primary(self):
        self.monitor("left", "0", "0", "1280", "800", "primary")
        self.monitor("right", "1280", "0", "1280", "800")
        st = self.start_kiosk()
        # The cover hides both monitors; the keypad is on the primary one.
        self.assertEqual(window_geometry(self.x.display, "escale-kiosk cover"),
                         (0, 0, 2560, 800))
        self.assertTrue(st["buttons"])
        for b in st["buttons"]:
            self.assertLessEqual(b["x"] + b["w"], 1280, b)
        self.sign_in()
        bar = window_geometry(self.x.display, "escale-kiosk bar")
        self.assertEqual((bar[0], bar[1], bar[2]), (0, 0, 1280))
        geo = wait_lines(self.kiosk, lambda ls: browser_geometry(self.kiosk) is not None,
                         "the browser's window") and browser_geometry(self.kiosk)
        self.assertEqual((geo[0], geo[1], geo[2], geo[1] + geo[3]), (0, bar[3], 1280, 800))
        # The End prompt covers both monitors again.
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.assertEqual(window_geometry(self.x.display, "escale-kiosk cover"),
                         (0, 0, 2560, 800))

    def test_monitor_added_while_running(self):
        self.start_kiosk()
        self.sign_in()
        wait_lines(self.kiosk, lambda ls: (browser_geometry(self.kiosk) or (0, 0, 0))[2] == 2560,
                   "the browser across the whole screen")
        # A monitor appears (as when a second screen is plugged in): everything is laid out
        # again on the primary one.
        self.monitor("left", "0", "0", "1280", "800", "primary")
        wait_lines(self.kiosk, lambda ls: (browser_geometry(self.kiosk) or (0, 0, 0))[2] == 1280,
                   "the browser moved to the primary monitor")
        bar = window_geometry(self.x.display, "escale-kiosk bar")
        self.assertEqual(bar[2], 1280)





class Sandbox(unittest.TestCase):
    """What the browser (and its file chooser) can see of the computer: the session
    directory and the read-only system, nothing of the centre's data (kiosk/escale-browser,
    docs/browser.md). A probe runs in the wrapper's sandbox in place of the browser, as the
    browser user when the test runs as root."""

    HIDDEN = ["/root", "/home", "/etc/escale", "/var/lib/escale", "/run", "/srv", "/media",
              "/mnt", "/etc/shadow", "/etc/cups", "/var/spool", "/var/log", "/boot"]

    def setUp(self):
        if not shutil.which("bwrap"):
            self.skipTest("bwrap missing (apt-get install bubblewrap)")
        self.work = tempfile.mkdtemp(prefix="escale-sandbox-")
        self.addCleanup(shutil.rmtree, self.work, True)
        os.chmod(self.work, 0o711)
        run = os.path.join(self.work, "run")
        self.dir = os.path.join(run, "session-test")
        os.makedirs(os.path.join(run, "policy", "chromium"))
        with open(os.path.join(run, "policy", "chromium", "escale.json"), "w") as f:
            f.write("{}")
        os.makedirs(os.path.join(self.dir, "home"))
        # The kiosk's own files beside the session directory.
        with open(os.path.join(self.work, "kiosk.token"), "w") as f:
            f.write("secret\n")
        self.guest = ensure_guest() if os.geteuid() == 0 else None
        for sub in ("run", "run/policy", "run/policy/chromium"):
            os.chmod(os.path.join(self.work, sub), 0o755 if "policy" in sub else 0o711)
        if self.guest:
            for base, dirs, files in os.walk(self.dir):
                for n in dirs + files + [""]:
                    os.chown(os.path.join(base, n), self.guest.pw_uid, self.guest.pw_gid)
        self.wrapper = guest_copy(self.work, need("ESCALE_BROWSER"))

    def probe(self, script):
        path = os.path.join(self.dir, "probe.sh")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + script)
        os.chmod(path, 0o755)
        argv = [self.wrapper, "--dir", self.dir, "--", path]
        if self.guest:
            argv = as_guest_argv(self.guest, argv)
        env = {"PATH": "/usr/bin:/bin", "HOME": self.dir + "/home"}
        r = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        return r.stdout.decode().split()

    def test_only_the_session_and_the_system_are_seen(self):
        # The probe's own sanity: the same check finds what is there.
        paths = self.HIDDEN + [self.work + "/kiosk.token", self.dir, "/usr/lib/chromium"]
        seen = self.probe("for p in %s; do [ -e \"$p\" ] && echo \"$p\"; done; exit 0\n" %
                          " ".join(paths))
        self.assertEqual(seen, [self.dir, "/usr/lib/chromium"])
        # The session's HOME is writable; the system is not; only the sandbox's processes.
        out = self.probe(": >\"$HOME/ok\" && echo home-writable; "
                         "(: >/usr/escale-probe) 2>/dev/null && echo usr-writable; "
                         "(: >/usr/bin/escale-probe) 2>/dev/null && echo usr-bin-writable; "
                         "(: >/etc/escale-probe) 2>/dev/null && echo etc-writable; "
                         "ls /proc | grep -c '^[0-9]'\n")
        self.assertEqual(out[:-1], ["home-writable"])
        self.assertLessEqual(int(out[-1]), 4, "processes of the computer are visible")
        self.assertTrue(os.path.exists(os.path.join(self.dir, "home", "ok")))


    # Programs a browser starts on a resident's behalf: "open" of a download or a link of an
    # unknown scheme, the default browser, the print preview's "Manage" (printer settings),
    # "Show in folder" (a file manager), and interpreters a dropped script could use.
    LAUNCHERS = ["xdg-open", "x-www-browser", "www-browser", "gnome-www-browser",
                 "sensible-browser", "xdg-email", "gio", "gvfs-open", "kioclient", "kioclient5",
                 "kde-open", "kde-open5", "exo-open", "system-config-printer",
                 "gnome-control-center", "dde-printer", "systemsettings", "nautilus", "thunar",
                 "pcmanfm", "dolphin", "xterm", "x-terminal-emulator", "python3", "perl", "bash",
                 "dbus-launch", "chromium"]

    def test_no_program_but_the_browser(self):
        """Nothing a browser could start is in the sandbox, whether the PC has it or not: a
        program installed on the PC (a stand-in put in /usr/local/bin and in /usr/bin now)
        is not there either; /usr/bin holds the browser and its launcher's tools only."""
        installed = []
        for d in ("/usr/local/bin", "/usr/bin"):
            path = os.path.join(d, "escale-standin-opener-%d" % os.getpid())
            try:
                with open(path, "w") as f:
                    f.write("#!/bin/sh\necho started >/tmp/escale-opener\n")
                os.chmod(path, 0o755)
            except OSError:
                continue  # not root: the real programs below still tell
            installed.append(path)
            self.addCleanup(os.unlink, path)
        names = self.LAUNCHERS + [os.path.basename(p) for p in installed]
        # The probe's own sanity: it finds its launcher's tools.
        found = self.probe("for n in %s ls; do command -v \"$n\"; done; "
                           "for p in %s; do [ -e \"$p\" ] && echo \"$p\"; done; exit 0\n" %
                           (" ".join(names), " ".join(installed)))
        self.assertEqual(found, ["/usr/bin/ls"])
        # The PC has some of them (Chromium's package brings xdg-open): the test means it.
        self.assertTrue([n for n in self.LAUNCHERS if shutil.which(n)] or installed)
        listing = self.probe("ls /usr/bin /usr/sbin /usr/libexec /usr/local/bin "
                             "/usr/share/applications 2>/dev/null; exit 0\n")
        extra = [n for n in listing if not n.endswith(":") and
                 n not in ("sh", "dash", "uname", "grep", "expr", "findmnt", "ls", "tr", "cut",
                           "find", "probe.sh")]
        self.assertEqual(extra, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
