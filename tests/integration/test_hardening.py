#!/usr/bin/env python3
"""The findings of the outside review (issue 16), one class each: each test
showed the weakness on the code before its fix. Timings are not asserted here
(tests/bench/login_flood_bench.py measures them)."""

import concurrent.futures
import http.client
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import AdmindTestCase, REQUEST_TIMEOUT, decode_body, main  # noqa: E402

PASSWORD = "correct horse battery"


def request_from(port, source, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
    """One request from the loopback address SOURCE (127.0.0.0/8 is all ours):
    many clients of many addresses on one machine."""
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body).encode(),
                     headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        rh = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, rh, decode_body(rh, data)
    finally:
        conn.close()


class SignInFlood(AdmindTestCase):
    """1. Password checks run on their own bounded queue: past it, 503 and
    Retry-After at once; kiosks and /healthz are answered meanwhile."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = ""; login_workers = 1; login_queue = 2; };\n')

    def test_flood_is_shed_and_kiosks_answered(self):
        name = self.unique("accueil")
        self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                           "password": PASSWORD}, self.admin, expect=201)
        _, ktok = self.new_kiosk()
        port = self.server.port

        def login(i):
            return request_from(port, "127.0.%d.%d" % (1 + i // 200, 2 + i % 200), "POST",
                                "/api/v1/login", {"name": "nobody-%d" % i, "password": "x" * 12})

        others = []
        stop = threading.Event()

        def kiosk_side():
            while not stop.is_set():
                others.append(self.req("GET", "/healthz")[0])
                others.append(self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"},
                                       ktok)[0])

        t = threading.Thread(target=kiosk_side)
        t.start()
        try:
            with concurrent.futures.ThreadPoolExecutor(24) as ex:
                results = list(ex.map(login, range(48)))
        finally:
            stop.set()
            t.join()
        statuses = sorted({st for st, _, _ in results})
        self.assertEqual(statuses, [401, 503], statuses)
        for st, hdrs, d in results:
            if st == 503:
                self.assertEqual((d["error"], d["retry_after"], hdrs.get("retry-after")),
                                 ("busy", 1, "1"), d)
        self.assertTrue(others)
        self.assertEqual(set(others), {200}, "kiosks and /healthz during the flood")
        # The queue drained: the desk signs in.
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD})
        self.assertEqual(st, 200, d)

    def test_stop_with_sign_ins_waiting(self):
        """SIGTERM while checks wait: each is answered or closed, admind exits 0."""
        port = self.server.port
        busy = threading.Event()

        def login(i):
            try:
                st, _, _ = request_from(port, "127.0.3.%d" % (i + 2), "POST", "/api/v1/login",
                                        {"name": "n%d" % i, "password": "y" * 12})
            except (OSError, http.client.HTTPException):
                return None  # closed by the stop
            if st == 503:
                busy.set()
            return st

        with concurrent.futures.ThreadPoolExecutor(12) as ex:
            futs = [ex.submit(login, i) for i in range(12)]
            # A 503 means the queue was full: checks are waiting now.
            self.assertTrue(busy.wait(REQUEST_TIMEOUT))
            self.server.stop()  # asserts exit status 0 within its deadline
            got = {f.result() for f in futs}
        self.assertLessEqual(got, {None, 401, 503})
        self.server.start()

if __name__ == "__main__":
    main()
