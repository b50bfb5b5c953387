"""escalectl against a real escale-admind: every command of docs/escalectl.md
over HTTP (and with --db), its exact output lines, error messages on standard
error and exit statuses (0 ok, 1 error, 2 usage)."""

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import urllib.parse
import time

from escale_test import (AdmindTestCase, escalectl_path, free_port, http_request, main,
                         normalise, today_local)

CODE_LINE = re.compile(r"^\d{4} \d{4}$")
TIME_RE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
CODE_HEADER = "id\thint\tstate\tminutes_left\tpages_left\tvalid_until"
CSV_HEADER = ("session;poste;site;d\u00e9but;fin;dur\u00e9e (s);dur\u00e9e (min);pages;"
              "motif de fin;hors ligne;pages imprim\u00e9es;pages refus\u00e9es;pages rendues")
BOM = b"\xef\xbb\xbf"

# Variables of the caller's environment that would change what escalectl does
# (a proxy would swallow requests to 127.0.0.1); each test sets its own.
SCRUBBED = ("ESCALE_URL", "ESCALE_TOKEN", "ESCALE_CACERT", "http_proxy", "https_proxy",
            "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY")


class Run:
    def __init__(self, argv, proc):
        self.argv = argv
        self.rc = proc.returncode
        self.raw = proc.stdout
        self.out = proc.stdout.decode("utf-8", errors="replace")
        self.err = proc.stderr.decode("utf-8", errors="replace")
        self.lines = self.out.splitlines()

    def __str__(self):
        return "%s\n-> exit %d\nstdout: %r\nstderr: %r" % (
            " ".join(self.argv[1:]), self.rc, self.out[:2000], self.err[:2000])


def run_escalectl(args, env=None, timeout=60):
    full_env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    if env:
        full_env.update(env)
    argv = [escalectl_path()] + list(args)
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=full_env, timeout=timeout)
    return Run(argv, proc)


# What escalectl prints for a value of an answer (docs/escalectl.md, OUTPUT).

def cell(v):
    if v is None or v == "":
        return "-"
    if v is True:
        return "yes"
    if v is False:
        return "no"
    return str(v)


def tcell(t):
    if isinstance(t, int) and not isinstance(t, bool) and t > 0:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))
    return "-"


