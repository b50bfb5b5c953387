"""Many clients typing the same code at the same instant: exactly one session."""

import http.client
import json
import threading

from escale_test import AdmindTestCase, main

TIMEOUT = 30


class SameCodeAtOnce(AdmindTestCase):
    # generous lock-out settings do not matter here: the code is good
    EXTRA_CONF = 'offline = { opslimit = 1; memlimit_kib = 8192; };\n'

    def race(self, tokens, code):
        """One thread per token, all connected first, released together.
        Returns [(token, status, body)]."""
        n = len(tokens)
        barrier = threading.Barrier(n)
        results = [None] * n
        body = json.dumps({"code": code}).encode()

        def worker(i):
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=TIMEOUT)
            try:
                conn.connect()
                barrier.wait(TIMEOUT)
                conn.request("POST", "/api/v1/kiosk/sessions", body=body,
                             headers={"Authorization": "Bearer " + tokens[i],
                                      "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                try:
                    data = json.loads(data)
                except ValueError:
                    pass
                results[i] = (tokens[i], r.status, data)
            except Exception as e:  # reported below as a failed request
                results[i] = (tokens[i], None, repr(e))
            finally:
                conn.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT * 2)
        return results

    def check(self, results, code_id):
        failed = [r for r in results if r is None or r[1] is None]
        self.assertEqual(failed, [], "requests that got no answer")
        bad = [(st, d) for _, st, d in results
               if st != 201 and (st, d.get("error") if isinstance(d, dict) else d)
               != (403, "code_in_use")]
        self.assertEqual(bad, [], "answers other than 201 and 403 code_in_use")
        ok = [r for r in results if r[1] == 201]
        # the data first: one active session for the code, in the API and the database
        active = [s for s in self.sessions_list(active=True) if s["code_id"] == code_id]
        self.assertEqual(len(active), 1, active)
        con = self.server.db_connect()
        try:
            n = con.execute("SELECT count(*) FROM sessions WHERE code_id = ? AND "
                            "ended_at IS NULL", (code_id,)).fetchone()[0]
            self.assertEqual(n, 1, "active sessions of the code in the database")
        finally:
            con.close()
        # then the answers: a single winner, everyone else told the code is in use
        replaced = [s for s in self.sessions_list()
                    if s["code_id"] == code_id and s["end_reason"] == "replaced"]
        self.assertEqual(len(ok), 1, "%d answers 201 for one code (%d sessions ended as "
                         "replaced)" % (len(ok), len(replaced)))
        self.assertEqual(active[0]["id"], ok[0][2]["session"])
        allsess = [s for s in self.sessions_list() if s["code_id"] == code_id]
        self.assertEqual(len(allsess), 1, "sessions opened then replaced: %r" % allsess)
        return ok[0]

    def test_50_threads_one_kiosk(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        self.check(self.race([kt] * 50, c["code"]), c["id"])

    def test_50_threads_50_kiosks(self):
        kts = [self.new_kiosk()[1] for _ in range(50)]
        c = self.new_code()
        self.check(self.race(kts, c["code"]), c["id"])

    def test_5_kiosks_x_20_threads(self):
        kts = [self.new_kiosk()[1] for _ in range(5)]
        c = self.new_code()
        self.check(self.race(kts * 20, c["code"]), c["id"])

    def test_server_still_healthy_after_races(self):
        kts = [self.new_kiosk()[1] for _ in range(10)]
        codes = self.new_codes(count=10)
        # ten different codes at once on ten kiosks: ten sessions
        n = len(kts)
        barrier = threading.Barrier(n)
        out = [None] * n

        def worker(i):
            barrier.wait(TIMEOUT)
            out[i] = self.open_session(kts[i], codes[i]["code"])[0]

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT * 2)
        self.assertEqual(out, [201] * n)
        self.assertEqual(self.req("GET", "/healthz")[0], 200)


if __name__ == "__main__":
    main()
