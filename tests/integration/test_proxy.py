"""escale-proxy against a fake Internet on loopback (docs/network.md).

TLS servers for several names, with a test CA made by openssl here, listen on
port 443 of 127.A.B.x addresses picked at run time; the proxy's hosts file
points the names at them. The browser's side is played by raw sockets and
Python's ssl with the test CA: a CONNECT allowed carries a real TLS request
end to end, every refused form gets a 403 with a one-line body, and the
control socket is driven as the kiosk drives it. Standard library only.
"""

import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.dirname(os.path.dirname(HERE))

NAMES = ["www.caf.fr", "caf.fr", "api.caf.fr", "www.ameli.fr", "sub.www.ameli.fr",
         "tracker.example", "portal.centre.lan"]


def proxy_path():
    path = os.environ.get("ESCALE_PROXY")
    if path:
        return path
    cand = os.path.join(SRC_ROOT, "build", "kiosk", "escale-proxy")
    if os.access(cand, os.X_OK):
        return cand
    raise unittest.SkipTest("ESCALE_PROXY not set and no build/kiosk/escale-proxy")


def make_pki(d):
    """A test CA and one server certificate for every name of NAMES."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, cwd=d,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
        "/CN=escale proxy test CA")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=" + ",".join("DNS:" + n for n in NAMES) + "\n")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=www.caf.fr")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")


class FakeSite(threading.Thread):
    """A tiny HTTP(S) server on ADDR:PORT: answers 'hello NAME HOSTHEADER' and
    records each request head it got."""

    def __init__(self, addr, port, name, tls_ctx=None):
        super().__init__(daemon=True)
        self.name, self.tls_ctx = name, tls_ctx
        self.heads = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, port))
        self.sock.listen(64)
        self.stop = False

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            conn.settimeout(10)
            if self.tls_ctx:
                conn = self.tls_ctx.wrap_socket(conn, server_side=True)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n")[0].decode("latin-1")
            self.heads.append(head)
            host = ""
            for line in head.split("\r\n")[1:]:
                k, _, v = line.partition(":")
                if k.lower() == "host":
                    host = v.strip()
            body = ("hello %s %s\n" % (self.name, host)).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                         % len(body) + body)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.sock.close()


class FakeDNS(threading.Thread):
    """A name server on 127.0.0.1 (UDP, a port of its own) that knows RECORDS:
    {name: [(qtype, address)]}; NXDOMAIN for other names."""

    def __init__(self, records):
        super().__init__(daemon=True)
        self.records = records
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.asked = []

    def run(self):
        while True:
            try:
                q, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            try:
                self.sock.sendto(self.answer(q), peer)
            except (OSError, IndexError, ValueError):
                pass

    def answer(self, q):
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode("ascii"))
            i += 1 + q[i]
        qtype = int.from_bytes(q[i + 1:i + 3], "big")
        question = q[12:i + 5]
        name = ".".join(labels).lower()
        self.asked.append((name, qtype))
        if name not in self.records:
            return q[:2] + b"\x81\x83" + b"\x00\x01\x00\x00\x00\x00\x00\x00" + question
        rrs = [(t, a) for t, a in self.records[name] if t == qtype]
        out = q[:2] + b"\x81\x80\x00\x01" + len(rrs).to_bytes(2, "big") + b"\x00\x00\x00\x00"
        out += question
        for t, a in rrs:
            data = socket.inet_pton(socket.AF_INET if t == 1 else socket.AF_INET6, a)
            out += b"\xc0\x0c" + t.to_bytes(2, "big") + b"\x00\x01\x00\x00\x00\x3c"
            out += len(data).to_bytes(2, "big") + data
        return out

    def close(self):
        self.sock.close()


def read_all(sock, timeout=10):
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def split_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, head.decode("latin-1"), body


class Proxy:
    resolv_conf = "/etc/resolv.conf"

    def __init__(self, tmp, port, hosts_file, extra="", services=None):
        self.tmp, self.port = tmp, port
        self.control = os.path.join(tmp, "control.sock")
        self.conf = os.path.join(tmp, "kiosk.conf")
        self.write_conf(hosts_file, extra, services)
        self.log = open(os.path.join(tmp, "proxy.log"), "w+")
        self.proc = None

    def write_conf(self, hosts_file, extra="", services=None):
        if services is None:
            services = """
  { name = "CAF"; url = "https://www.caf.fr/"; domains = [ "caf.fr" ]; },
  { name = "Ameli"; url = "https://www.ameli.fr/"; domains = [ ".www.ameli.fr" ]; },
  { name = "Portail"; id = "intra"; url = "https://portal.centre.lan/";
    domains = [ "centre.lan", "unresolvable.centre.lan" ]; intranet = true; }"""
        # short timeouts, so that the tests see them; EXTRA ("key = value; ...") overrides
        keys = {"header_seconds": "2", "dns_seconds": "1", "connect_seconds": "2",
                "idle_seconds": "2"}
        for item in filter(None, (x.strip() for x in extra.split(";"))):
            k, _, v = item.partition("=")
            keys[k.strip()] = v.strip()
        with open(self.conf, "w") as f:
            f.write("""admin = { url = "http://127.0.0.1:1/"; token_file = "%s/token"; };