class CliTestCase(AdmindTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.url = "http://127.0.0.1:%d" % cls.server.port

    # ---- running escalectl

    def ctl(self, *args, token=None, url=None, env=None):
        """escalectl --url URL --token TOKEN ARGS (admin's token unless told)."""
        return run_escalectl(["--url", url or self.url, "--token", token or self.admin]
                             + list(args), env=env)

    def assertOk(self, r, lines=None):
        """R exited 0, said nothing on stderr and ended its output with a newline."""
        self.assertEqual(r.rc, 0, str(r))
        self.assertEqual(r.err, "", str(r))
        if r.out:
            self.assertTrue(r.out.endswith("\n"), "last line without newline: " + str(r))
        if lines is not None:
            self.assertEqual(r.lines, lines, str(r))
        return r.lines

    def ok(self, *args, **kw):
        return self.assertOk(self.ctl(*args, **kw))

    def assertFailed(self, r, rc, message=None, contains=()):
        """R exited RC, printed nothing on stdout and an 'escalectl: ' message on stderr
        (MESSAGE exactly as its first line, if given); a usage error also prints the usage."""
        self.assertEqual(r.rc, rc, str(r))
        self.assertEqual(r.out, "", "nothing on stdout on error: " + str(r))
        self.assertTrue(r.err.startswith("escalectl: "), str(r))
        first = r.err.splitlines()[0]
        if message is not None:
            self.assertEqual(first, "escalectl: " + message, str(r))
        for word in contains:
            self.assertIn(word, r.err, str(r))
        if rc == 2:
            self.assertIn("usage:", r.err, "no usage on stderr: " + str(r))
        else:
            self.assertNotIn("usage:", r.err, str(r))
        return r

    def fails(self, rc, *args, message=None, contains=(), **kw):
        return self.assertFailed(self.ctl(*args, **kw), rc, message, contains)

    def server_message(self, method, path, body=None, token=None):
        """The 'message' of the error the API gives for this request (nothing changes)."""
        st, _, d = self.req(method, path, body, token or self.admin)
        self.assertGreaterEqual(st, 400, "%s %s -> %d %r" % (method, path, st, d))
        return d["message"]

    # ---- helpers over the API

    def kiosk_by_id(self, kid):
        for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]:
            if k["id"] == kid:
                return k
        self.fail("kiosk %r not in GET /api/v1/kiosks" % kid)

    def code_ids(self):
        return {c["id"] for c in self.codes_list()}

    def cli_kiosk(self, site="Salle B"):
        """escalectl kiosk add -> (id, name, token)."""
        name = self.unique("pc")
        lines = self.ok("kiosk", "add", name, "--site", site)
        self.assertEqual(len(lines), 2, lines)
        m = re.match(r"^kiosk (\S+) \(id (\d+), site ([^)]*)\) created; ", lines[0])
        self.assertTrue(m, lines)
        self.assertEqual((m.group(1), m.group(3)), (name, site))
        return int(m.group(2)), name, lines[-1]

    def cli_code(self, *opts):
        """escalectl code new OPTS (one code) -> (code, id)."""
        before = self.code_ids()
        lines = self.ok("code", "new", *opts)
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], CODE_LINE)
        new = self.code_ids() - before
        self.assertEqual(len(new), 1, new)
        return lines[0], new.pop()

    def code_line(self, c):
        secs = c["seconds_left"]
        return "\t".join([cell(c["id"]), cell(c["hint"]), cell(c["state"]),
                          str(secs // 60) if isinstance(secs, int) and secs >= 0 else "-",
                          cell(c["pages_left"]), tcell(c["valid_until"])])

    def session_line(self, s):
        used = s["seconds_used"]
        return "\t".join([cell(s["id"]), cell(s["kiosk"]), cell(s["site"]), cell(s["code_id"]),
                          tcell(s["started_at"]), tcell(s["ended_at"]),
                          "%d:%02d" % (used // 60, used % 60) if isinstance(used, int) and used >= 0
                          else "-",
                          cell(s["pages_used"]),
                          "active" if s["active"] is True else cell(s["end_reason"])])

    def kiosk_line(self, k):
        return "\t".join([cell(k["id"]), cell(k["name"]), cell(k["site"]), cell(k["state"]),
                          "revoked" if k["revoked"] is True else
                          ("online" if k["online"] is True else "offline"),
                          tcell(k["last_seen"]), cell(k["session"]),
                          cell(k["settings_version"]), cell(k["site_settings_version"])])


# ---------------------------------------------------------------- users


class Users(CliTestCase):

    def test_db_user_add(self):
        """--db DB user add: the last line is a working token; a taken name is exit 1."""
        name = self.unique("alice")
        r = run_escalectl(["--db", self.server.db, "user", "add", name, "--role", "secretariat"])
        self.assertOk(r)
        self.assertEqual(len(r.lines), 2, str(r))
        self.assertEqual(r.lines[0], "user %s (secretariat) created" % name)
        token = r.lines[-1]
        self.assertRegex(token, r"^est_\S+$")
        self.assertOk(self.ctl("whoami", token=token), [name + "\tsecretariat"])
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=token),
                         {"name": name, "role": "secretariat", "sites": None})
        before = self.server.snapshot()
        r = run_escalectl(["--db", self.server.db, "user", "add", name, "--role", "maintenance"])
        self.assertFailed(r, 1, "user %s already exists" % name)
        r = run_escalectl(["--db", self.server.db, "user", "add", "admin", "--role", "admin"])
        self.assertFailed(r, 1, "user admin already exists")
        self.assertEqual(self.server.snapshot(), before)

    def test_db_user_add_bad_role(self):
        before = self.server.snapshot()
        for argv in (["user", "add", self.unique("bob"), "--role", "superuser"],
                     ["user", "add", self.unique("bob")],
                     ["user", "add", "--role", "admin"]):
            self.assertFailed(run_escalectl(["--db", self.server.db] + argv), 2)
        self.assertFailed(run_escalectl(["--db", self.server.db, "user", "add", "x", "--role",
                                         "root"]), 2, contains=("root",))
        self.assertEqual(self.server.snapshot(), before)

    def test_db_user_add_creates_database(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "fresh.db")
            r = run_escalectl(["--db", db, "user", "add", "first", "--role", "admin"])
            self.assertOk(r)
            self.assertEqual(r.lines[0], "user first (admin) created")
            self.assertRegex(r.lines[-1], r"^est_\S+$")
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            try:
                tables = {x[0] for x in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")}
            finally:
                con.close()
            self.assertIn("kiosks", tables)

    def test_user_add_over_http(self):
        name = self.unique("carol")
        lines = self.ok("user", "add", name, "--role", "maintenance")
        self.assertEqual(len(lines), 2, lines)
        self.assertEqual(lines[0], "user %s (maintenance) created" % name)
        token = lines[-1]
        self.assertRegex(token, r"^est_\S+$")
        self.assertOk(self.ctl("whoami", token=token), [name + "\tmaintenance"])
        # a name already taken: the server's message, exit 1
        msg = self.server_message("POST", "/api/v1/users", {"name": name, "role": "admin"})
        self.fails(1, "user", "add", name, "--role", "admin", message=msg)
        # a bad role never reaches the server
        self.fails(2, "user", "add", self.unique("dave"), "--role", "boss")
        # only admin may add users
        msg = self.server_message("POST", "/api/v1/users", {"name": "eve", "role": "admin"},
                                  token)
        self.fails(1, "user", "add", "eve", "--role", "admin", token=token, message=msg)

    def test_user_sites(self):
        name = self.unique("frank")
        token = self.ok("user", "add", name, "--role", "maintenance", "--site", "Nord")[-1]
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=token)["sites"], ["Nord"])
        uid = [u["id"] for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]
               if u["name"] == name][0]
        self.assertEqual(self.ok("user", "sites", name, "--site", "Nord", "--site", "Sud"),
                         ["user %d: Nord, Sud (from its next request)" % uid])
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=token)["sites"],
                         ["Nord", "Sud"])
        self.assertEqual(self.ok("user", "sites", str(uid), "--all"),
                         ["user %d: every site (from its next request)" % uid])
        self.assertIsNone(self.api("GET", "/api/v1/whoami", token=token)["sites"])
        # Neither or both: refused before any request; a bad site by the server.
        self.fails(2, "user", "sites", name, contains=("--all",))
        self.fails(2, "user", "sites", name, "--all", "--site", "Nord")
        self.fails(2, "user", "sites", "--all")
        self.fails(2, "user", "sites", name, "--site", "a\x01")
        self.fails(1, "user", "sites", name, "--site", "x" * 65)
        self.fails(1, "user", "sites", "nobody-" + name, "--all")
        self.fails(1, "user", "sites", name, "--all", token=token)
        self.assertIsNone(self.api("GET", "/api/v1/whoami", token=token)["sites"])

    def test_user_list(self):
        self.new_user("secretariat")
        self.new_user("maintenance")
        users = self.api("GET", "/api/v1/users", token=self.admin)["users"]
        want = ["\t".join([cell(u["id"]), cell(u["name"]), cell(u["role"]),
                           tcell(u["created_at"]), "disabled" if u["disabled"] else "active",
                           ",".join(u["sites"]) if u["sites"] else "all"])
                for u in users]
        lines = self.ok("user", "list")
        self.assertEqual(lines, want)
        self.assertIn("admin", [l.split("\t")[1] for l in lines])
        for l in lines:
            self.assertRegex(l, r"^\d+\t[^\t]+\t(admin|secretariat|maintenance)\t" + TIME_RE +
                             r"\t(active|disabled)\t[^\t]+$")

    def test_user_list_sites(self):
        # One site, two sites, every site: the last column says which.
        one = self.unique("gina")
        two = self.unique("hugo")
        every = self.unique("ines")
        self.ok("user", "add", one, "--role", "secretariat", "--site", "Nord")
        self.ok("user", "add", two, "--role", "maintenance", "--site", "Nord", "--site", "Sud")
        self.ok("user", "add", every, "--role", "secretariat")
        rows = {l.split("\t")[1]: l.split("\t") for l in self.ok("user", "list")}
        self.assertEqual(rows[one][-1], "Nord")
        self.assertEqual(rows[two][-1], "Nord,Sud")
        self.assertEqual(rows[every][-1], "all")
        self.assertEqual(rows["admin"][-1], "all")
        self.ok("user", "sites", two, "--all")
        rows = {l.split("\t")[1]: l.split("\t") for l in self.ok("user", "list")}
        self.assertEqual(rows[two][-1], "all")
        self.assertEqual(len(rows[one]), 6)

    def test_user_disable_and_token(self):
        name, tok = self.new_user("secretariat")
        lines = self.ok("user", "token", name)
        self.assertEqual(len(lines), 2, lines)
        new = lines[-1]
        self.assertTrue(new.startswith("est_") and new != tok, lines)
        self.assertEqual(self.ok("whoami", token=new), [name + "\tsecretariat"])
        self.fails(1, "whoami", token=tok, message="unknown or revoked staff token")
        uid = [u["id"] for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]
               if u["name"] == name][0]
        self.assertEqual(self.ok("user", "disable", str(uid)),
                         ["user %d disabled; its tokens no longer work" % uid])
        self.fails(1, "whoami", token=new, message="unknown or revoked staff token")
        self.assertIn("%d\t%s\tsecretariat" % (uid, name),
                      "\n".join(self.ok("user", "list")))
        self.assertTrue(self.ok("user", "list")[[l.split("\t")[0] for l in
                                                 self.ok("user", "list")].index(str(uid))]
                        .endswith("\tdisabled\tall"))
        self.fails(1, "user", "disable", "nobody-" + name,
                   message="no user named 'nobody-%s'" % name)
        self.fails(2, "user", "disable")
        _, sec = self.new_user("secretariat")
        msg = self.server_message("GET", "/api/v1/users", token=sec)
        self.fails(1, "user", "list", token=sec, message=msg)

    def test_whoami(self):
        self.assertEqual(self.ok("whoami"), ["admin\tadmin"])
        name, tok = self.new_user("maintenance")
        self.assertEqual(self.ok("whoami", token=tok), [name + "\tmaintenance"])


# ---------------------------------------------------------------- kiosks


