"""A stand-in for escale-proxy's control socket (docs/network.md), for the tests of the
kiosk's network check (proxy.enforce) where the real proxy is not the point: it answers
{"t":"status"} with a status line and counts the questions. Standard library only."""

import json
import os
import socket
import threading


class ControlSocket:
    """A stand-in for escale-proxy's control socket: answers {"t":"status"} with a status."""

    def __init__(self, path, listen_port):
        self.path = path
        self.listen_port = listen_port
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(8)
        self.asked = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with c:
                c.settimeout(2)
                try:
                    line = c.makefile("rb").readline(65536)
                    if json.loads(line).get("t") == "status":
                        self.asked += 1
                        c.sendall(b'{"t":"status","listen":"127.0.0.1:%d","services":6,'
                                  b'"connections":0}\n' % self.listen_port)
                except (OSError, ValueError):
                    pass

    def close(self):
        self.sock.close()
        os.unlink(self.path)

