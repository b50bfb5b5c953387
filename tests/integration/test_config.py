"""escale-admind's config check (-n), refusal to start on a bad config, signals."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from escale_test import Admind, admind_path, free_port, http_request, main

LINE_RE = re.compile(r"^(.+):(\d+): \S", re.M)


class ConfigCheck(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="escale-cfg-")
        self.db = os.path.join(self.dir, "escale.db")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, text, name="admind.conf"):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def minimal(self, listen=None):
        return ('listen = "%s";\ndatabase = "%s";\n' %
                (listen or "127.0.0.1:%d" % free_port(), self.db))

    def check(self, text):
        path = self.write(text)
        r = subprocess.run([admind_path(), "-c", path, "-n"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20,
                           cwd=self.dir)
        return path, r.returncode, (r.stderr + r.stdout).decode("utf-8", errors="replace")

    def assert_ok(self, text):
        path, rc, out = self.check(text)
        self.assertEqual(rc, 0, "config:\n%s\noutput:\n%s" % (text, out))
        return out

    def assert_bad(self, text, line):
        """Exit 1 and a `FILE:LINE: message` naming this file and LINE."""
        path, rc, out = self.check(text)
        self.assertEqual(rc, 1, "config:\n%s\noutput:\n%s" % (text, out))
        hits = LINE_RE.findall(out)
        self.assertTrue(hits, "no FILE:LINE: message in %r" % out)
        files = {f for f, _ in hits}
        self.assertTrue(any(f.endswith("admind.conf") for f in files), out)
        self.assertIn(str(line), {n for _, n in hits}, "wrong line in %r" % out)
        return out

    def test_minimal_config(self):
        self.assert_ok(self.minimal())
        self.assertFalse(os.path.exists(self.db), "-n must not create the database")

    def test_example_config_is_valid(self):
        """config/admind.conf with its defaults, pointed at a temporary database."""
        src = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "config", "admind.conf")
        with open(src, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r'^database = ".*";', 'database = "%s";' % self.db, text, flags=re.M)
        text = re.sub(r'^listen = ".*";', 'listen = "127.0.0.1:%d";' % free_port(), text,
                      flags=re.M)
        self.assert_ok(text)

    def test_all_documented_keys(self):
        self.assert_ok(self.minimal() + """
secret_file = "%s/key";
allow_plain_http = false;
threads = 2;
max_body_bytes = 4096;
log_file = "";
log_level = "debug";
codes = { length = 10; alphabet = "alnum"; default_minutes = 30; default_pages = 0;
          default_days = 1; max_count = 50; };