class Kiosks(CliTestCase):

    def commands(self, ktoken, state="login"):
        return self.heartbeat(ktoken, state)["commands"]

    def test_add_list(self):
        kid, name, kt = self.cli_kiosk(site="Centre nord")
        self.assertRegex(kt, r"^esk_\S+$")
        k = self.kiosk_by_id(kid)
        self.assertEqual((k["name"], k["site"]), (name, "Centre nord"))
        # the kiosk API accepts the token
        hb = self.heartbeat(kt, "login")
        self.assertEqual(hb["commands"], [])
        lines = self.ok("kiosk", "list")
        mine = [l for l in lines if l.split("\t")[0] == str(kid)]
        self.assertEqual(len(mine), 1, lines)
        f = mine[0].split("\t")
        self.assertEqual(len(f), 9, f)
        self.assertEqual(f[:6], [str(kid), name, "Centre nord", "login", "online",
                                 tcell(self.kiosk_by_id(kid)["last_seen"])])
        self.assertRegex(f[5], "^" + TIME_RE + "$")
        self.assertEqual(f[6], "-")
        # Its site's settings version, and the one it applies (issue 20: "settings
        # version" in the kiosk list).
        site = self.unique("Centre")
        kid2, _, kt2 = self.cli_kiosk(site=site)
        self.api("PUT", "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe=""),
                 {"language": "fr"}, self.admin)
        mine = [l.split("\t") for l in self.ok("kiosk", "list") if l.split("\t")[0] == str(kid2)]
        self.assertEqual(mine[0][7:], ["-", "1"])
        self.heartbeat(kt2, "login", settings_version=1)
        mine = [l.split("\t") for l in self.ok("kiosk", "list") if l.split("\t")[0] == str(kid2)]
        self.assertEqual(mine[0][7:], ["1", "1"])
        # every line as the API reports the kiosks
        want = [self.kiosk_line(k) for k in self.api("GET", "/api/v1/kiosks",
                                                     token=self.admin)["kiosks"]]
        self.assertEqual(self.ok("kiosk", "list"), want)

    def test_add_without_site(self):
        name = self.unique("nosite")
        lines = self.ok("kiosk", "add", name)
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], r"^kiosk %s \(id \d+\) created; " % re.escape(name))
        self.assertRegex(lines[1], r"^esk_\S+$")
        self.heartbeat(lines[1], "login")

    def test_add_refused(self):
        kid, name, _ = self.cli_kiosk()
        msg = self.server_message("POST", "/api/v1/kiosks", {"name": name, "site": ""})
        self.fails(1, "kiosk", "add", name, message=msg)
        _, sec = self.new_user("secretariat")
        msg = self.server_message("POST", "/api/v1/kiosks", {"name": "zz", "site": ""}, sec)
        self.fails(1, "kiosk", "add", "zz", token=sec, message=msg)
        self.fails(2, "kiosk", "add")

    def test_commands_by_name_and_id(self):
        kid, name, kt = self.cli_kiosk()
        _, sec = self.new_user("secretariat")
        sent = []

        def send(args, ctype, text):
            lines = self.ok("kiosk", *args, token=sec)
            self.assertEqual(len(lines), 1, lines)
            m = re.match(r"^%s sent to kiosk %d \(command (\d+)\)$" % (ctype, kid), lines[0])
            self.assertTrue(m, lines)
            sent.append((int(m.group(1)), ctype, text))

        send(["message", name, "Fermeture dans 10 minutes"], "message",
             "Fermeture dans 10 minutes")
        send(["message", str(kid), "--", "-5 minutes"], "message", "-5 minutes")
        send(["lock", str(kid), "Maintenance"], "lock", "Maintenance")
        send(["unlock", name], "unlock", None)
        send(["lock", name], "lock", "")
        send(["unlock", str(kid)], "unlock", None)
        send(["unpause", name], "unpause", None)
        self.assertEqual(len({s[0] for s in sent}), len(sent), sent)

        cmds = self.commands(kt)
        self.assertEqual([c["id"] for c in cmds], [s[0] for s in sent], cmds)
        for c, (cid, ctype, text) in zip(cmds, sent):
            self.assertEqual(c["type"], ctype, cmds)
            if text is not None:
                self.assertEqual(c.get("text", ""), text, cmds)
        # acked, they are gone
        self.assertEqual(self.heartbeat(kt, "login", ack=[s[0] for s in sent])["commands"], [])
        self.assertEqual(self.commands(kt), [])

    def test_command_errors(self):
        kid, name, kt = self.cli_kiosk()
        self.fails(1, "kiosk", "message", "no-such-kiosk", "hello",
                   message="no kiosk named 'no-such-kiosk'")
        # a name made only of digits is taken as an id
        digits = "9%d" % (os.getpid() % 100000)
        _, dname, dt = self.cli_kiosk_named(digits)
        msg = self.server_message("POST", "/api/v1/kiosks/%s/commands" % digits,
                                  {"type": "message", "text": "x"})
        self.fails(1, "kiosk", "message", digits, "x", message=msg)
        self.assertEqual(self.commands(dt), [])
        # usage errors send nothing
        self.fails(2, "kiosk", "message", name)
        self.fails(2, "kiosk", "message", name, "a", "b")
        self.fails(2, "kiosk", "unlock")
        self.fails(2, "kiosk", "lock", name, "text", "more")
        self.fails(2, "kiosk", "message", name, "bell\x07")
        # maintenance may not send commands
        _, mnt = self.new_user("maintenance")
        msg = self.server_message("POST", "/api/v1/kiosks/%d/commands" % kid,
                                  {"type": "unlock"}, mnt)
        self.fails(1, "kiosk", "unlock", str(kid), token=mnt, message=msg)
        self.assertEqual(self.commands(kt), [])

    def cli_kiosk_named(self, name):
        lines = self.ok("kiosk", "add", name)
        m = re.match(r"^kiosk %s \(id (\d+)\) created; " % re.escape(name), lines[0])
        self.assertTrue(m, lines)
        return int(m.group(1)), name, lines[-1]

    def test_revoke(self):
        kid, name, kt = self.cli_kiosk()
        self.heartbeat(kt, "login")
        self.assertEqual(self.ok("kiosk", "revoke", name), ["kiosk %d revoked" % kid])
        st, _, d = self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, kt)
        self.assertEqual(st, 401, d)
        self.assertTrue(self.kiosk_by_id(kid)["revoked"])
        lines = [l for l in self.ok("kiosk", "list") if l.split("\t")[0] == str(kid)]
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0].split("\t")[4], "revoked")
        self.assertEqual(lines, [self.kiosk_line(self.kiosk_by_id(kid))])
        # by id
        kid2, _, kt2 = self.cli_kiosk()
        self.assertEqual(self.ok("kiosk", "revoke", str(kid2)), ["kiosk %d revoked" % kid2])
        st, _, d = self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, kt2)
        self.assertEqual(st, 401, d)

    def test_revoke_refused(self):
        kid, _, kt = self.cli_kiosk()
        _, sec = self.new_user("secretariat")
        msg = self.server_message("POST", "/api/v1/kiosks/%d/revoke" % kid, token=sec)
        self.fails(1, "kiosk", "revoke", str(kid), token=sec, message=msg)
        self.heartbeat(kt, "login")


# ---------------------------------------------------------------- codes