proxy = {
  listen = "127.0.0.1:%d";
  hosts_file = "%s";
  resolv_conf = "%s";
  control = "%s";
  enforce = false;
%s
};
services = ( %s );
""" % (self.tmp, self.port, hosts_file, self.resolv_conf, self.control,
                "\n".join("  %s = %s;" % kv for kv in keys.items()), services))

    def start(self):
        self.proc = subprocess.Popen([proxy_path(), "-c", self.conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("escale-proxy exited: " + self.output())
            if os.path.exists(self.control):
                try:
                    socket.create_connection(("127.0.0.1", self.port), 1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError("escale-proxy did not start: " + self.output())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("escale-proxy did not stop on SIGTERM")
            if rc != 0:
                raise AssertionError("escale-proxy exited %d: %s" % (rc, self.output()))
        self.log.close()

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def ctl_conn(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.control)
        return s

    def ask(self, obj, sock=None):
        own = sock is None
        s = sock or self.ctl_conn()
        line = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        if isinstance(line, str):
            line = line.encode()
        s.sendall(line + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        if own:
            s.close()
        self.assert_one_line(data)
        return json.loads(data)

    @staticmethod
    def assert_one_line(data):
        if not data.endswith(b"\n") or data.count(b"\n") != 1:
            raise AssertionError("not one line: %r" % data[:200])

    def open(self):
        return socket.create_connection(("127.0.0.1", self.port), 10)

    def request(self, head, timeout=10):
        """Sends HEAD (str or bytes), returns (status, head, body) of the answer."""
        with self.open() as s:
            s.sendall(head if isinstance(head, bytes) else head.encode())
            return split_response(read_all(s, timeout))

    def connect(self, target):
        """CONNECT TARGET: the socket after a 200, or an AssertionError."""
        s = self.open()
        s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target, target)).encode())
        data = b""
        s.settimeout(10)
        while b"\r\n\r\n" not in data:
            chunk = s.recv(1)
            if not chunk:
                break
            data += chunk
        if not data.startswith(b"HTTP/1.1 200 "):
            s.close()
            raise AssertionError("CONNECT %s: %r" % (target, data))
        return s


class ProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl missing")
        cls.tmp = tempfile.mkdtemp(prefix="escale-proxy-test-")
        make_pki(cls.tmp)
        cls.ca = os.path.join(cls.tmp, "ca.pem")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(cls.tmp, "server.pem"),
                            os.path.join(cls.tmp, "server.key"))
        # Addresses of our own in 127/8, so that tests running at the same time on this
        # machine do not meet on port 443.
        rnd = random.Random(os.getpid() ^ int(time.time()))
        base = "127.%d.%d." % (rnd.randint(1, 254), rnd.randint(1, 254))
        cls.addr = {n: base + str(i + 2) for i, n in enumerate(NAMES)}
        cls.sites = []
        try:
            for n in NAMES:
                cls.sites.append(FakeSite(cls.addr[n], 443, n, ctx))
            cls.plain = FakeSite(cls.addr["portal.centre.lan"], 80, "plain")
            cls.sites.append(cls.plain)
        except PermissionError:
            for s in cls.sites:
                s.close()
            raise unittest.SkipTest("cannot listen on port 443 (not root)")
        for s in cls.sites:
            s.start()
        cls.down_addr = base + "200"  # nothing listens there
        cls.hosts = os.path.join(cls.tmp, "hosts")
        with open(cls.hosts, "w") as f:
            f.write("# the fake Internet\n")
            for n in NAMES:
                f.write("%s %s\n" % (cls.addr[n], n))
            f.write("%s down.caf.fr\n" % cls.down_addr)
        # DNS for the names that are not in the hosts file: private answers for allowed
        # names (refused but for an intranet service), nothing for the rest
        cls.dns = FakeDNS({
            "rebind.caf.fr": [(1, "10.0.0.5")],
            "loop.caf.fr": [(1, "127.0.0.1")],
            "linklocal.caf.fr": [(1, "169.254.169.254")],
            "cgnat.caf.fr": [(1, "100.64.1.1")],
            "mapped.caf.fr": [(28, "::ffff:127.0.0.1")],
            "ula.caf.fr": [(28, "fd00::1")],
            "dns.centre.lan": [(1, cls.addr["portal.centre.lan"])],
        })
        cls.dns.start()
        Proxy.resolv_conf = os.path.join(cls.tmp, "resolv.conf")
        with open(Proxy.resolv_conf, "w") as f:
            f.write("nameserver 127.0.0.1:%d\n" % cls.dns.port)

    @classmethod
    def tearDownClass(cls):
        for s in cls.sites:
            s.close()
        cls.dns.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)
        self.proxy = self.new_proxy()

    def new_proxy(self, extra="", services=None, start=True):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        p = Proxy(self.dir, port, self.hosts, extra, services)
        if start:
            p.start()
        return p

    def tearDown(self):
        self.proxy.stop()

    def tls_get(self, sock, name, path="/"):
        ctx = ssl.create_default_context(cafile=self.ca)
        with ctx.wrap_socket(sock, server_hostname=name) as t:
            t.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                       % (path, name)).encode())
            return split_response(read_all(t))

    def assert_refused(self, head, host, reason, status=403):
        st, h, body = self.proxy.request(head)
        self.assertEqual(st, status, "%r: %s" % (head, h))
        text = body.decode("utf-8")
        self.assertEqual(text.count("\n"), 1, text)
        self.assertTrue(text.endswith("\n"))
        if host is not None:
            self.assertEqual(text, "escale-proxy: refused %s: %s\n" % (host, reason))
        self.assertIn("Content-Length: %d" % len(body), h)
        return text

    # --- the tunnel ------------------------------------------------------------------

    def test_connect_carries_tls_end_to_end(self):
        for name in ("www.caf.fr", "caf.fr", "api.caf.fr", "www.ameli.fr",
                     "portal.centre.lan"):
            with self.subTest(name=name):
                st, _, body = self.tls_get(self.proxy.connect(name + ":443"), name)
                self.assertEqual(st, 200)
                self.assertEqual(body.decode(), "hello %s %s\n" % (name, name))
        # upper case and one trailing dot are the same host
        st, _, body = self.tls_get(self.proxy.connect("WWW.CAF.FR.:443"), "www.caf.fr")
        self.assertEqual(st, 200)

    def test_bytes_sent_before_the_200_go_through(self):
        s = self.proxy.open()
        ctx = ssl.create_default_context(cafile=self.ca)
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(inc, out, server_hostname="www.caf.fr")
        try:
            obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        hello = out.read()
        # the CONNECT and the ClientHello in one write
        s.sendall(b"CONNECT www.caf.fr:443 HTTP/1.1\r\n\r\n" + hello)
        s.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(1)
        self.assertTrue(data.startswith(b"HTTP/1.1 200 "))
        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                if out.pending:
                    s.sendall(out.read())
                chunk = s.recv(65536)
                self.assertTrue(chunk, "the handshake ended early")
                inc.write(chunk)
        if out.pending:
            s.sendall(out.read())
        self.assertEqual(obj.version()[:3], "TLS")
        s.close()

    def test_big_download_and_upload_through_the_tunnel(self):
        # an echo over TLS is what the fake sites are not: a plain TCP check of both
        # directions with a server that echoes, on the name 'api.caf.fr' moved by a hosts
        # file of this test's own
        echo = socket.socket()
        echo.bind((self.addr["tracker.example"].rsplit(".", 1)[0] + ".150", 443))
        echo.listen(4)

        def serve():
            c, _ = echo.accept()
            while True:
                d = c.recv(1 << 16)
                if not d:
                    break
                c.sendall(d)
            c.shutdown(socket.SHUT_WR)
            c.close()
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        hosts2 = os.path.join(self.dir, "hosts2")
        with open(hosts2, "w") as f:
            f.write("%s echo.caf.fr\n" % echo.getsockname()[0])
        self.proxy.stop()
        self.proxy = Proxy(self.dir, self.proxy.port, hosts2)
        self.proxy.start()
        s = self.proxy.connect("echo.caf.fr:443")
        payload = os.urandom(8 << 20)
        got = []

        def reader():
            got.append(read_all(s, 30))
        r = threading.Thread(target=reader)
        r.start()
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        r.join(60)
        s.close()
        echo.close()
        self.assertEqual(len(got[0]), len(payload))
        self.assertTrue(got[0] == payload, "the bytes came back changed")

    # --- refusals --------------------------------------------------------------------

    def test_refused_forms(self):
        cases = [
            ("tracker.example:443", "tracker.example", "not an allowed site"),
            ("evilcaf.fr:443", "evilcaf.fr", "not an allowed site"),
            ("caf.fr.evil.example:443", "caf.fr.evil.example", "not an allowed site"),
            ("sub.www.ameli.fr:443", "sub.www.ameli.fr", "not an allowed site"),
            ("ameli.fr:443", "ameli.fr", "not an allowed site"),
            ("127.0.0.1:443", "127.0.0.1:443", "an IP address, not a name"),
            ("2130706433:443", "2130706433:443", "an IP address, not a name"),
            ("0x7f.1:443", "0x7f.1:443", "an IP address, not a name"),
            ("0177.0.0.1:443", "0177.0.0.1:443", "an IP address, not a name"),
            ("[::1]:443", "[::1]:443", "an IP address, not a name"),
            ("www.caf.fr:8443", "www.caf.fr:8443",
             "port not allowed (443 for HTTPS, 80 for HTTP)"),
            ("www.caf.fr:80", "www.caf.fr:80", "port not allowed (443 for HTTPS, 80 for HTTP)"),
            ("user@www.caf.fr:443", "user@www.caf.fr:443", "user name in the address"),
            ("www..caf.fr:443", "www..caf.fr:443", "not a valid host name"),
            ("www%2ecaf.fr:443", "www%2ecaf.fr:443", "not a valid host name"),
            ("a" * 64 + ".caf.fr:443", "a" * 64 + ".caf.fr:443", "host name too long"),
        ]
        for target, shown, reason in cases:
            with self.subTest(target=target):
                self.assert_refused("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n"
                                    % (target, target), shown, reason)
        self.assert_refused(b"CONNECT b\xc3\xbc.caf.fr:443 HTTP/1.1\r\n\r\n", "b??.caf.fr:443",
                            "not an ASCII host name (IDNs go as xn-- names)")
        # plain http to a service whose home page is https://
        self.assert_refused("GET http://www.caf.fr/ HTTP/1.1\r\nHost: www.caf.fr\r\n\r\n",
                            "www.caf.fr", "plain HTTP not allowed for this site")
        # counted: the names a domain could let through; not the rest
        hosts = {h["host"] for h in self.proxy.ask({"t": "refusals"})["hosts"]}
        self.assertEqual(hosts, {"tracker.example", "evilcaf.fr", "caf.fr.evil.example",
                                 "sub.www.ameli.fr", "ameli.fr"})
        # the log says host and reason, nothing more
        out = self.proxy.output()
        self.assertIn("refused tracker.example: not an allowed site", out)
        self.assertIn("refused b??.caf.fr:443: not an ASCII host name", out)

    def test_malformed_and_other_methods(self):
        for head, status in [
                ("POST http://www.caf.fr/ HTTP/1.1\r\n\r\n", 405),
                ("GET / HTTP/1.1\r\nHost: www.caf.fr\r\n\r\n", 400),
                ("CONNECT www.caf.fr:443 HTTP/1.1\nHost: x\n\n\r\n\r\n", 400),
                ("CONNECT www.caf.fr:443 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 400),
                ("CONNECT www.caf.fr:443 HTTP/1.1\r\nX: " + "a" * 17000 + "\r\n\r\n", 431)]:
            with self.subTest(head=head[:40]):
                st, _, body = self.proxy.request(head)
                self.assertEqual(st, status)
                self.assertTrue(body.startswith(b"escale-proxy: "))
        # the proxy is still there
        self.assertEqual(self.tls_get(self.proxy.connect("www.caf.fr:443"), "www.caf.fr")[0],
                         200)

    def test_unresolvable_name_and_site_down(self):
        # not in the hosts file, and DNS says NXDOMAIN
        t0 = time.monotonic()
        self.assert_refused("CONNECT unresolvable.centre.lan:443 HTTP/1.1\r\n\r\n",
                            "unresolvable.centre.lan", "name does not resolve")
        self.assertLess(time.monotonic() - t0, 8)
        # a name server that does not answer: refused after dns_seconds
        self.proxy.stop()
        mute = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        mute.bind(("127.0.0.1", 0))
        rc = os.path.join(self.dir, "resolv-mute.conf")
        with open(rc, "w") as f:
            f.write("nameserver 127.0.0.1:%d\n" % mute.getsockname()[1])
        saved, Proxy.resolv_conf = Proxy.resolv_conf, rc
        try:
            self.proxy = self.new_proxy()
        finally:
            Proxy.resolv_conf = saved
        t0 = time.monotonic()
        self.assert_refused("CONNECT slow.caf.fr:443 HTTP/1.1\r\n\r\n", "slow.caf.fr",
                            "name does not resolve")
        self.assertGreater(time.monotonic() - t0, 0.8)
        mute.close()
        st, _, body = self.proxy.request("CONNECT down.caf.fr:443 HTTP/1.1\r\n\r\n")
        self.assertEqual(st, 502)
        self.assertEqual(body, b"escale-proxy: down.caf.fr: site unreachable\n")

    # --- plain GET -------------------------------------------------------------------

    def test_get_to_an_http_service(self):
        r = self.proxy.ask({"t": "services", "services": [
            {"id": "caf", "url": "https://www.caf.fr/", "domains": ["caf.fr"]},
            {"id": "intra", "url": "http://portal.centre.lan/", "domains": ["centre.lan"],
             "intranet": True}]})
        self.assertEqual(r, {"t": "ok"})
        self.proxy.ask({"t": "session_start"})
        n = len(self.plain.heads)
        st, _, body = self.proxy.request(
            "GET http://Portal.Centre.lan/a/secret-path?q=1 HTTP/1.1\r\nHost: portal.centre.lan"
            "\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\n"
            "Referer: https://www.caf.fr/page\r\n\r\n")
        self.assertEqual(st, 200)
        self.assertEqual(body, b"hello plain portal.centre.lan\n")
        head = self.plain.heads[n]
        lines = head.split("\r\n")
        self.assertEqual(lines[0], "GET /a/secret-path?q=1 HTTP/1.1")
        self.assertIn("Connection: close", lines)
        self.assertNotIn("Proxy-Connection: keep-alive", lines)
        self.assertIn("Referer: https://www.caf.fr/page", lines)
        # counted for the service whose domains cover the host
        self.assertEqual(self.proxy.ask({"t": "session_end"}),
                         {"t": "session_end", "services": ["intra"]})
        # a GET refused is put down to the Referer's service
        self.assert_refused("GET http://tracker.example/x HTTP/1.1\r\n"
                            "Referer: https://api.caf.fr/y\r\n\r\n",
                            "tracker.example", "not an allowed site")
        ref = self.proxy.ask({"t": "refusals"})
        self.assertEqual(ref["hosts"], [{"host": "tracker.example", "service": "caf",
                                         "count": 1}])
        self.assertNotIn("secret-path", self.proxy.output())

    # --- the control socket ----------------------------------------------------------

    def test_control_socket_mode(self):
        self.assertEqual(os.stat(self.proxy.control).st_mode & 0o777, 0o660)

    def test_session_reports_the_services_reached(self):
        p = self.proxy
        self.assertEqual(p.ask({"t": "session_start"}), {"t": "ok"})
        self.tls_get(p.connect("www.caf.fr:443"), "www.caf.fr")
        self.tls_get(p.connect("api.caf.fr:443"), "api.caf.fr")
        self.tls_get(p.connect("www.ameli.fr:443"), "www.ameli.fr")
        # refused after ameli: put down to ameli, the service last reached
        self.assert_refused("CONNECT tracker.example:443 HTTP/1.1\r\n\r\n", "tracker.example",
                            "not an allowed site")
        self.assertEqual(p.ask({"t": "session_end"}),
                         {"t": "session_end", "services": ["caf", "ameli"]})
        self.assertEqual(p.ask({"t": "session_end"}), {"t": "session_end", "services": []})
        # a new session: nothing reached yet, so a refusal has no service
        p.ask({"t": "session_start"})
        self.assert_refused("CONNECT tracker.example:443 HTTP/1.1\r\n\r\n", "tracker.example",
                            "not an allowed site")
        self.assert_refused("CONNECT cdn.example:443 HTTP/1.1\r\n\r\n", "cdn.example",
                            "not an allowed site")
        # malformed requests are logged, not counted
        self.assert_refused("CONNECT 127.0.0.1:443 HTTP/1.1\r\n\r\n", "127.0.0.1:443",
                            "an IP address, not a name")
        ref = p.ask({"t": "refusals"})
        self.assertEqual(ref["t"], "refusals")
        self.assertEqual(ref["day"], time.strftime("%Y-%m-%d"))
        self.assertEqual(ref["other"], 0)
        self.assertEqual(ref["hosts"], [
            {"host": "tracker.example", "service": "ameli", "count": 2},
            {"host": "cdn.example", "service": None, "count": 1}])

    def test_refusals_keep_256_hosts(self):
        p = self.proxy
        for i in range(260):
            st, _, _ = p.request("CONNECT h%d.example:443 HTTP/1.1\r\n\r\n" % i)
            self.assertEqual(st, 403)
        ref = p.ask({"t": "refusals"})
        self.assertEqual(len(ref["hosts"]), 256)
        self.assertEqual(ref["other"], 4)

    def test_status(self):
        p = self.proxy
        self.wait_connections(0)
        s = p.open()  # one connection open
        try:
            self.wait_connections(1)
            st = p.ask({"t": "status"})
            self.assertEqual(st, {"t": "status", "listen": "127.0.0.1:%d" % p.port,
                                  "services": 3, "connections": 1})
        finally:
            s.close()

    def test_services_replace_the_allowlist(self):
        p = self.proxy
        self.assertEqual(p.ask({"t": "services", "services": [
            {"id": "ameli", "url": "https://www.ameli.fr/", "domains": ["ameli.fr"],
             "intranet": False}]}), {"t": "ok"})
        self.assertEqual(p.ask({"t": "status"})["services"], 1)
        self.assert_refused("CONNECT www.caf.fr:443 HTTP/1.1\r\n\r\n", "www.caf.fr",
                            "not an allowed site")
        self.assertEqual(self.tls_get(p.connect("sub.www.ameli.fr:443"), "sub.www.ameli.fr")[0],
                         200)
        # SIGHUP re-reads the file but keeps the kiosk's list
        p.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        self.assertEqual(p.ask({"t": "status"})["services"], 1)

    def test_private_addresses_need_intranet_unless_from_the_hosts_file(self):
        # the hosts file is trusted as written: 127.x for a service that is not intranet
        self.assertEqual(self.tls_get(self.proxy.connect("www.caf.fr:443"), "www.caf.fr")[0],
                         200)
        # DNS answers with private addresses: refused for a service that is not intranet
        for name in ("rebind.caf.fr", "loop.caf.fr", "linklocal.caf.fr", "cgnat.caf.fr",
                     "mapped.caf.fr", "ula.caf.fr"):
            with self.subTest(name=name):
                self.assert_refused("CONNECT %s:443 HTTP/1.1\r\n\r\n" % name, name,
                                    "resolves to a local or private address")
        self.assertIn(("rebind.caf.fr", 1), self.dns.asked)
        # and let through for an intranet service
        self.proxy.connect("dns.centre.lan:443").close()
        ref = self.proxy.ask({"t": "refusals"})
        # put down to caf, the service last reached (www.caf.fr above)
        self.assertIn({"host": "rebind.caf.fr", "service": "caf", "count": 1}, ref["hosts"])

    def test_hostile_control_lines(self):
        p = self.proxy
        s = p.ctl_conn()
        bad = [
            b"{not json", b"[1,2]", b'"string"', b"null", b"{}", b'{"t":null}',
            b'{"t":"nope"}', b'{"t":"status","x":1}', b'{"t":"status","t":"status"}',
            b'{"t":"services"}', b'{"t":"services","services":{}}',
            b'{"t":"services","services":[1]}',
            b'{"t":"services","services":[{"id":"Caf!","url":"https://x/","domains":["x.fr"]}]}',
            b'{"t":"services","services":[{"id":"a","url":"ftp://x/","domains":["x.fr"]}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":[]}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":["x..fr"]}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":["127.0.0.1"]}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":["x.fr"],'
            b'"more":1}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":["x.fr"],'
            b'"intranet":"yes"}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":["x.fr"]},'
            b'{"id":"a","url":"https://y/","domains":["y.fr"]}]}',
            b'{"t":"services","services":[{"id":"a","url":"https://x/","domains":["x\\u0000.fr"]}]}',
            b"\xff\xfe{}", b"",
            json.dumps({"t": "services", "services": [
                {"id": "s%d" % i, "url": "https://s%d.example/" % i,
                 "domains": ["d%d-%d.example" % (i, j) for j in range(200)]}
                for i in range(21)]}).encode(),
        ]
        for line in bad:
            with self.subTest(line=line[:50]):
                r = p.ask(line, s)
                self.assertEqual(r["t"], "error", r)
                self.assertTrue(r["error"])
        # none of that touched the allowlist
        self.assertEqual(p.ask({"t": "status"}, s)["services"], 3)
        s.close()
        # over 256 KiB without a newline: an error, then the connection ends
        s = p.ctl_conn()
        s.sendall(b'{"t":"status","pad":"' + b"a" * (300 * 1024))
        data = read_all(s)
        s.close()
        Proxy.assert_one_line(data)
        self.assertEqual(json.loads(data)["t"], "error")
        # a complete line over the limit too
        s = p.ctl_conn()
        s.sendall(b'{"t":"status","pad":"' + b"a" * (257 * 1024) + b'"}\n')
        self.assertEqual(json.loads(read_all(s))["t"], "error")
        s.close()
        # the proxy goes on
        self.assertEqual(p.ask({"t": "status"})["t"], "status")

    def test_control_client_that_does_not_read(self):
        p = self.proxy
        for i in range(200):  # refusals answers of ~10 KiB each
            p.request("CONNECT h%d.example:443 HTTP/1.1\r\n\r\n" % i)
        n = 400  # ~4 MB of answers: past the 1 MiB the proxy buffers for a client
        s = p.ctl_conn()
        s.sendall(b'{"t":"refusals"}\n' * n)
        time.sleep(0.5)
        # meanwhile the proxy serves others
        self.assertEqual(p.ask({"t": "status"})["t"], "status")
        data = b""
        s.settimeout(20)
        while data.count(b"\n") < n:
            chunk = s.recv(1 << 20)
            self.assertTrue(chunk, "the answers stopped after %d" % data.count(b"\n"))
            data += chunk
        s.close()
        lines = data.split(b"\n")[:-1]
        self.assertEqual(len(lines), n)
        self.assertEqual(len(json.loads(lines[-1])["hosts"]), 200)

    # --- limits and timeouts ---------------------------------------------------------

    def test_connection_cap_answers_503(self):
        self.proxy.stop()
        self.proxy = self.new_proxy(extra="max_connections = 4; header_seconds = 5;")
        self.wait_connections(0)  # start()'s probe has gone
        held = [self.proxy.open() for _ in range(4)]
        try:
            self.wait_connections(4)
            st, _, body = self.proxy.request("CONNECT www.caf.fr:443 HTTP/1.1\r\n\r\n")
            self.assertEqual(st, 503)
            self.assertEqual(body, b"escale-proxy: too busy, try again later\n")
        finally:
            for s in held:
                s.close()
        self.wait_connections(0)
        self.assertEqual(self.tls_get(self.proxy.connect("www.caf.fr:443"), "www.caf.fr")[0],
                         200)

    def wait_connections(self, n):
        for _ in range(200):
            if self.proxy.ask({"t": "status"})["connections"] == n:
                return
            time.sleep(0.02)
        self.fail("the proxy does not count %d connections" % n)

    def test_header_timeout(self):
        with self.proxy.open() as s:
            s.sendall(b"CONNECT www.caf.fr:443 HTTP/1.1\r\n")  # and no more
            t0 = time.monotonic()
            st, _, body = split_response(read_all(s, 10))
            self.assertEqual(st, 408)
            self.assertGreater(time.monotonic() - t0, 1.5)

    def test_idle_tunnel_is_closed(self):
        # the TLS site takes the connection and waits for a ClientHello that never comes
        s = self.proxy.connect("www.caf.fr:443")
        t0 = time.monotonic()
        self.assertEqual(read_all(s, 15), b"")
        elapsed = time.monotonic() - t0
        s.close()
        self.assertGreater(elapsed, 1.5)
        self.assertLess(elapsed, 12)

    # --- configuration ---------------------------------------------------------------

    def test_check_config(self):
        r = subprocess.run([proxy_path(), "-c", self.proxy.conf, "-n"], capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        bad = os.path.join(self.dir, "bad.conf")
        with open(self.proxy.conf) as f:
            text = f.read()
        with open(bad, "w") as f:
            f.write(text.replace("idle_seconds = 2;", "idle_seconds = 0;"))
        r = subprocess.run([proxy_path(), "-c", bad, "-n"], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 1)
        line = [i + 1 for i, l in enumerate(text.split("\n")) if "idle_seconds" in l][0]
        self.assertIn("%s:%d:" % (bad, line), r.stderr)
        badhosts = os.path.join(self.dir, "badhosts")
        with open(badhosts, "w") as f:
            f.write("127.0.0.2 ok.example\n127.1 short.example\n")
        with open(bad, "w") as f:
            f.write(text.replace(self.hosts, badhosts))
        r = subprocess.run([proxy_path(), "-c", bad, "-n"], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s:2: not an IPv4 or IPv6 address" % badhosts, r.stderr)
        r = subprocess.run([proxy_path(), "-c", os.path.join(self.dir, "missing.conf"), "-n"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)

    def test_listens_on_ipv6_loopback(self):
        try:
            with socket.socket(socket.AF_INET6) as s:
                s.bind(("::1", 0))
                port = s.getsockname()[1]
        except OSError:
            self.skipTest("no IPv6 loopback here")
        self.proxy.stop()
        self.proxy = self.new_proxy(start=False)
        with open(self.proxy.conf) as f:
            text = f.read()
        with open(self.proxy.conf, "w") as f:
            f.write(text.replace('listen = "127.0.0.1:%d"' % self.proxy.port,
                                 'listen = "[::1]:%d"' % port))
        self.proxy.proc = subprocess.Popen([proxy_path(), "-c", self.proxy.conf],
                                           stdout=self.proxy.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(self.proxy.control):
                break
            time.sleep(0.02)
        self.assertEqual(self.proxy.ask({"t": "status"})["listen"], "[::1]:%d" % port)
        with socket.create_connection(("::1", port), 10) as s:
            s.sendall(b"CONNECT www.caf.fr:443 HTTP/1.1\r\n\r\n")
            self.assertTrue(read_all(s, 10).startswith(b"HTTP/1.1 200 "))

    def test_sighup_rereads_the_config(self):
        p = self.proxy
        p.write_conf(self.hosts, services="""
  { name = "CAF"; url = "https://www.caf.fr/"; domains = [ "caf.fr" ]; }""")
        p.proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if p.ask({"t": "status"})["services"] == 1:
                break
            time.sleep(0.05)
        self.assertEqual(p.ask({"t": "status"})["services"], 1)
        self.assert_refused("CONNECT www.ameli.fr:443 HTTP/1.1\r\n\r\n", "www.ameli.fr",
                            "not an allowed site")
        # a broken file is logged and the running config kept
        with open(p.conf, "a") as f:
            f.write("nonsense = ;\n")
        p.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        self.assertIn("kept the old one", p.output())
        self.assertEqual(self.tls_get(p.connect("www.caf.fr:443"), "www.caf.fr")[0], 200)


def can_serve_443():
    try:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.254.254.254", 443))
        return True
    except PermissionError:
        return False
    except OSError:  # in use: the right was there
        return True


if __name__ == "__main__":
    # Without the right to listen on port 443 (root), or without openssl, nothing here can
    # run: say so to meson as a skip (77), not as a pass.
    if not can_serve_443() or shutil.which("openssl") is None:
        print("skipped: needs root (port 443 on loopback) and openssl")
        sys.exit(77)
    unittest.main(verbosity=2)
