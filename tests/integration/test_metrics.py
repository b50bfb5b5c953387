"""GET /metrics: off by default, a maintenance staff token, Prometheus' text format with
the kiosks online, the sessions open and the requests' counts and latencies."""

import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import AdmindTestCase  # noqa: E402

SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def parse(text):
    """{'name{labels}': value}; every line is a comment or a well-formed sample."""
    out = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("not a Prometheus sample: %r" % line)
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


class MetricsOff(AdmindTestCase):
    def test_off_by_default(self):
        self.assertError(self.req("GET", "/metrics", token=self.admin), 404, "not_found")


class Metrics(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "metrics = { enabled = true; };\n"

    def scrape(self, token=None):
        status, hdrs, data = self.req("GET", "/metrics", token=token or self.admin)
        self.assertEqual(status, 200, data)
        self.assertTrue(hdrs["content-type"].startswith("text/plain; version=0.0.4"), hdrs)
        return parse(data.decode("utf-8"))

    def test_staff_token_of_maintenance(self):
        self.assertError(self.req("GET", "/metrics"), 401, "unauthorized")
        _, sec = self.new_user("secretariat")
        self.assertError(self.req("GET", "/metrics", token=sec), 403, "forbidden")
        _, maint = self.new_user("maintenance")
        self.scrape(maint)
        self.assertError(self.req("GET", "/metrics?x=1", token=maint), 400, "bad_request")

    def test_kiosks_and_sessions(self):
        before = self.scrape()
        _, ktok = self.new_kiosk()
        _, gone = self.new_kiosk()
        self.api("POST", "/api/v1/kiosks/%d/revoke" % self.new_kiosk()[0], None, self.admin)
        self.heartbeat(ktok)
        self.heartbeat(gone)
        code = self.new_code()
        sid = self.open_ok(ktok, code["code"])["session"]
        m = self.scrape()
        self.assertEqual(m["escale_kiosks"], before["escale_kiosks"] + 2)
        self.assertEqual(m["escale_kiosks_online"], before["escale_kiosks_online"] + 2)
        self.assertEqual(m["escale_sessions_open"], before["escale_sessions_open"] + 1)
        self.end_session(ktok, sid)
        self.assertEqual(self.scrape()["escale_sessions_open"], before["escale_sessions_open"])
        # Printing is off: no printer series.
        self.assertFalse([k for k in m if k.startswith("escale_printer")], m)

    def test_requests_counted_with_latency(self):
        before = self.scrape()
        for _ in range(5):
            self.api("GET", "/healthz")
        self.req("GET", "/api/v1/nothing-here", token=self.admin)
        # A request is counted when admind has finished with its connection, which can
        # come a moment after the client has read the answer: scrape until it shows.
        key4 = 'escale_http_requests_total{code="4xx"}'
        deadline = time.monotonic() + 10
        m = self.scrape()
        while m[key4] == before[key4] and time.monotonic() < deadline:
            time.sleep(0.05)
            m = self.scrape()
        # The scrapes themselves count too (the one before, at least).
        self.assertGreaterEqual(m['escale_http_requests_total{code="2xx"}'] -
                                before['escale_http_requests_total{code="2xx"}'], 6)
        self.assertEqual(m['escale_http_requests_total{code="4xx"}'] -
                         before['escale_http_requests_total{code="4xx"}'], 1)
        count = m["escale_http_request_duration_seconds_count"]
        self.assertEqual(m['escale_http_request_duration_seconds_bucket{le="+Inf"}'], count)
        self.assertEqual(count, sum(v for k, v in m.items()
                                    if k.startswith("escale_http_requests_total")))
        buckets = [v for k, v in m.items() if k.startswith("escale_http_request_duration_"
                                                           "seconds_bucket")]
        self.assertEqual(buckets, sorted(buckets), "buckets must be cumulative")
        self.assertGreater(m["escale_http_request_duration_seconds_sum"], 0)
        # A loopback request answers well under a second.
        self.assertEqual(m['escale_http_request_duration_seconds_bucket{le="1"}'], count)


if __name__ == "__main__":
    unittest.main(verbosity=2)