class Codes(CliTestCase):

    def test_new_three(self):
        _, sec = self.new_user("secretariat")
        before = self.code_ids()
        lines = self.ok("code", "new", "--minutes", "30", "--pages", "5", "--count", "3",
                        token=sec)
        self.assertEqual(len(lines), 3, lines)
        for l in lines:
            self.assertRegex(l, CODE_LINE)
        self.assertEqual(len(set(lines)), 3, lines)
        new = self.code_ids() - before
        self.assertEqual(len(new), 3)
        for code in lines:
            _, kt = self.new_kiosk()
            d = self.open_ok(kt, code)
            self.assertEqual((d["seconds_left"], d["pages_left"]), (30 * 60, 5), d)
            self.assertIn(self.session_by_id(d["session"])["code_id"], new)

    def test_new_spare(self):
        _, sec = self.new_user("secretariat")
        before = self.code_ids()
        lines = self.ok("code", "new", "--spare", "--count", "2", token=sec)
        self.assertEqual(len(lines), 2, lines)
        new = self.code_ids() - before
        self.assertEqual(len(new), 2)
        for cid in new:
            c = self.code_by_id(cid)
            self.assertIs(c["spare"], True, c)
            # The desk's spare validity (desk.spare_days, 28 by default), not default_days.
            self.assertAlmostEqual(c["valid_until"], time.time() + 28 * 86400, delta=120)
        _, cid = self.cli_code("--minutes", "7")
        self.assertIs(self.code_by_id(cid)["spare"], False)

    def test_new_options_before_or_after(self):
        code, cid = self.cli_code("--days", "2", "--minutes", "7")
        c = self.code_by_id(cid)
        self.assertEqual(c["seconds_left"], 7 * 60)
        self.assertAlmostEqual(c["valid_until"], time.time() + 2 * 86400, delta=120)

    def test_new_until(self):
        tomorrow = time.localtime(time.time() + 86400)
        text = time.strftime("%Y-%m-%dT12:30", tomorrow)
        want = int(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M")))
        _, cid = self.cli_code("--minutes", "10", "--until", text)
        self.assertEqual(self.code_by_id(cid)["valid_until"], want)
        _, cid = self.cli_code("--minutes", "10", "--until", str(want + 60))
        self.assertEqual(self.code_by_id(cid)["valid_until"], want + 60)

    def test_new_until_too_far(self):
        before = self.server.snapshot()
        msg = self.server_message("POST", "/api/v1/codes",
                                  {"count": 1, "valid_until": "2099-06-01T12:00"})
        self.assertIn("366", msg)
        self.fails(1, "code", "new", "--until", "2099-06-01T12:00", message=msg)
        self.assertEqual(self.server.snapshot(), before)

    def test_new_usage_errors(self):
        before = self.server.snapshot()
        self.fails(2, "code", "new", "--minutes", "abc", contains=("--minutes", "abc"))
        for argv in (["--minutes", "0"], ["--minutes", "1441"], ["--pages", "-1"],
                     ["--pages", "1001"], ["--days", "0"], ["--days", "367"],
                     ["--count", "0"], ["--count", "x"], ["--until", "2026-13-01T10:00"],
                     ["--until", "tomorrow"], ["--days", "2", "--until", "2099-01-01T10:00"],
                     ["--frob"], ["extra"], ["--minutes"]):
            self.fails(2, "code", "new", *argv)
        self.assertEqual(self.server.snapshot(), before)

    def test_list(self):
        _, cid = self.cli_code("--minutes", "20", "--pages", "3")
        lines = self.ok("code", "list")
        self.assertEqual(lines[0], CODE_HEADER)
        want = [self.code_line(c) for c in self.codes_list("active")]
        self.assertEqual(lines[1:], want)
        mine = [l for l in lines[1:] if l.split("\t")[0] == str(cid)]
        self.assertEqual(len(mine), 1, lines)
        f = mine[0].split("\t")
        self.assertEqual(f[2:5], ["active", "20", "3"])
        self.assertRegex(f[5], "^" + TIME_RE + "$")
        # --all also shows revoked ones
        _, rid = self.cli_code()
        self.api("POST", "/api/v1/codes/revoke", {"id": rid}, self.admin)
        lines = self.ok("code", "list")
        self.assertNotIn(str(rid), [l.split("\t")[0] for l in lines[1:]])
        lines = self.ok("code", "list", "--all")
        self.assertEqual(lines[0], CODE_HEADER)
        self.assertEqual(lines[1:], [self.code_line(c) for c in self.codes_list("all")])
        self.assertEqual([l.split("\t")[2] for l in lines[1:] if l.split("\t")[0] == str(rid)],
                         ["revoked"])

    def test_revoke_by_code(self):
        code, cid = self.cli_code()
        self.assertEqual(self.ok("code", "revoke", code), ["code %d revoked" % cid])
        self.assertEqual(self.code_by_id(cid)["state"], "revoked")
        _, kt = self.new_kiosk()
        self.assertError(self.open_session(kt, code), 403, "code_revoked")
        # forgiving form of the code
        code2, cid2 = self.cli_code()
        self.assertEqual(self.ok("code", "revoke", normalise(code2)), ["code %d revoked" % cid2])
        self.assertError(self.open_session(kt, code2), 403, "code_revoked")

    def test_revoke_by_id(self):
        code, cid = self.cli_code()
        self.assertEqual(self.ok("code", "revoke", "#%d" % cid), ["code %d revoked" % cid])
        self.assertEqual(self.code_by_id(cid)["state"], "revoked")
        _, kt = self.new_kiosk()
        self.assertError(self.open_session(kt, code), 403, "code_revoked")

    def test_revoke_errors(self):
        msg = self.server_message("POST", "/api/v1/codes/revoke", {"id": 987654})
        self.fails(1, "code", "revoke", "#987654", message=msg)
        msg = self.server_message("POST", "/api/v1/codes/revoke", {"code": "0000 0001"})
        self.fails(1, "code", "revoke", "0000 0001", message=msg)
        self.fails(2, "code", "revoke", "#abc")
        self.fails(2, "code", "revoke", "#0")
        self.fails(2, "code", "revoke")
        _, mnt = self.new_user("maintenance")
        code, cid = self.cli_code()
        msg = self.server_message("POST", "/api/v1/codes/revoke", {"id": cid}, mnt)
        self.fails(1, "code", "revoke", "#%d" % cid, token=mnt, message=msg)
        self.assertEqual(self.code_by_id(cid)["state"], "active")

    def test_extend(self):
        code, cid = self.cli_code("--minutes", "30", "--pages", "5")
        self.assertEqual(self.code_by_id(cid)["seconds_left"], 1800)
        lines = self.ok("code", "extend", code, "--minutes", "15")
        c = self.code_by_id(cid)
        self.assertEqual(c["seconds_left"], 45 * 60)
        self.assertEqual(c["pages_left"], 5)
        self.assertEqual(lines, [CODE_HEADER, self.code_line(c)])
        self.assertEqual(lines[1].split("\t")[:5], [str(cid), c["hint"], "active", "45", "5"])
        # by id, pages and days; options before the argument
        until = c["valid_until"]
        lines = self.ok("code", "extend", "--pages", "2", "--days", "1", "#%d" % cid)
        c = self.code_by_id(cid)
        self.assertEqual((c["seconds_left"], c["pages_left"], c["valid_until"]),
                         (45 * 60, 7, until + 86400))
        self.assertEqual(lines, [CODE_HEADER, self.code_line(c)])
        # the session it opens has the time
        _, kt = self.new_kiosk()
        self.assertEqual(self.open_ok(kt, code)["seconds_left"], 45 * 60)

    def test_extend_errors(self):
        code, cid = self.cli_code()
        before = self.server.snapshot()
        self.fails(2, "code", "extend", code, contains=("--minutes",))
        self.fails(2, "code", "extend", code, "--minutes", "abc")
        self.fails(2, "code", "extend", code, "--minutes", "1441")
        self.fails(2, "code", "extend", "--minutes", "5")
        msg = self.server_message("POST", "/api/v1/codes/extend", {"id": cid, "minutes": 0})
        self.fails(1, "code", "extend", "#%d" % cid, "--minutes", "0", message=msg)
        msg = self.server_message("POST", "/api/v1/codes/extend", {"id": 987654, "minutes": 1})
        self.fails(1, "code", "extend", "#987654", "--minutes", "1", message=msg)
        self.assertEqual(self.server.snapshot(), before)


# ---------------------------------------------------------------- sessions


class Sessions(CliTestCase):

    def running(self):
        """A kiosk with a session running 61 s into a 30 min code -> (kiosk token, sid, code id)."""
        kid, name, kt = self.cli_kiosk(site="Annexe")
        code, cid = self.cli_code("--minutes", "30", "--pages", "4")
        sid = self.open_ok(kt, code)["session"]
        hb = self.heartbeat(kt, "session", session=sid, seconds_used=61)
        self.assertTrue(hb["session"]["active"], hb)
        return kt, sid, cid, name

    def test_list(self):
        kt, sid, cid, name = self.running()
        active = self.ok("session", "list", "--active")
        self.assertEqual(active, [self.session_line(s) for s in self.sessions_list(active=True)])
        mine = [l for l in active if l.split("\t")[0] == sid]
        self.assertEqual(len(mine), 1, active)
        f = mine[0].split("\t")
        self.assertEqual(len(f), 9, f)
        self.assertEqual(f[1:4], [name, "Annexe", str(cid)])
        self.assertRegex(f[4], "^" + TIME_RE + "$")
        self.assertEqual((f[5], f[6], f[8]), ("-", "1:01", "active"))
        # an ended session is only in the full list, newest first
        self.end_session(kt, sid, reason="user", seconds_used=125)
        self.assertNotIn(sid, [l.split("\t")[0] for l in self.ok("session", "list", "--active")])
        lines = self.ok("session", "list")
        self.assertEqual(lines, [self.session_line(s) for s in self.sessions_list()])
        f = [l for l in lines if l.split("\t")[0] == sid][0].split("\t")
        self.assertRegex(f[5], "^" + TIME_RE + "$")
        self.assertEqual((f[6], f[8]), ("2:05", "user"))
        # maintenance may list
        _, mnt = self.new_user("maintenance")
        self.assertEqual(self.ok("session", "list", token=mnt), lines)

    def test_add_time(self):
        kt, sid, cid, _ = self.running()
        left = self.heartbeat(kt, "session", session=sid, seconds_used=61)["session"]["seconds_left"]
        _, sec = self.new_user("secretariat")
        self.assertEqual(self.ok("session", "add-time", sid, "10", token=sec),
                         ["session %s: 10 minutes added" % sid])
        hb = self.heartbeat(kt, "session", session=sid, seconds_used=61)
        self.assertEqual(hb["session"]["seconds_left"], left + 600, hb)
        adds = [c for c in hb["commands"] if c["type"] == "add_time"]
        self.assertEqual(len(adds), 1, hb)
        self.assertEqual((adds[0]["session"], adds[0]["seconds"]), (sid, 600))
        # the add_time spelling
        self.assertEqual(self.ok("session", "add_time", sid, "1"),
                         ["session %s: 1 minutes added" % sid])
        hb = self.heartbeat(kt, "session", session=sid, seconds_used=61)
        self.assertEqual(hb["session"]["seconds_left"], left + 660, hb)
        for bad in ("0", "481", "abc", "-5"):
            self.fails(2, "session", "add-time", sid, bad)
        self.fails(2, "session", "add-time", sid)
        self.fails(2, "session", "add-time", "../x", "5")

    def test_end(self):
        kt, sid, cid, _ = self.running()
        _, sec = self.new_user("secretariat")
        self.assertEqual(self.ok("session", "end", sid, token=sec), ["session %s ended" % sid])
        hb = self.heartbeat(kt, "session", session=sid, seconds_used=70)
        self.assertIs(hb["session"]["active"], False, hb)
        self.assertEqual(hb["session"]["end_reason"], "staff", hb)
        ends = [c for c in hb["commands"] if c["type"] == "end_session"]
        self.assertEqual([c["session"] for c in ends], [sid], hb)
        self.assertFalse(self.session_by_id(sid)["active"])
        # ending it again: the server's 409 message
        msg = self.server_message("POST", "/api/v1/sessions/%s/end" % sid)
        self.fails(1, "session", "end", sid, message=msg)
        msg = self.server_message("POST", "/api/v1/sessions/%s/end" % ("f" * 32))
        self.fails(1, "session", "end", "f" * 32, message=msg)
        self.fails(2, "session", "end")
        self.fails(2, "session", "end", "a b")


# ---------------------------------------------------------------- reports


class Reports(CliTestCase):

    USED = [600, 1260, 75]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        self = cls.helper()
        _, kt = self.new_kiosk(name="Salle A", site="Nord")
        codes = self.new_codes(count=len(cls.USED))
        cls.sessions = []
        for c, secs in zip(codes, cls.USED):
            sid = self.open_ok(kt, c["code"])["session"]
            self.end_session(kt, sid, seconds_used=secs)
            cls.sessions.append(sid)
        _, cls.mnt = self.new_user("maintenance")

    def test_usage_csv(self):
        r = self.ctl("usage", "--format", "csv", token=self.mnt)
        self.assertOk(r)
        data = r.raw
        self.assertTrue(data.startswith(BOM + CSV_HEADER.encode("utf-8") + b"\r\n"), data[:120])
        self.assertTrue(data.endswith(b"\r\n"))
        rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
        self.assertEqual(len(rows), 1 + len(self.sessions), rows)
        self.assertEqual(sorted(r[0] for r in rows[1:]), sorted(self.sessions))
        # the default format is csv; the bytes are the server's
        r2 = self.ctl("usage", token=self.mnt)
        self.assertOk(r2)
        self.assertEqual(r2.raw, data)
        q = "from=%s&to=%s" % (today_local(-1), today_local(1))
        st, _, api = self.req("GET", "/api/v1/usage?format=csv&" + q, token=self.mnt)
        self.assertEqual(st, 200)
        r3 = self.ctl("usage", "--from", today_local(-1), "--to", today_local(1), token=self.mnt)
        self.assertOk(r3)
        self.assertEqual(r3.raw, api)
        # an empty period: the header only
        r4 = self.ctl("usage", "--from", "2001-01-01", "--to", "2001-01-31")
        self.assertOk(r4)
        self.assertEqual(r4.raw, BOM + CSV_HEADER.encode("utf-8") + b"\r\n")

    def test_usage_json(self):
        r = self.ctl("usage", "--format", "json", token=self.mnt)
        self.assertOk(r)
        d = json.loads(r.out)
        self.assertEqual(sorted(s["id"] for s in d["sessions"]), sorted(self.sessions))
        by_id = {s["id"]: s["seconds_used"] for s in d["sessions"]}
        self.assertEqual([by_id[s] for s in self.sessions], self.USED)
        r = self.ctl("usage", "--from", today_local(-2), "--to", today_local(), "--format", "json")
        self.assertOk(r)
        d = json.loads(r.out)
        self.assertEqual((d["from"], d["to"]), (today_local(-2), today_local()))

    def test_usage_errors(self):
        # dates are checked before anything is sent (docs/escalectl.md, EXIT STATUS)
        self.fails(2, "usage", "--from", "2026-13-01", contains=("2026-13-01",))
        self.fails(2, "usage", "--to", "2026-02-30")
        self.fails(2, "usage", "--from", "yesterday")
        self.fails(2, "usage", "--from", "2025-01-10", "--to", "2025-01-01")
        self.fails(2, "usage", "--format", "xls", contains=("xls",))
        self.fails(2, "usage", "extra")
        _, sec = self.new_user("secretariat")
        msg = self.server_message("GET", "/api/v1/usage?format=csv", token=sec)
        self.fails(1, "usage", token=sec, message=msg)

    def test_stats(self):
        r = self.ctl("stats", token=self.mnt)
        self.assertOk(r)
        d = json.loads(r.out)
        self.assertEqual(d["sessions"], len(self.sessions))
        self.assertEqual(d, self.api("GET", "/api/v1/stats", token=self.mnt))
        self.assertIn('\n  "sessions": ', r.out, "not indented JSON")
        r = self.ctl("stats", "--from", "2001-01-01", "--to", "2001-01-02")
        self.assertOk(r)
        self.assertEqual(json.loads(r.out)["sessions"], 0)
        self.fails(2, "stats", "--from", "2026-13-01")
        self.fails(2, "stats", "--to", "soon")

    def test_audit(self):
        lines = self.ok("audit", token=self.mnt)
        audit = self.api("GET", "/api/v1/audit", token=self.mnt)["audit"]
        self.assertTrue(audit)
        self.assertEqual(len(lines), len(audit))
        for line, a in zip(lines, audit):
            f = line.split("\t")
            self.assertEqual(len(f), 6, line)
            self.assertEqual(f[:5], [cell(a["id"]), tcell(a["at"]), cell(a["user"]),
                                     cell(a["action"]), cell(a["target"])])
            if isinstance(a["detail"], (dict, list)):
                self.assertEqual(json.loads(f[5]), a["detail"], line)
            else:
                self.assertEqual(f[5], cell(a["detail"]), line)
        ids = [int(l.split("\t")[0]) for l in lines]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertIn("admin", [l.split("\t")[2] for l in lines])
        two = self.ok("audit", "--limit", "2")
        self.assertEqual(two, lines[:2])
        for bad in ("0", "10001", "x"):
            self.fails(2, "audit", "--limit", bad)
        _, sec = self.new_user("secretariat")
        msg = self.server_message("GET", "/api/v1/audit", token=sec)
        self.fails(1, "audit", token=sec, message=msg)


# ---------------------------------------------------------------- backup


def sqlite_tables(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        kiosks = [r[0] for r in con.execute("SELECT name FROM kiosks")] if "kiosks" in tables else []
        return ok, tables, kiosks
    finally:
        con.close()


class AccompanyCli(CliTestCase):
    """escalectl for accompanied sessions: a mediator's account and code, a service kept for
    accompanied sessions, a site's choice of services."""

    def test_accompany_commands(self):
        site = self.unique("Site")
        lines = self.ok("user", "add", self.unique("med"), "--role", "mediator", "--site", site)
        self.assertIn("(mediator)", lines[0])
        med = lines[-1]
        _, kt = self.new_kiosk(site=site)
        lines = self.ok("accompany", "code", token=med)
        self.assertRegex(lines[0], r"^\d{4} \d{4}$")
        self.assertTrue(lines[1].startswith("one accompanied session"), lines)
        self.assertIsNotNone(self.open_ok(kt, lines[0])["accompanied_by"])
        # Only a mediator; a mediator of one site names no other.
        self.fails(1, "accompany", "code")
        self.fails(1, "accompany", "code", "--site", self.unique("Other"), token=med)
        self.fails(2, "accompany", "code", "extra", token=med)
        self.fails(2, "accompany", "code", "--all", token=med)
        # A service kept for accompanied sessions, and back.
        lines = self.ok("service", "add", "Banque", "--url", "https://www.banque.example/",
                        "--domain", "banque.example", "--accompanied")
        self.assertEqual(lines[0].split("\t")[4], "accompanied", lines)
        lines = self.ok("service", "edit", "banque", "--accompanied", "no")
        self.assertEqual(lines[0].split("\t")[4], "-", lines)
        self.fails(2, "service", "edit", "banque", "--accompanied", "maybe")
        self.ok("service", "edit", "banque", "--accompanied", "yes")
        # The site offers it to its accompanied sessions.
        r = self.ctl("site", "set", site, "accompanied_services", '["banque"]')
        self.assertEqual(r.rc, 0, str(r))  # (the version on stderr)
        got = self.api("GET", "/api/v1/kiosk/services", token=kt)["services"]
        self.assertEqual([s["accompanied"] for s in got if s["id"] == "banque"], [True])
        self.fails(1, "site", "set", site, "services", '["Not An Id"]')


class ServicesCli(CliTestCase):
    """escalectl service, refusals and the per-service statistics."""

    def service(self, sid):
        for s in self.api("GET", "/api/v1/services", token=self.admin)["services"]:
            if s["id"] == sid:
                return s
        return None

    def test_service_commands(self):
        _, mnt = self.new_user("maintenance")
        _, sec = self.new_user("secretariat")
        lines = self.ok("service", "add", "Mairie", "--url", "https://www.mairie.example/",
                        "--domain", "mairie.example", "--domain", "cdn.example.net",
                        "--category", "Démarches", "--icon", "demarches", token=mnt)
        self.assertEqual(lines, ["mairie\tMairie\tDémarches\tdemarches\t-\t"
                                 "https://www.mairie.example/\tmairie.example cdn.example.net"])
        self.ok("service", "add", "Serveur", "--id", "intra", "--url", "https://intra.lan/",
                "--domain", "intra.lan", "--intranet", token=mnt)
        self.assertIs(self.service("intra")["intranet"], True)
        lines = self.ok("service", "list", token=sec)
        api = self.api("GET", "/api/v1/services", token=self.admin)["services"]
        self.assertEqual([line.split("\t")[0] for line in lines], [s["id"] for s in api])
        lines = self.ok("service", "edit", "mairie", "--name", "Mairie de quartier",
                        "--intranet", "no", token=mnt)
        self.assertTrue(lines[0].startswith("mairie\tMairie de quartier\t"), lines)
        self.ok("service", "add-domain", "mairie", "static.example.org", token=mnt)
        self.assertIn("static.example.org", self.service("mairie")["domains"])
        lines = self.ok("service", "move", "intra", "0", token=mnt)
        self.assertTrue(lines[0].startswith("intra\t"), lines)
        self.assertEqual(self.ok("service", "remove", "intra", token=mnt),
                         ["service intra removed"])
        self.assertIsNone(self.service("intra"))
        # The server's refusals reach the user with exit status 1.
        self.fails(1, "service", "add-domain", "mairie", "cdn.example.net", token=mnt,
                   contains=("already covers",))
        self.fails(1, "service", "remove", "intra", token=mnt)
        self.fails(1, "service", "add", "X", "--url", "https://x.example/", "--domain",
                   "x.example", token=sec, contains=("may not",))
        self.fails(1, "service", "add", "Mairie", "--url", "https://www.mairie.example/",
                   "--domain", "mairie.example", token=mnt)
        self.fails(1, "service", "add", "Y", "--url", "https://y.example/", "--domain",
                   "Y.EXAMPLE", token=mnt)
        # Usage errors: exit status 2, nothing sent.
        self.fails(2, "service", "add", "Z", "--domain", "z.example")
        self.fails(2, "service", "add", "Z", "--url", "https://z.example/")
        self.fails(2, "service", "add", "Z", "--name", "W", "--url", "https://z.example/",
                   "--domain", "z.example")
        self.fails(2, "service", "edit", "mairie")
        self.fails(2, "service", "edit", "mairie", "--id", "x")
        self.fails(2, "service", "edit", "mairie", "--intranet", "maybe")
        self.fails(2, "service", "edit", "../x", "--name", "y")
        self.fails(2, "service", "remove")
        self.fails(2, "service", "move", "mairie", "64")
        self.fails(2, "service", "add-domain", "mairie")
        self.fails(2, "service", "frobnicate")
        self.assertIsNone(self.service("z"))
        self.ok("service", "remove", "mairie", token=mnt)

    def test_service_import(self):
        _, mnt = self.new_user("maintenance")
        catalogue = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "config", "services.conf")
        # A service of the centre's with a catalogue id is kept as it is.
        self.api("POST", "/api/v1/services", {"id": "caf", "name": "CAF du Rhône",
                                              "url": "https://www.caf.fr/",
                                              "domains": ["caf.fr"]}, mnt, expect=201)
        lines = self.ok("service", "import", catalogue, token=mnt)
        self.assertEqual(lines[0], "caf\tkept (already in the list)")
        self.assertEqual(len(lines), 14, lines)
        self.assertTrue(all(line.endswith("\tadded") for line in lines[1:]), lines)
        served = {s["id"]: s for s in
                  self.api("GET", "/api/v1/services", token=mnt)["services"]}
        self.assertEqual(served["caf"]["name"], "CAF du Rhône")
        self.assertEqual(served["ants"]["icon"], "papiers")
        # Again: nothing added.
        lines = self.ok("service", "import", catalogue, token=mnt)
        self.assertTrue(all(line.endswith("kept (already in the list)") for line in lines))
        # A file with a mistake: FILE:LINE, nothing sent.
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.conf")
            with open(bad, "w", encoding="utf-8") as f:
                f.write('services = (\n { name = "Nouveau"; url = "https://n.example/";'
                        ' domains = [ "n.example" ]; },\n { name = "X"; url = "http://x/";'
                        ' domains = [ "x" ]; } );\n')
            self.fails(1, "service", "import", bad, token=mnt, contains=(bad + ":3:",))
            self.fails(1, "service", "import", os.path.join(d, "none.conf"), token=mnt,
                       contains=("cannot open",))
        self.assertNotIn("nouveau", [s["id"] for s in
                                     self.api("GET", "/api/v1/services", token=mnt)["services"]])
        self.fails(2, "service", "import")
        for sid in served:
            self.api("DELETE", "/api/v1/services/" + sid, token=mnt)

    def test_refusals_and_stats(self):
        _, ktoken = self.new_kiosk(site="Nord")
        day = today_local()
        self.api("POST", "/api/v1/kiosk/refusals", {"day": day, "hosts": [
            {"host": "cdn.example.net", "service": "caf", "count": 4},
            {"host": "ads.example.com", "service": None, "count": 2}]}, ktoken)
        lines = self.ok("refusals")
        self.assertEqual(lines, ["cdn.example.net\t4\t1\tcaf", "ads.example.com\t2\t1\t-"])
        self.assertEqual(self.ok("refusals", "--day", today_local(-1)), [])
        self.fails(2, "refusals", "--day", "2026-02-30")
        self.fails(2, "refusals", "extra")
        _, sec = self.new_user("secretariat")
        self.fails(1, "refusals", token=sec, contains=("may not",))
        # stats prints per_service.
        code = self.new_code()["code"]
        sid = self.open_ok(ktoken, code)["session"]
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                 {"reason": "user", "services": ["caf"]}, ktoken)
        d = json.loads(self.ctl("stats").out)
        self.assertEqual(d["per_service"], [{"service": "caf", "name": "caf", "sessions": 1}])


