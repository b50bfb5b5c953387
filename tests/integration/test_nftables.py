"""The browser user's firewall for real: the ruleset escale-kiosk --nft-rules generates, loaded
with nft in a network namespace of its own (unshare -n, so the machine's rules are never
touched), then connections made as the browser's user and as others; and escale-kiosk
--check-network (proxy.enforce's check) against it, with a stand-in escale-proxy.

Needs root (network namespaces, nft, the switch to another user): skipped otherwise. The
browser's user is "nobody" (Debian's uid 65534): no user is created on the machine.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import netns
from proxy_standin import ControlSocket

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.dirname(os.path.dirname(HERE))

# Addresses of the namespace: a "remote" host (admind, a web server, a resolver), the print
# server, and an IPv6 host, all on the namespace's own lo.
REMOTE = "10.9.0.1"
PRINTER = "10.9.0.2"
REMOTE6 = "fd00:e5ca:1e::1"
WEB_PORT = 8443
PROXY_PORT = 3128
OTHER_LOOPBACK_PORT = 8080  # admind on loopback, say: not the proxy
IPP_PORT = 631
USER = "nobody"
OTHER_UID = 4242  # a uid without a name: unaffected

# Run as USER (or another uid) by /usr/bin/python3: one line of JSON, each probe's result
# ("connected", "sent" or the errno's name) and how long it took.
PROBE = r'''
import errno, json, socket, sys, time
out = {}
def tcp(name, fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    t = time.monotonic()
    try:
        s.connect(addr)
        r = "connected"
    except OSError as e:
        r = errno.errorcode.get(e.errno, str(e)) if e.errno else "timeout"
    out[name] = [r, round(time.monotonic() - t, 3)]
    s.close()
def udp(name, addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t = time.monotonic()
    try:
        s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", addr)
        r = "sent"
    except OSError as e:
        r = errno.errorcode.get(e.errno, str(e))
    out[name] = [r, round(time.monotonic() - t, 3)]
    s.close()
a = json.loads(sys.argv[1])
tcp("web", socket.AF_INET, (a["remote"], a["web"]))
tcp("web6", socket.AF_INET6, (a["remote6"], a["web"]))
tcp("proxy", socket.AF_INET, ("127.0.0.1", a["proxy"]))
tcp("proxy6", socket.AF_INET6, ("::1", a["proxy"]))
tcp("loopback", socket.AF_INET, ("127.0.0.1", a["other"]))
tcp("printer", socket.AF_INET, (a["printer"], a["ipp"]))
tcp("printer_other_port", socket.AF_INET, (a["printer"], a["web"]))
udp("dns", (a["remote"], 53))
udp("dns_loopback", ("127.0.0.1", 53))
print(json.dumps(out))
'''


def kiosk_path():
    path = os.environ.get("ESCALE_KIOSK")
    if path:
        return path
    for build in ("build", "builddir", "_build"):
        cand = os.path.join(SRC_ROOT, build, "kiosk", "escale-kiosk")
        if os.access(cand, os.X_OK):
            return cand
    raise unittest.SkipTest("ESCALE_KIOSK not set and escale-kiosk not built")


def run(*argv, check=True, **kw):
    r = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30,
                       **kw)
    if check and r.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" % (argv, r.returncode, r.stdout.decode(),
                                                    r.stderr.decode()))
    return r


class Servers:
    """TCP listeners that accept and close, and a UDP "resolver" that counts datagrams."""

    def __init__(self):
        self.socks = []
        self.datagrams = 0
        self.stopping = False

    def tcp(self, fam, addr):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(addr)
        s.listen(64)
        self.socks.append(s)
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s):
        while not self.stopping:
            try:
                c, _ = s.accept()
            except OSError:
                return
            c.close()

    def udp(self, addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(addr)
        self.socks.append(s)
        threading.Thread(target=self._recv, args=(s,), daemon=True).start()

    def _recv(self, s):
        while not self.stopping:
            try:
                s.recv(512)
            except OSError:
                return
            self.datagrams += 1

    def close(self):
        self.stopping = True
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


class NftablesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kiosk = kiosk_path()
        cls.tmp = tempfile.mkdtemp(prefix="escale-nft-")
        os.chmod(cls.tmp, 0o755)  # the probe, run as USER, is read from here
        cls.probe = os.path.join(cls.tmp, "probe.py")
        with open(cls.probe, "w") as f:
            f.write(PROBE)
        os.chmod(cls.probe, 0o644)
        run("ip", "addr", "add", REMOTE + "/32", "dev", "lo")
        run("ip", "addr", "add", PRINTER + "/32", "dev", "lo")
        run("ip", "-6", "addr", "add", REMOTE6 + "/128", "dev", "lo", "nodad")
        cls.servers = Servers()
        cls.servers.tcp(socket.AF_INET, (REMOTE, WEB_PORT))
        cls.servers.tcp(socket.AF_INET6, (REMOTE6, WEB_PORT))
        cls.servers.tcp(socket.AF_INET, ("127.0.0.1", PROXY_PORT))
        cls.servers.tcp(socket.AF_INET6, ("::1", PROXY_PORT))
        cls.servers.tcp(socket.AF_INET, ("127.0.0.1", OTHER_LOOPBACK_PORT))
        cls.servers.tcp(socket.AF_INET, (PRINTER, IPP_PORT))
        cls.servers.tcp(socket.AF_INET, (PRINTER, WEB_PORT))
        cls.servers.udp((REMOTE, 53))
        cls.servers.udp(("127.0.0.1", 53))
        cls.control = ControlSocket(os.path.join(cls.tmp, "control.sock"), PROXY_PORT)
        cls.conf = cls.write_conf("kiosk.conf", "127.0.0.1:%d" % PROXY_PORT)

    @classmethod
    def tearDownClass(cls):
        cls.control.close()
        cls.servers.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write_conf(cls, name, listen):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write('admin = { url = "https://%s:%d"; token_file = "/nonexistent"; };\n'
                    % (REMOTE, WEB_PORT))
            f.write('browser = { user = "%s"; };\n' % USER)
            f.write('print = { server = "%s:%d"; };\n' % (PRINTER, IPP_PORT))
            f.write('proxy = { listen = "%s"; control = "%s"; };\n'
                    % (listen, os.path.join(cls.tmp, "control.sock")))
        return path

    def tearDown(self):
        run("nft", "delete", "table", "inet", "escale", check=False)

    def load(self, conf=None):
        rules = run(self.kiosk, "-c", conf or self.conf, "--nft-rules").stdout
        run("nft", "-f", "-", input=rules)
        return rules.decode()

    def probe_as(self, *who):
        args = json.dumps({"remote": REMOTE, "remote6": REMOTE6, "web": WEB_PORT,
                           "proxy": PROXY_PORT, "other": OTHER_LOOPBACK_PORT,
                           "printer": PRINTER, "ipp": IPP_PORT})
        r = run("setpriv", *who, "--clear-groups", "/usr/bin/python3", self.probe, args)
        return json.loads(r.stdout)

    def as_user(self):
        return self.probe_as("--reuid", USER, "--regid", "nogroup")

    def assert_refused(self, res, name, errnos):
        got, took = res[name]
        self.assertIn(got, errnos, "%s: %s" % (name, res))
        self.assertLess(took, 1.0, "%s refused, but not at once: %s" % (name, res))

    def test_browser_user_reaches_the_proxy_and_printer_only(self):
        before = self.servers.datagrams
        self.load()
        res = self.as_user()
        self.assertEqual(res["proxy"][0], "connected", res)
        self.assertEqual(res["printer"][0], "connected", res)
        # Everything else is refused at once, not left to time out.
        for name in ("web", "loopback", "printer_other_port"):
            self.assert_refused(res, name, ("ECONNREFUSED",))
        self.assert_refused(res, "web6", ("ECONNREFUSED",))  # no IPv6 around it
        self.assert_refused(res, "proxy6", ("ECONNREFUSED",))  # listen is 127.0.0.1 only
        for name in ("dns", "dns_loopback"):  # no UDP, no DNS
            self.assert_refused(res, name, ("EPERM",))
        time.sleep(0.2)
        self.assertEqual(self.servers.datagrams, before, "a datagram got out")

    def test_other_users_are_unaffected(self):
        self.load()
        for who in (("--reuid", str(OTHER_UID), "--regid", str(OTHER_UID)),
                    ("--reuid", "0", "--regid", "0")):
            res = self.probe_as(*who)
            for name in ("web", "web6", "proxy", "loopback", "printer", "printer_other_port"):
                self.assertEqual(res[name][0], "connected", "%s %s: %s" % (who, name, res))
            self.assertEqual(res["dns"][0], "sent", res)

    def test_without_the_rules_everything_gets_out(self):
        # What the rules refuse is theirs: without them the same probes go through.
        res = self.as_user()
        for name in ("web", "web6", "loopback", "printer_other_port"):
            self.assertEqual(res[name][0], "connected", res)
        self.assertEqual(res["dns"][0], "sent", res)

    def test_own_table_replaced_whole_site_rules_kept(self):
        run("nft", "-f", "-", input=b"table inet site {\n chain input {\n"
            b"  type filter hook input priority 0; policy accept;\n"
            b"  tcp dport 9999 drop\n }\n}\n")
        try:
            rules = self.load()
            self.assertIn('meta skuid "%s" jump browser' % USER, rules)
            self.load()  # again: replaced, not added to
            listing = run("nft", "list", "ruleset").stdout.decode()
            self.assertEqual(listing.count("table inet escale"), 1, listing)
            self.assertEqual(listing.count("reject with tcp reset"), 1, listing)
            self.assertIn("table inet site", listing)
            self.assertIn("tcp dport 9999 drop", listing)
            # The unit's ExecStop: our table goes, the site's stays.
            run("nft", "delete", "table", "inet", "escale")
            listing = run("nft", "list", "ruleset").stdout.decode()
            self.assertNotIn("inet escale", listing)
            self.assertIn("table inet site", listing)
        finally:
            run("nft", "delete", "table", "inet", "site", check=False)

    def test_ipv6_proxy(self):
        conf = self.write_conf("kiosk6.conf", "[::1]:%d" % PROXY_PORT)
        self.load(conf)
        res = self.as_user()
        self.assertEqual(res["proxy6"][0], "connected", res)
        self.assert_refused(res, "proxy", ("ECONNREFUSED",))
        self.assert_refused(res, "web6", ("ECONNREFUSED",))
        self.assertEqual(res["printer"][0], "connected", res)

    def check_network(self):
        r = run(self.kiosk, "-c", self.conf, "--check-network", check=False)
        return r.returncode, r.stdout.decode()

    def test_check_network(self):
        # No rules: the browser's user reaches admind directly.
        rc, out = self.check_network()
        self.assertEqual((rc, out.split(":")[0:2]), (1, ["network", " open"]), out)
        # The rules loaded and the proxy answering: the check passes.
        self.load()
        asked = self.control.asked
        rc, out = self.check_network()
        self.assertEqual(rc, 0, out)
        self.assertTrue(out.startswith("network: ok:"), out)
        self.assertGreater(self.control.asked, asked)
        # The proxy's port not reachable by the browser's user: rules for another port.
        conf = self.write_conf("kiosk-other.conf", "127.0.0.1:%d" % OTHER_LOOPBACK_PORT)
        self.load(conf)
        rc, out = self.check_network()
        self.assertEqual((rc, out.split(":")[1].strip()), (1, "blocked"), out)


def main():
    netns.enter()
    if not os.path.exists("/usr/bin/python3"):
        print("/usr/bin/python3 missing (the probe runs as %s): skipped" % USER)
        sys.exit(77)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