sessions = { heartbeat_seconds = 10; stale_seconds = 60; };
kiosks = { offline_seconds = 60; };
login = { max_failures = 3; lockout_seconds = 1; lockout_max_seconds = 60; };
offline = { opslimit = 1; memlimit_kib = 8192; };
retention_days = 30;
""" % self.dir)

    def test_syntax_error(self):
        self.assert_bad(self.minimal() + "threads = = 4;\n", 3)
        self.assert_bad(self.minimal() + "codes = {\n  length = 8;\n  alphabet = ;\n};\n", 5)

    def test_include_and_huge_files_refused(self):
        # libconfig's scanner exits the whole process on an @include of a directory:
        # escale's files stand alone, so @include is refused with its line.
        out = self.assert_bad(self.minimal() + '@include "/"\n', 3)
        self.assertIn("@include is not supported", out)
        out = self.assert_bad(self.minimal() + '  @include "/etc/passwd"\n', 3)
        self.assertIn("@include", out)
        # A file of over 1 MiB (a comment) is not a configuration.
        out = self.assert_bad(self.minimal() + "#" + "x" * (1 << 20) + "\n", 3)
        self.assertIn("larger than", out)

    def test_unknown_key(self):
        out = self.assert_bad(self.minimal() + "frobnicate = 1;\n", 3)
        self.assertIn("frobnicate", out)
        out = self.assert_bad(self.minimal() + "codes = {\n  length = 8;\n  lenght = 9;\n};\n", 5)
        self.assertIn("lenght", out)

    def test_wrong_type(self):
        self.assert_bad(self.minimal() + 'threads = "four";\n', 3)
        self.assert_bad(self.minimal() + 'allow_plain_http = "yes";\n', 3)
        self.assert_bad(self.minimal() + 'codes = 5;\n', 3)
        self.assert_bad(self.minimal() + 'login = {\n  max_failures = 2.5;\n};\n', 4)
        self.assert_bad('listen = 8080;\ndatabase = "%s";\n' % self.db, 1)

    def test_out_of_range(self):
        self.assert_bad(self.minimal() + "codes = {\n  length = 3;\n};\n", 4)
        self.assert_bad(self.minimal() + "codes = {\n  length = 33;\n};\n", 4)
        self.assert_bad(self.minimal() + "offline = {\n  opslimit = 11;\n};\n", 4)
        self.assert_bad(self.minimal() + "offline = {\n  memlimit_kib = 1024;\n};\n", 4)
        self.assert_bad(self.minimal() + 'log_level = "verbose";\n', 3)
        self.assert_bad(self.minimal() + 'codes = { alphabet = "emoji"; };\n', 3)
        self.assert_bad(self.minimal() + "max_body_bytes = -1;\n", 3)

    def test_print_queues(self):
        """print.queues: several printers, each of its site (docs/printing.md)."""
        q = ('  { name = "%s"; site = "ESC Nord"; cups_server = "10.0.1.5:631";'
             ' queue = "escale"; }')
        self.assert_ok(self.minimal() + "print = {\n  enabled = true;\n  queues = (\n%s,\n"
                       '  { name = "b"; site = "ESC Sud"; cups_server = "10.0.2.5:631"; },\n'
                       '  { name = "c"; release_key_file = "/k"; }\n  );\n};\n' % (q % "a"))
        # 64 printers are accepted, 65 are not (the list's line).
        many = ",\n".join('  { name = "p%d"; cups_server = "10.0.%d.5:631"; }' % (i, i)
                           for i in range(65))
        self.assert_ok(self.minimal() + "print = {\n  queues = (\n%s\n  );\n};\n"
                       % many.rsplit(",\n", 1)[0])
        out = self.assert_bad(self.minimal() + "print = {\n  queues = (\n%s\n  );\n};\n"
                              % many, 4)
        self.assertIn("0 to 64", out)
        # An empty list: no printer from the config, all added at run time.
        self.assert_ok(self.minimal() + "print = {\n  enabled = true;\n  queues = ();\n};\n")

    def test_hostile_print_queues(self):
        head = self.minimal() + "print = {\n  queues = (\n"
        tail = "\n  );\n};\n"
        cases = [
            # (entries starting at line 5, the line of the error, what it says)
            ('  { name = "a"; },\n  { name = "a"; cups_server = "h:631"; }', 6,
             "two printers named a"),
            ('  { name = "a"; cups_server = "h"; },\n  { name = "b"; cups_server = "h"; }', 6,
             "same queue"),
            ('  { site = "ESC Nord"; }', 5, "needs a name"),
            ('  { name = ""; }', 5, "needs a name"),
            ('  { name = "a b"; }', 5, "needs a name"),
            ('  { name = "a.b"; }', 5, "needs a name"),
            ('  { name = "a"; queue = "../x"; }', 5, "CUPS queue name"),
            ('  { name = "a"; colour = "red"; }', 5, "colour"),
            ('  { name = "a"; site = 3; }', 5, "site"),
            # (libconfig gives a bare scalar of a list the line where the list ends)
            ('  "a"', 6, "each entry is a group"),
            ('  { name = "%s"; }' % ("n" * 64), 5, "name"),
            ('  { name = "a"; site = "%s"; }' % ("s" * 65), 5, "site"),
        ]
        for entries, line, what in cases:
            with self.subTest(entries=entries[:40]):
                out = self.assert_bad(head + entries + tail, line)
                self.assertIn(what, out)
        # Not a list, an empty list, and the old keys beside the new list.
        self.assert_bad(self.minimal() + 'print = {\n  queues = "a";\n};\n', 4)
        out = self.assert_bad(self.minimal() + 'print = {\n  queue = "escale";\n'
                              '  queues = ( { name = "a"; } );\n};\n', 5)
        self.assertIn("replaces print.queue", out)

    def test_bad_listen(self):
        self.assert_bad('listen = "127.0.0.1";\ndatabase = "%s";\n' % self.db, 1)
        self.assert_bad('listen = "127.0.0.1:99999";\ndatabase = "%s";\n' % self.db, 1)
        self.assert_bad('listen = "not an address:80";\ndatabase = "%s";\n' % self.db, 1)

    def test_required_keys(self):
        for text in ('listen = "127.0.0.1:8080";\n', 'database = "%s";\n' % self.db, ""):
            path, rc, out = self.check(text)
            self.assertEqual(rc, 1, "%r -> %s" % (text, out))
            self.assertRegex(out, LINE_RE)

    def test_missing_file(self):
        r = subprocess.run([admind_path(), "-c", os.path.join(self.dir, "nope.conf"), "-n"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.conf", (r.stderr + r.stdout).decode())

    def test_non_loopback_needs_tls(self):
        port = free_port()
        self.assert_bad(self.minimal("0.0.0.0:%d" % port), 1)
        self.assert_bad(self.minimal("192.0.2.10:%d" % port), 1)
        self.assert_bad(self.minimal("[::]:%d" % port), 1)
        self.assert_ok(self.minimal("0.0.0.0:%d" % port) + "allow_plain_http = true;\n")
        self.assert_ok(self.minimal("[::1]:%d" % port))

    def test_usage(self):
        r = subprocess.run([admind_path(), "--no-such-option"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        self.assertNotEqual(r.returncode, 0)

    def test_refuses_to_start_on_bad_config(self):
        port = free_port()
        path = self.write('listen = "127.0.0.1:%d";\ndatabase = "%s";\nfrobnicate = 1;\n'
                          % (port, self.db))
        r = subprocess.run([admind_path(), "-c", path], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=5)
        out = (r.stderr + r.stdout).decode()
        self.assertEqual(r.returncode, 1, out)
        self.assertRegex(out, LINE_RE)
        self.assertFalse(os.path.exists(self.db), "database created despite a bad config")


class Signals(unittest.TestCase):

    def test_sighup_reopens_log(self):
        srv = Admind(extra_conf='log_file = "@TMP@/admind.log";\nlog_level = "debug";\n')
        self.addCleanup(srv.cleanup)
        srv.bootstrap_admin()
        srv.start()
        log = os.path.join(srv.workdir, "admind.log")
        old = log + ".1"
        self.assertTrue(os.path.exists(log), "log_file not created")
        for _ in range(3):
            srv.request("GET", "/api/v1/whoami", token=srv.admin_token)
        os.rename(log, old)
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        size = 0
        while time.monotonic() < deadline:
            self.assertIsNone(srv.proc.poll(), "admind died on SIGHUP:\n" + srv.output())
            st, _, _ = srv.request("GET", "/api/v1/whoami", token=srv.admin_token)
            self.assertEqual(st, 200)
            if os.path.exists(log):
                size = os.path.getsize(log)
                if size > 0:
                    break
            time.sleep(0.1)
        self.assertTrue(os.path.exists(log), "no fresh log file after SIGHUP")
        self.assertGreater(size, 0, "nothing written to the fresh log file")
        self.assertGreater(os.path.getsize(old), 0, "the old log file got nothing")
        # later requests go to the fresh file, not the renamed one
        old_size = os.path.getsize(old)
        for _ in range(3):
            srv.request("GET", "/api/v1/nope", token=srv.admin_token)
        time.sleep(0.3)
        self.assertEqual(os.path.getsize(old), old_size, "still writing to the renamed file")
        srv.stop()  # SIGTERM: exit 0 within 5 s

    def test_sigterm_exits_zero(self):
        srv = Admind()
        self.addCleanup(srv.cleanup)
        srv.bootstrap_admin()
        srv.start()
        # an open idle connection must not keep admind from exiting
        import socket
        s = socket.create_connection(("127.0.0.1", srv.port))
        self.addCleanup(s.close)
        t = time.monotonic()
        srv.stop()
        self.assertLess(time.monotonic() - t, 5)
        with self.assertRaises(OSError):
            http_request(srv.port, "GET", "/healthz", timeout=2)

    def test_second_instance_on_same_port_fails(self):
        srv = Admind()
        self.addCleanup(srv.cleanup)
        srv.bootstrap_admin()
        srv.start()
        other = os.path.join(srv.workdir, "other.conf")
        with open(other, "w") as f:
            f.write('listen = "127.0.0.1:%d";\ndatabase = "%s/other.db";\n' % (srv.port, srv.workdir))
        r = subprocess.run([admind_path(), "-c", other], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
        self.assertEqual(r.returncode, 1, r.stderr.decode())
        self.assertEqual(http_request(srv.port, "GET", "/healthz")[0], 200)
        srv.stop()


if __name__ == "__main__":
    main()