class Backup(CliTestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="escale-cli-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def check_backup(self, path, kiosk):
        with open(path, "rb") as f:
            self.assertEqual(f.read(16), b"SQLite format 3\0")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        base = os.path.basename(path)
        leftovers = [f for f in os.listdir(os.path.dirname(path)) if f.startswith(base + ".")]
        self.assertEqual(leftovers, [], "temporary files left beside the backup")
        ok, tables, kiosks = sqlite_tables(path)
        self.assertEqual(ok, "ok")
        self.assertIn("kiosks", tables)
        self.assertIn(kiosk, kiosks)

    def test_backup_over_http(self):
        kid, name, _ = self.cli_kiosk()
        _, mnt = self.new_user("maintenance")
        path = os.path.join(self.dir, "copy.db")
        self.assertEqual(self.ok("backup", path, token=mnt), ["backup written to %s" % path])
        self.check_backup(path, name)
        # never overwrites
        with open(path, "rb") as f:
            before = f.read()
        self.fails(1, "backup", path, contains=("already exists",))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)
        # a file left by someone else beside the target is never written into
        path2 = os.path.join(self.dir, "copy2.db")
        with open(path2 + ".tmp", "w") as f:
            f.write("not mine\n")
        os.chmod(path2 + ".tmp", 0o644)
        self.ok("backup", path2, token=mnt)
        self.assertEqual(stat.S_IMODE(os.stat(path2).st_mode), 0o600)
        with open(path2 + ".tmp") as f:
            self.assertEqual(f.read(), "not mine\n")
        # an empty file is not a database to back up
        empty = os.path.join(self.dir, "empty.db")
        open(empty, "w").close()
        self.fails(1, "--db", empty, "backup", os.path.join(self.dir, "x.db"),
                   contains=("is not an escale database",))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "x.db")))
        other = os.path.join(self.dir, "other.txt")
        with open(other, "w") as f:
            f.write("keep me\n")
        self.fails(1, "backup", other, contains=("already exists",))
        with open(other) as f:
            self.assertEqual(f.read(), "keep me\n")

    def test_backup_with_db(self):
        kid, name, _ = self.cli_kiosk()
        path = os.path.join(self.dir, "local.db")
        r = run_escalectl(["--db", self.server.db, "backup", path])
        self.assertOk(r, ["backup written to %s" % path])
        self.check_backup(path, name)
        r = run_escalectl(["--db", self.server.db, "backup", path])
        self.assertFailed(r, 1, contains=("already exists",))
        r = run_escalectl(["--db", os.path.join(self.dir, "missing.db"), "backup",
                           os.path.join(self.dir, "x.db")])
        self.assertFailed(r, 1)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "x.db")))

    def test_backup_refused(self):
        _, sec = self.new_user("secretariat")
        path = os.path.join(self.dir, "nope.db")
        msg = self.server_message("GET", "/api/v1/backup", token=sec)
        self.fails(1, "backup", path, token=sec, message=msg)
        self.assertFalse(os.path.exists(path))
        self.assertFalse(os.path.exists(path + ".tmp"))
        self.fails(2, "backup")
        self.fails(2, "backup", "")


# ---------------------------------------------------------------- errors and environment


class Errors(CliTestCase):

    def test_wrong_token(self):
        msg = self.server_message("GET", "/api/v1/whoami", token="est_" + "0" * 40)
        self.assertIn("token", msg)
        self.fails(1, "whoami", token="est_" + "0" * 40, message=msg)
        self.fails(1, "kiosk", "list", token="est_wrong", contains=("token",))

    def test_no_token(self):
        r = run_escalectl(["--url", self.url, "whoami"])
        self.assertFailed(r, 2, contains=("token",))
        r = run_escalectl(["--url", self.url, "code", "new"], env={"ESCALE_TOKEN": ""})
        self.assertFailed(r, 2, contains=("token",))

    def test_unreachable(self):
        port = free_port()
        url = "http://127.0.0.1:%d" % port
        r = self.fails(1, "whoami", url=url)
        self.assertTrue(r.err.startswith("escalectl: cannot reach escale-admind at %s: " % url),
                        str(r))
        r = self.fails(1, "code", "new", url=url)
        self.assertTrue(r.err.startswith("escalectl: cannot reach escale-admind at %s" % url),
                        str(r))

    def test_bad_url(self):
        for url in ("ftp://127.0.0.1/", "127.0.0.1:8080", "http://", "http://a b",
                    "http://user:secret@127.0.0.1:8080"):
            r = self.fails(2, "whoami", url=url)
            self.assertNotIn("secret", r.err)

    def test_usage_errors(self):
        self.fails(2, "frobnicate", contains=("frobnicate",))
        self.fails(2, "code", "frob")
        self.fails(2, "code")
        self.fails(2, "whoami", "extra")
        self.fails(2, "code", "new", "--minutes", "abc", contains=("--minutes", "abc"))
        self.assertFailed(run_escalectl([]), 2)
        self.assertFailed(run_escalectl(["--frob"]), 2)
        self.assertFailed(run_escalectl(["--url", self.url, "--token", self.admin]), 2)
        # --db is only for user add and backup
        self.assertFailed(run_escalectl(["--db", self.server.db, "whoami"]), 2)
        self.assertFailed(run_escalectl(["--db", self.server.db, "kiosk", "list"]), 2)

    def test_printer_add_and_remove_errors(self):
        """Printing is off on this admind: add and remove say how to switch it on; the
        words are checked before any request (the run-time printers themselves:
        test_print_runtime.py, against a private cupsd)."""
        r = self.fails(1, "printer", "add", "accueil", "--site", "ESC", "--cups-server",
                       "10.0.1.5:631")
        self.assertIn("print.enabled = true", r.err)
        self.fails(1, "printer", "remove", "accueil", contains=("print.enabled = true",))
        self.fails(2, "printer", "add", "accueil", contains=("--site and --cups-server",))
        self.fails(2, "printer", "add", "accueil", "--site", "ESC")
        self.fails(2, "printer", "add", "a/b", "--site", "ESC", "--cups-server", "h")
        self.fails(2, "printer", "add", "--site", "ESC", "--cups-server", "h")
        self.fails(2, "printer", "add", "a", "b", "--site", "ESC", "--cups-server", "h")
        self.fails(2, "printer", "add", "a", "--site", "ESC", "--cups-server", "h\x01")
        self.fails(2, "printer", "add", "a", "--frob", "x")
        self.fails(2, "printer", "remove")
        self.fails(2, "printer", "remove", "../x")
        self.fails(2, "printer", "remove", "a", "b")

    def test_help_and_version(self):
        r = run_escalectl(["--help"])
        self.assertOk(r)
        self.assertTrue(r.lines[0].startswith("usage: escalectl "), str(r))
        for cmd in ("user add", "kiosk list", "code new", "session add-time", "usage", "backup"):
            self.assertIn("  " + cmd, r.out)
        self.assertOk(run_escalectl(["-h"]), r.lines)
        r = run_escalectl(["code", "new", "--help"])
        self.assertOk(r)
        self.assertEqual(len(r.lines), 1, str(r))
        self.assertTrue(r.lines[0].startswith("usage: escalectl code new "), str(r))
        self.assertIn("--minutes", r.lines[0])
        r = run_escalectl(["kiosk", "--help"])
        self.assertOk(r)
        self.assertIn("escalectl kiosk message KIOSK TEXT", r.out)
        r = run_escalectl(["--version"])
        self.assertOk(r)
        st, _, h = http_request(self.server.port, "GET", "/healthz")
        self.assertEqual(r.lines, ["escalectl " + h["version"]])
        self.assertOk(run_escalectl(["-V"]), r.lines)


class Environment(CliTestCase):

    def test_env_url_and_token(self):
        r = run_escalectl(["whoami"], env={"ESCALE_URL": self.url, "ESCALE_TOKEN": self.admin})
        self.assertOk(r, ["admin\tadmin"])
        name, tok = self.new_user("secretariat")
        r = run_escalectl(["code", "new", "--count", "2"],
                          env={"ESCALE_URL": self.url, "ESCALE_TOKEN": tok})
        self.assertOk(r)
        self.assertEqual(len(r.lines), 2)
        for l in r.lines:
            self.assertRegex(l, CODE_LINE)

    def test_options_win_over_env(self):
        name, tok = self.new_user("maintenance")
        closed = "http://127.0.0.1:%d" % free_port()
        r = run_escalectl(["--url", self.url, "--token", tok, "whoami"],
                          env={"ESCALE_URL": closed, "ESCALE_TOKEN": "est_wrong"})
        self.assertOk(r, [name + "\tmaintenance"])
        r = run_escalectl(["--token", tok, "whoami"], env={"ESCALE_URL": self.url})
        self.assertOk(r, [name + "\tmaintenance"])
        r = run_escalectl(["--url", self.url, "whoami"], env={"ESCALE_TOKEN": tok})
        self.assertOk(r, [name + "\tmaintenance"])
        # ESCALE_URL is used: a closed port there cannot be reached
        r = run_escalectl(["whoami"], env={"ESCALE_URL": closed, "ESCALE_TOKEN": tok})
        self.assertFailed(r, 1)
        self.assertTrue(r.err.startswith("escalectl: cannot reach escale-admind at %s" % closed),
                        str(r))

    def test_url_with_trailing_slash(self):
        r = run_escalectl(["--url", self.url + "/", "whoami"], env={"ESCALE_TOKEN": self.admin})
        self.assertOk(r, ["admin\tadmin"])


if __name__ == "__main__":
    main()
