"""The staff web page in a real browser (docs/web.md): signing in, issuing and printing
tickets, ending a kiosk's session, clearing a paper jam, the usage CSV, what each role may
reach, the CSRF token, the password lock-out and signing out.

Each class has its own admind and Chromium (meson runs them as separate test entries).
"""

import csv
import io
import os
import re
import secrets
import time
import urllib.parse

from web_harness import CODE_RE, FIRST_VIEW, PRINT_STUB_JS, ROLE_VIEWS, WAIT, WebTestCase, main
from selenium.webdriver.support.ui import Select  # noqa: E402 (web_harness finds selenium)
import mkpdf
from private_cupsd import WithCupsd, WithTwoSites

USAGE_HEADER = ["session", "poste", "site", "début", "fin", "durée (s)", "durée (min)", "pages",
                "motif de fin", "hors ligne", "pages imprimées", "pages refusées",
                "pages rendues"]


def words(text):
    return set(re.findall(r"\w+", text.lower()))


class Desk(WebTestCase):
    """The desk's view: signing in, tickets, the kiosk grid; and a tour of every view."""

    def test_sign_in_shows_the_shell(self):
        self.open_page()
        self.wait_shown("form#login-form")
        self.assertIsNone(self.shown("nav#nav"), "the nav shows before signing in")
        self.shot_both("login")
        self.submit_login(self.ADMIN, self.PASSWORD)
        self.wait_shown("nav#nav")
        self.wait(lambda d: self.ADMIN in self.text("#whoami"), "#whoami names the admin")
        self.wait_hidden("form#login-form")
        self.assertEqual(self.nav_views(), ROLE_VIEWS["admin"])
        # The first view of an admin is the desk, and only it shows.
        self.wait(lambda d: d.execute_script("return location.hash") == "#/desk", "#/desk")
        self.wait_shown("section#view-desk")
        self.assertEqual(self.visible_sections(), ["view-desk"])
        self.wait(lambda d: re.search(r"Mis à jour à \d\d:\d\d:\d\d", self.text("#live")),
                  "#live: Mis à jour à HH:MM:SS")
        self.assertEqual(self.find("#status").get_attribute("role"), "status")
        self.assertTrue(self.find("#status").get_attribute("aria-live"))
        self.assertEqual(self.find("#dlg").tag_name, "dialog")
        self.assertCleanConsole()

    def test_issue_codes_with_a_preset_and_print_the_tickets(self):
        desk = self.desk_info()
        served = [x["name"] for x in
                  self.api("GET", "/api/v1/services", token=self.admin)["services"]]
        self.assertIn("CAF", served)
        preset = [p for p in desk["presets"] if p["minutes"] == 30]
        self.assertEqual(len(preset), 1, desk)
        pages = preset[0]["pages"]
        self.sign_in()
        self.wait_shown("form#code-form")
        # (the presets come with the desk's settings, which also reset the form)
        self.click('button.preset[data-minutes="30"]')
        self.wait(lambda d: self.find("#code-minutes").get_attribute("value") == "30"
                  and self.find("#code-pages").get_attribute("value") == str(pages),
                  "the preset fills #code-minutes 30 and #code-pages %d" % pages)
        self.type_into("#code-count", "2")
        self.click("#code-issue")
        self.wait(lambda d: len(self.find_all("#tickets .ticket")) == 2, "2 tickets")
        # Several codes: Enter prints them on a sheet.
        self.wait(lambda d: d.switch_to.active_element.get_attribute("id") == "print-a4",
                  "the focus on #print-a4 after several codes")
        tickets = self.find_all("#tickets .ticket")
        codes = [self.find(".ticket-code", t).text.strip() for t in tickets]
        for c in codes:
            self.assertRegex(c, CODE_RE)
        self.assertEqual(len(set(codes)), 2, codes)
        self.assertEqual(desk["centre"], "Espace social des Tilleuls")
        for t in tickets:
            self.assertIn(desk["centre"], t.text)
            self.assertIn("30", re.findall(r"\d+", self.find(".ticket-minutes", t).text))
            self.assertIn(str(pages), re.findall(r"\d+", self.find(".ticket-pages", t).text))
            self.assertTrue(self.find(".ticket-until", t).text.strip())
            # One list, from one place: the services admind serves the kiosks.
            self.assertEqual(self.ticket_services(t), served)
            rules = self.find(".ticket-rules", t).text
            for rule in desk["rules"]:
                self.assertIn(rule, rules)
        self.shot_both("desk-tickets")

        # The print buttons set the body's class, then print.
        self.driver.execute_script(PRINT_STUB_JS)
        self.click("button#print-a4")
        self.wait(lambda d: len(d.execute_script("return window.__prints")) == 1,
                  "#print-a4 calls window.print()")
        self.click("button#print-receipt")
        self.wait(lambda d: len(d.execute_script("return window.__prints")) == 2,
                  "#print-receipt calls window.print()")
        prints = self.driver.execute_script("return window.__prints")
        # Printed: Enter now takes the codes off the screen.
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("id"),
                         "tickets-clear")
        self.assertIn("print-a4", prints[0])
        self.assertIn("print-receipt", prints[1])
        self.assertNotIn("print-a4", prints[1])

        # What the printer gets: the tickets and nothing else.
        tickets_text = self.find("#tickets").get_attribute("innerText")
        shell = [a.text.strip() for a in self.find_all("nav#nav a[data-view]")]
        shell += [self.text("#whoami"), self.find("#code-issue").text.strip()]
        shell = [s for s in shell if s and s not in tickets_text]
        for mode in ("a4", "receipt"):
            self.driver.execute_script(
                "document.body.classList.remove('print-a4', 'print-receipt');"
                "document.body.classList.add(arguments[0]);", "print-" + mode)
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            self.assertIsNone(self.shown("nav#nav"), "the nav shows in print (%s)" % mode)
            self.assertIsNone(self.shown("form#code-form"), "the form shows in print")
            self.assertTrue(all(t.is_displayed() for t in self.find_all("#tickets .ticket")))
            self.shot("desk-print-" + mode)
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
            text = self.print_pdf("desk-print-" + mode, receipt=(mode == "receipt"))
            flat = re.sub(r"\s+", " ", text)
            for c in codes:
                self.assertIn(c, flat, "code %s not in the %s PDF:\n%s" % (c, mode, text))
            for s in shell:
                self.assertNotIn(s, flat, "%r (not a ticket) printed on %s:\n%s" % (s, mode, text))
            extra = words(text) - words(tickets_text)
            self.assertEqual(extra, set(), "printed on %s but not in #tickets:\n%s" % (mode, text))
        self.driver.execute_script("document.body.classList.remove('print-a4', 'print-receipt')")

        # They are real codes: a kiosk opens a session with each.
        _, kt = self.new_kiosk()
        for c in codes:
            s = self.open_ok(kt, c)
            self.assertEqual((s["seconds_left"], s["pages_left"]), (30 * 60, pages))
            self.end_session(kt, s["session"])
        self.assertCleanConsole()

    def test_refreshes_are_marked_as_polls(self):
        """The page's own refreshes carry X-Escale-Poll: 1 (they must not keep a desk left
        open signed in); what a person does does not."""
        self.sign_in()
        self.wait_shown("section#view-desk")
        self.next_refreshes(2)
        self.click('button.preset[data-minutes="60"]')
        self.click("#code-issue")
        self.wait(lambda d: len(self.find_all("#tickets .ticket")) == 1, "a ticket")
        # One code: Enter prints the usual receipt, not an A4 sheet for one ticket.
        self.wait(lambda d: d.switch_to.active_element.get_attribute("id") == "print-receipt",
                  "the focus on #print-receipt after one code")
        sent = self.requests_sent()
        polls = [(m, p) for m, p, h in sent if h.get("x-escale-poll") == "1"]
        person = [(m, p) for m, p, h in sent if "x-escale-poll" not in h]
        self.assertIn(("POST", "/api/v1/login"), person)
        self.assertIn(("POST", "/api/v1/codes"), person)
        self.assertGreaterEqual(polls.count(("GET", "/api/v1/kiosks")), 2, [
            (m, p, h.get("x-escale-poll")) for m, p, h in sent if p.startswith("/api/")])
        self.assertTrue(all(m == "GET" for m, _ in polls), polls)
        marked = [(m, p, h["x-escale-poll"]) for m, p, h in sent
                  if h.get("x-escale-poll") not in (None, "1")]
        self.assertEqual(marked, [])

    def kiosk_el(self, kid):
        return self.find('#kiosk-grid .kiosk[data-kiosk-id="%s"]' % kid)

    def test_end_a_kiosk_session(self):
        kid, kt = self.new_kiosk(self.unique("poste"), site="Centre")
        self.heartbeat(kt, state="login")
        code = self.new_code(minutes=60, pages=5)
        sid = self.open_ok(kt, code["code"])["session"]
        self.heartbeat(kt, state="session", session=sid, seconds_used=120)
        beat = self.pulse(kt, state="session", session=sid, seconds_used=120)
        self.sign_in()
        sel = '#kiosk-grid .kiosk[data-kiosk-id="%s"]' % kid
        self.wait(lambda d: self.kiosk_el(kid).get_attribute("data-state") == "session",
                  "the grid shows kiosk %s in a session" % kid)
        # 60 minutes, 2 used: 58 left (57 and some seconds, as the page may count down).
        self.wait(lambda d: re.search(r"\b5[78]\b", self.find(sel + " .kiosk-time").text),
                  "the time left (58 min) on the kiosk")
        self.assertTrue(self.find(sel + " .kiosk-name").text.strip())
        self.assertTrue(self.find(sel + " .kiosk-state").text.strip())
        self.shot_both("desk-kiosk-session")
        # The grid's words for the time left: whole minutes (59 min 59 s is "59 min",
        # not "1 h"), never 0 while some time is left.
        fmt = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "import('/i18n.js').then(m => done([3599, 3600, 3660, 10, 0].map("
            "m.fmtSecondsLeft)));")
        self.assertEqual(fmt, ["59 min", "1 h", "1 h 01", "1 min", "0 min"])
        self.click(sel + ' [data-action="end"]')
        self.wait(lambda d: self.dialog_open(), "the confirmation dialog")
        self.shot("desk-end-dialog", full=False)
        self.confirm_dialog()
        # The kiosk hears of it in its next heartbeat.
        def told_to_end(d):
            hb = self.heartbeat(kt, state="session", session=sid, seconds_used=121)
            return hb if [c for c in hb["commands"] if c["type"] == "end_session"] else None
        hb = self.wait(told_to_end, "an end_session command in the kiosk's heartbeat")
        cmd = [c for c in hb["commands"] if c["type"] == "end_session"][0]
        self.assertEqual(cmd["session"], sid)
        self.assertFalse(hb["session"]["active"], hb)
        self.assertIn(("session.end", self.ADMIN), self.audit_actions())
        self.end_session(kt, sid, reason="staff", seconds_used=121)
        beat.set(state="login")
        self.heartbeat(kt, state="login", ack=[c["id"] for c in hb["commands"]])
        self.wait(lambda d: self.kiosk_el(kid).get_attribute("data-state") == "free",
                  "the grid shows kiosk %s free again" % kid)
        self.assertEqual(self.find_all(sel + ' [data-action="end"]'), [],
                         "an end button on a free kiosk")
        self.assertCleanConsole()

    def test_add_time_to_a_session(self):
        kid, kt = self.new_kiosk(self.unique("poste"))
        sid = self.open_ok(kt, self.new_code(minutes=30, pages=5)["code"])["session"]
        self.heartbeat(kt, state="session", session=sid, seconds_used=60)
        self.pulse(kt, state="session", session=sid, seconds_used=60)
        self.sign_in()
        sel = '#kiosk-grid .kiosk[data-kiosk-id="%s"]' % kid
        self.wait(lambda d: self.kiosk_el(kid).get_attribute("data-state") == "session",
                  "kiosk %s in a session" % kid)
        self.click(sel + ' [data-action="add-time"]')
        self.wait(lambda d: self.dialog_open(), "the dialog")
        self.type_into("#dlg-input", "20")
        self.confirm_dialog()

        def told_to_add(d):
            hb = self.heartbeat(kt, state="session", session=sid, seconds_used=61)
            return [c for c in hb["commands"] if c["type"] == "add_time"]
        cmd = self.wait(told_to_add, "an add_time command in the kiosk's heartbeat")[0]
        self.assertEqual((cmd["session"], cmd["seconds"]), (sid, 20 * 60))
        self.assertIn(("session.add_time", self.ADMIN), self.audit_actions())
        # 30 + 20 minutes, 61 s used: 48 minutes and some seconds left.
        self.wait(lambda d: re.search(r"\b4[89]\b", self.find(sel + " .kiosk-time").text),
                  "the time left grown to 49 min")
        self.assertCleanConsole()

    def test_revoke_a_code(self):
        code = self.new_code(minutes=30, pages=5)
        self.sign_in()
        row = '#codes-table tr[data-code-id="%s"]' % code["id"]
        self.wait_shown(row)
        self.click(row + ' [data-action="revoke"]')
        self.confirm_dialog()
        self.wait(lambda d: self.code_by_id(code["id"])["state"] == "revoked", "code revoked")
        self.wait_hidden(row)
        _, kt = self.new_kiosk()
        st, _, d = self.open_session(kt, code["code"])
        self.assertEqual((st, d["error"]), (403, "code_revoked"), d)
        self.assertCleanConsole()

    def test_grid_states_lock_and_message(self):
        never, _ = self.new_kiosk(self.unique("jamais"))
        kid, kt = self.new_kiosk(self.unique("poste"))
        self.heartbeat(kt, state="login")
        beat = self.pulse(kt, state="login")
        self.sign_in()
        grid = '#kiosk-grid .kiosk[data-kiosk-id="%s"]'
        self.wait(lambda d: self.kiosk_el(never).get_attribute("data-state") == "offline",
                  "a kiosk never heard of shown offline")
        self.wait(lambda d: self.kiosk_el(kid).get_attribute("data-state") == "free",
                  "a kiosk at its welcome screen shown free")
        self.assertEqual(self.find_all(grid % kid + ' [data-action="end"]'), [])
        # A message, then a lock, each through the dialog's input.
        self.click(grid % kid + ' [data-action="message"]')
        self.wait(lambda d: self.dialog_open(), "the message dialog")
        self.type_into("#dlg-input", "Le centre ferme dans 10 minutes.")
        self.confirm_dialog()
        self.click(grid % kid + ' [data-action="lock"]')
        self.wait(lambda d: self.dialog_open(), "the lock dialog")
        self.type_into("#dlg-input", "Poste en panne")
        self.confirm_dialog()

        def commands(d):
            hb = self.heartbeat(kt, state="login")
            got = {c["type"]: c for c in hb["commands"]}
            return got if {"message", "lock"} <= set(got) else None
        got = self.wait(commands, "message and lock in the kiosk's heartbeat")
        self.assertEqual(got["message"]["text"], "Le centre ferme dans 10 minutes.")
        self.assertEqual(got["lock"]["text"], "Poste en panne")
        beat.set(state="locked")
        self.heartbeat(kt, state="locked", ack=[c["id"] for c in got.values()])
        self.wait(lambda d: self.kiosk_el(kid).get_attribute("data-state") == "locked",
                  "the kiosk shown locked")
        self.wait_shown(grid % kid + ' [data-action="unlock"]')
        self.shot_both("desk-kiosk-states")
        self.act(grid % kid + ' [data-action="unlock"]',
                 lambda d: [c for c in self.heartbeat(kt, state="locked")["commands"]
                            if c["type"] == "unlock"], "unlock in the kiosk's heartbeat")
        self.assertCleanConsole()

    def test_extend_a_code(self):
        code = self.new_code(minutes=30, pages=5)
        self.sign_in()
        row = '#codes-table tr[data-code-id="%s"]' % code["id"]
        self.click(row + ' [data-action="extend"]')
        self.wait(lambda d: self.dialog_open(), "the extend dialog")
        self.type_into("#dlg-input", "45")
        self.confirm_dialog()
        def extended(d):
            c = self.code_by_id(code["id"])
            return c if c["minutes"] == 75 else None
        c = self.wait(extended, "the code extended to 75 minutes")
        self.assertEqual(c["pages"], 5)
        self.wait(lambda d: re.search(r"1 h 15|75", self.find(row).text),
                  "the row shows 1 h 15 (75 min) left")
        self.assertCleanConsole()

    def test_every_view_and_its_screenshots(self):
        kname = self.unique("poste")
        kid, kt = self.new_kiosk(kname, site="Centre")
        for secs in (300, 1500, 4000):
            self.finished_session(kt, secs)
        self.heartbeat(kt, state="login")
        self.new_codes(count=2, minutes=60, pages=10)
        self.sign_in()
        too_wide = {}
        for view in ["desk", "kiosks", "printers", "sites", "services", "usage", "stats", "audit",
                     "users", "account"]:
            self.go(view)
            self.assertEqual(self.visible_sections(), ["view-" + view])
            if view == "kiosks":
                self.wait_shown('#kiosks-table tr[data-kiosk-id="%s"]' % kid)
            elif view == "usage":
                self.wait(lambda d: kname in self.find("#usage-table").text, "usage rows")
            elif view == "stats":
                self.wait(lambda d: self.find_all("svg#chart-day rect.bar"), "bars per day")
                bar = self.find("svg#chart-day rect.bar title")
                self.assertTrue(bar.get_attribute("textContent").strip())
                self.assertTrue(self.find("#stats-totals").text.strip())
            elif view == "audit":
                self.wait(lambda d: self.ADMIN in self.find("#audit-table").text, "audit rows")
            elif view == "services":
                self.wait(lambda d: self.find_all('#services-table tr[data-service-id="caf"]'),
                          "service rows")
            elif view == "printers":  # printing is off here: said so, nothing to add
                self.wait_shown("#printers-off")
                self.assertIsNone(self.shown("#printer-add"))
            elif view == "users":
                self.wait(lambda d: self.find_all("#users-table tr[data-user-id]"), "user rows")
            width = self.shot_both("view-" + view)
            if width > 360:
                too_wide[view] = width
        self.assertCleanConsole()
        self.assertEqual(too_wide, {}, "views wider than a 360 px screen (CSS px)")


class Pause(WebTestCase):
    """The kiosk grid on a desk screen, and a kiosk paused after wrong codes shown as
    such on the desk, which lifts the pause."""

    EXTRA_CONF = WebTestCase.EXTRA_CONF.replace(
        "lockout_seconds = 1; lockout_max_seconds = 4",
        "lockout_seconds = 300; lockout_max_seconds = 600")

    def test_a_desk_screen_shows_every_kiosk(self):
        # The desk's screen, 1280 x 800: eight kiosks (a large centre) all in view on
        # the Accueil page without scrolling, beside the new code form.
        kts = []
        for i in range(8):
            _, kt = self.new_kiosk(self.unique("poste-%d" % (i + 1)))
            self.heartbeat(kt, state="login")
            kts.append(kt)
        self.driver.set_window_size(1280, 800)
        self.addCleanup(self.driver.set_window_size, 1280, 900)
        self.sign_in()
        self.wait(lambda d: len(self.find_all("#kiosk-grid .kiosk")) >= 8, "eight kiosks")
        height = self.driver.execute_script("return window.innerHeight")
        self.assertLessEqual(height, 800)
        cards = self.find_all("#kiosk-grid .kiosk") + [self.find("#code-issue")]
        low = [(c.get_attribute("data-kiosk-id") or c.get_attribute("id"),
                c.rect["y"] + c.rect["height"]) for c in cards]
        self.assertEqual([x for x in low if x[1] > height], [], (height, low))
        self.shot_both("desk-1280x800")
        # A busy morning: every kiosk in a session shows its time left and its actions,
        # still all in view.
        for kt in kts:
            s = self.open_ok(kt, self.new_code(minutes=59)["code"])
            self.heartbeat(kt, state="session", session=s["session"], seconds_used=5)
        self.wait(lambda d: len(self.find_all('#kiosk-grid .kiosk[data-state="session"]')) >= 8,
                  "eight kiosks in a session")
        cards = self.find_all("#kiosk-grid .kiosk") + [self.find("#code-issue")]
        cards += self.find_all("#kiosk-grid .kiosk .btn")
        low = [(c.get_attribute("data-kiosk-id") or c.get_attribute("id") or c.text,
                c.rect["y"] + c.rect["height"]) for c in cards]
        self.assertEqual([x for x in low if x[1] > height], [], (height, low))
        self.shot_both("desk-1280x800-busy")
        self.assertCleanConsole()

    def test_lift_the_pause_of_a_kiosk(self):
        self.assertIn("lockout_seconds = 300", self.EXTRA_CONF)
        kid, kt = self.new_kiosk(self.unique("poste"))
        self.heartbeat(kt, state="login")
        self.pulse(kt, state="login")
        self.sign_in()
        el = '#kiosk-grid .kiosk[data-kiosk-id="%s"]' % kid
        self.wait(lambda d: self.find(el).get_attribute("data-state") == "free",
                  "the kiosk shown free")
        self.assertEqual(self.find_all(el + ' [data-action="unpause"]'), [])
        for _ in range(2):
            self.assertError(self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8)), 403,
                             "code_unknown")
        self.assertError(self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8)), 429,
                         "rate_limited")
        # Shown paused, in words, with the time until it resumes by itself.
        self.wait(lambda d: self.find(el).get_attribute("data-state") == "paused",
                  "the kiosk shown paused")
        self.assertIn("codes erronés", self.find(el + " .kiosk-state").text)
        self.assertRegex(self.find(el + " .kiosk-time").text, r"^Reprise seule dans ")
        self.wait_shown(el + ' [data-action="unpause"]')
        self.shot_both("desk-kiosk-paused")
        self.act(el + ' [data-action="unpause"]',
                 lambda d: self.find(el).get_attribute("data-state") == "free",
                 "the kiosk shown free again")
        self.assertEqual(self.kiosk_row(kid)["paused_seconds"], 0)
        self.assertIn("unpause", [c["type"] for c in
                                  self.heartbeat(kt, state="login")["commands"]])
        self.assertError(self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8)), 403,
                         "code_unknown")
        self.assertCleanConsole()


class Help(WebTestCase):
    """A resident calls for help from a kiosk: the desk's grid shows it first and in red,
    beeps until someone answers "J'arrive", and "Terminé" closes the call."""

    def test_a_call_shows_first_beeps_and_is_answered(self):
        # Three kiosks in sessions; the last one added calls.
        kiosks = []
        for i in range(3):
            kid, kt = self.new_kiosk(self.unique("poste-%d" % (i + 1)))
            s = self.open_ok(kt, self.new_code(minutes=59)["code"])["session"]
            kiosks.append((kid, kt, s))
        pulses = [self.pulse(kt, state="session", session=s, seconds_used=5)
                  for _, kt, s in kiosks]
        kid, kt, sid = kiosks[-1]
        self.sign_in()
        el = '#kiosk-grid .kiosk[data-kiosk-id="%s"]' % kid
        self.wait(lambda d: len(self.find_all('#kiosk-grid .kiosk[data-state="session"]')) >= 3,
                  "three kiosks in a session")
        self.assertEqual(self.find(el).get_attribute("data-help"), "none")
        self.assertEqual(self.find_all(el + ' [data-action="help-coming"]'), [])
        beeps = self.driver.execute_script("return window.escaleHelpBeeps || 0")
        self.assertEqual(beeps, 0)
        pulses[-1].set(state="session", session=sid, seconds_used=6, help="asked",
                       help_at=int(time.time() * 1000))
        self.wait(lambda d: self.find(el).get_attribute("data-help") == "asked",
                  "the call shown")
        # First in the grid, in words, and heard.
        first = self.find("#kiosk-grid .kiosk")
        self.assertEqual(first.get_attribute("data-kiosk-id"), str(kid))
        self.assertIn("Demande d'aide", self.find(el + " .kiosk-help-banner").text)
        self.wait(lambda d: d.execute_script("return window.escaleHelpBeeps || 0") >= 1,
                  "a beep")
        self.shot_both("desk-kiosk-help")
        # Muted: no more beeps while it waits.
        self.click(el + ' [data-action="mute"]')
        self.wait(lambda d: "Remettre le son" in self.find(el + ' [data-action="mute"]').text,
                  "sound off")
        muted_at = self.driver.execute_script("return window.escaleHelpBeeps")
        time.sleep(7)
        self.assertEqual(self.driver.execute_script("return window.escaleHelpBeeps"), muted_at)
        self.click(el + ' [data-action="mute"]')
        self.act(el + ' [data-action="help-coming"]',
                 lambda d: self.find(el).get_attribute("data-help") == "coming",
                 "the answer shown")
        self.assertEqual(self.kiosk_row(kid)["help"], "coming")
        cmds = self.heartbeat(kt, state="session", session=sid, seconds_used=7, help="asked",
                              help_at=1)["commands"]
        self.assertIn("help_coming", [c["type"] for c in cmds])
        self.assertIn("Aide en route", self.find(el + " .kiosk-help-banner").text)
        self.act(el + ' [data-action="help-clear"]',
                 lambda d: self.find(el).get_attribute("data-help") == "none",
                 "the call closed")
        self.assertEqual(self.find_all(el + " .kiosk-help-banner"), [])
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        # Counted in the statistics, with nothing but the number.
        self.go("stats")
        self.wait(lambda d: any("Demandes d'aide" in t.text and t.text.endswith("1")
                                for t in self.find_all("#stats-totals .total")),
                  "one call for help in the totals")
        self.assertCleanConsole()


class Spare(WebTestCase):
    """The sheet of spare codes for the drawer, and what the page says when admind is
    down (kiosks keep working offline, the desk hands out spare codes)."""

    EXTRA_CONF = WebTestCase.EXTRA_CONF.replace(
        'desk = { centre = "Espace social des Tilleuls"; };',
        'desk = { centre = "Espace social des Tilleuls"; spare_count = 4; spare_days = 21; };')

    def test_prepare_a_sheet_of_spare_codes(self):
        self.assertIn("spare_count = 4", self.EXTRA_CONF)
        _, kt = self.new_kiosk()
        cached = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)["codes"]
        self.sign_in()
        self.wait(lambda d: "Aucun code de secours" in self.text("#spare-status"),
                  "the desk told it has no spare codes")
        self.type_into("#code-minutes", "45")
        self.type_into("#code-pages", "3")
        self.click("#spare-make")
        self.wait(lambda d: self.dialog_open(), "a confirmation saying what the sheet is")
        self.assertIn("4 codes", self.text("#dlg-text"))
        self.assertIn("21 jours", self.text("#dlg-text"))
        self.confirm_dialog()
        self.wait(lambda d: len(self.find_all("#tickets .ticket")) == 4, "4 tickets")
        self.wait(lambda d: d.switch_to.active_element.get_attribute("id") == "print-a4",
                  "the focus on #print-a4: a sheet to cut")
        codes = []
        for t in self.find_all("#tickets .ticket"):
            self.assertEqual(self.find(".ticket-spare", t).text.strip().lower(),
                             "code de secours")
            codes.append(self.find(".ticket-code", t).text.strip())
            self.assertIn("45", re.findall(r"\d+", self.find(".ticket-minutes", t).text))
        self.wait(lambda d: self.text("#spare-status").startswith("4 codes de secours"),
                  "the drawer's count on the page")
        self.shot_both("desk-spare-sheet")
        text = re.sub(r"\s+", " ", self.print_pdf("desk-spare-sheet"))
        for c in codes:
            self.assertIn(c, text)
        self.assertIn("CODE DE SECOURS", text.upper())
        # Ordinary codes for the kiosks' offline cache, valid for weeks, marked spare.
        listed = {c["id"]: c for c in self.codes_list()}
        spare = [c for c in listed.values() if c["spare"]]
        self.assertEqual(len(spare), 4)
        for c in spare:
            self.assertEqual(c["minutes"], 45)
            self.assertAlmostEqual(c["valid_until"], time.time() + 21 * 86400, delta=300)
        now_cached = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)["codes"]
        self.assertEqual(len(now_cached), len(cached) + 4)
        self.wait(lambda d: len(self.find_all("#codes-table .code-hint .badge")) == 4,
                  "the spare codes marked in the list of codes")
        # One is used: the drawer counts one fewer.
        s = self.open_ok(kt, codes[0])
        self.end_session(kt, s["session"])
        self.wait(lambda d: self.text("#spare-status").startswith("3 codes de secours"),
                  "the drawer's count after a spare code was used")
        self.assertCleanConsole()

    def test_admind_down_says_what_to_do(self):
        self.sign_in()
        self.wait(lambda d: self.text("#live").startswith("Mis à jour à"), "#live up to date")
        self.assertIsNone(self.shown("#server-down"))
        port = self.server.port
        self.server.stop()
        try:
            self.wait_shown("#server-down")
            banner = self.text("#server-down")
            self.assertIn("ne répond pas", banner)
            self.assertIn("code de secours", banner)
            self.assertIn("maintenance", banner)
            self.assertEqual(self.find("#server-down").get_attribute("role"), "alert")
            self.shot_both("desk-server-down")
        finally:
            self.server.start(port=port)
        self.wait_hidden("#server-down")
        self.assertTrue(self.shown("nav#nav"))


class Access(WebTestCase):
    """Roles, the CSRF token, the cookie, the lock-out and signing out."""

    def test_maintenance_enrolls_a_kiosk(self):
        _, sec, _ = self.new_staff("secretariat")
        self.sign_in(sec, fragment="#/kiosks")
        self.wait_shown("#kiosks-table")
        self.assertIsNone(self.shown("#kiosk-enroll"), "a desk account enrolls no kiosk")
        self.click("#logout")
        self.wait_shown("form#login-form")
        _, maint, _ = self.new_staff("maintenance")
        self.sign_in(maint, fragment="#/kiosks")
        self.wait_shown("#kiosk-enroll")
        self.click("#kiosk-enroll")
        self.wait(lambda d: self.dialog_open(), "the enrollment dialog")
        self.type_into("#dlg-input", "poste-accueil-3")
        self.type_into("#dlg-enroll-site", "ESC Sud")
        self.confirm_dialog()
        self.wait_shown("#enroll-result")
        code = self.text("#enroll-code")
        self.assertRegex(code, r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
        self.assertIn("poste-accueil-3", self.text("#enroll-what"))
        self.assertEqual(self.text("#enroll-command"),
                         "escale-kiosk --enroll %s %s" % (self.url("").rstrip("/"), code))
        self.assertIsNone(self.shown("#enroll-pin-line"), "no key over plain HTTP")
        self.shot_both("kiosks-enroll")
        # The code shown is one the PC can use, once.
        st, _, d = self.req("POST", "/api/v1/enroll", {"code": code})
        self.assertEqual(st, 201, d)
        self.assertEqual((d["name"], d["site"]), ("poste-accueil-3", "ESC Sud"))
        self.click("#enroll-hide")
        self.wait_hidden("#enroll-result")
        self.assertEqual(self.text("#enroll-code"), "")
        self.wait(lambda d: "poste-accueil-3" in self.text("#kiosks-table"),
                  "the new kiosk in the list")
        self.assertCleanConsole()

    def test_each_role_sees_its_views(self):
        for role in ("secretariat", "maintenance"):
            _, name, _ = self.new_staff(role)
            self.setUp()
            self.sign_in(name)
            self.assertEqual(self.nav_views(), ROLE_VIEWS[role], role)
            first = FIRST_VIEW[role]
            self.wait(lambda d: d.execute_script("return location.hash") == "#/" + first,
                      "first view of %s: #/%s" % (role, first))
            self.wait_shown("section#view-" + first)

    def test_secretariat_cannot_reach_admin_pages(self):
        _, name, _ = self.new_staff("secretariat")
        self.sign_in(name)
        self.assertEqual(self.find_all('nav#nav a[data-view="users"]'), [])
        self.requests_sent()
        self.driver.execute_script("location.hash = '#/users'")
        self.wait_shown("#forbidden")
        self.fetch("GET", "/healthz")  # what the page asked before this has been sent
        asked = [(m, p) for m, p, _ in self.requests_sent() if p.startswith("/api/v1/users")]
        self.assertEqual(asked, [], "the forbidden view fetched its data")
        self.assertIn("réservée", self.text("#forbidden"))
        self.assertIsNone(self.shown("section#view-users"), "the users view shows")
        self.assertEqual(self.find_all("#users-table tr[data-user-id]"), [])
        self.shot_both("forbidden")
        r = self.fetch("GET", "/api/v1/users")
        self.assertEqual(r["status"], 403, r)
        self.assertEqual(r["json"]["error"], "forbidden", r)
        # The same for the usage export (maintenance and admin only).
        self.driver.execute_script("location.hash = '#/usage'")
        self.wait_shown("#forbidden")
        self.assertIsNone(self.shown("section#view-usage"))
        self.assertEqual(self.fetch("GET", "/api/v1/usage?format=json")["status"], 403)

    def test_changes_need_the_csrf_token(self):
        self.sign_in()
        body = {"count": 1, "minutes": 30, "pages": 5}
        before = len(self.codes_list())
        r = self.fetch("POST", "/api/v1/codes", body)
        self.assertEqual(r["status"], 403, r)
        self.assertEqual(r["json"]["error"], "csrf", r)
        r = self.fetch("POST", "/api/v1/codes", body, {"X-CSRF-Token": "x" * 43})
        self.assertEqual((r["status"], r["json"]["error"]), (403, "csrf"), r)
        self.assertEqual(len(self.codes_list()), before, "a code was made without the token")
        r = self.fetch("POST", "/api/v1/logout")
        self.assertEqual((r["status"], r["json"]["error"]), (403, "csrf"), r)
        self.assertEqual(self.fetch("GET", "/api/v1/whoami")["status"], 200, "signed out")
        token = self.csrf()
        r = self.fetch("POST", "/api/v1/codes", body, {"X-CSRF-Token": token})
        self.assertEqual(r["status"], 201, r)
        self.assertRegex(r["json"]["codes"][0]["code"], CODE_RE)
        # The cookie: HttpOnly, SameSite=Strict, out of the page's scripts' reach.
        c = self.session_cookie()
        self.assertIsNotNone(c, self.cookies())
        self.assertTrue(c["value"].startswith("esw_"), c)
        self.assertTrue(c["httpOnly"], c)
        self.assertEqual(c["sameSite"], "Strict", c)
        self.assertEqual(c["path"], "/", c)
        self.assertFalse(c["secure"], c)  # plain HTTP on loopback
        doc = self.driver.execute_script("return document.cookie")
        self.assertNotIn("escale_session", doc)
        self.assertNotIn(c["value"], doc)

    def test_wrong_passwords_lock_out(self):
        _, name, _ = self.new_staff("secretariat")
        # The password is right: it signs in (and a success resets the count).
        self.sign_in(name)
        self.click("button#logout")
        self.wait_shown("form#login-form")
        self.driver.execute_script("performance.setResourceTimingBufferSize(10000)")

        def logins():
            return self.driver.execute_script(
                "return performance.getEntriesByType('resource')"
                ".filter(e => e.name.endsWith('/api/v1/login')).length")
        lock_re = re.compile(r"\d+\s*(secondes?|minutes?|s\b|min\b)", re.I)
        for i in range(5):
            n = logins()
            self.submit_login(name, "mauvais mot de passe %d" % i)
            self.wait(lambda d: logins() == n + 1, "login request %d answered" % (i + 1))
            err = self.wait_shown("#login-error").text
            if i < 4:
                self.assertNotRegex(err, lock_re, "locked out after %d wrong" % (i + 1))
        self.wait(lambda d: lock_re.search(self.text("#login-error")),
                  "#login-error tells the wait after 5 wrong passwords")
        self.assertEqual(self.find("#login-error").get_attribute("role"), "alert")
        self.shot_both("login-locked")
        # The right password now: refused by admind, or not even sent when the page holds
        # its button disabled during the wait.
        n = logins()
        self.type_into("#login-name", name)
        self.type_into("#login-password", self.PASSWORD)
        if self.find("#login-submit").is_enabled():
            self.click("#login-submit")
            self.wait(lambda d: logins() == n + 1, "the right password's request answered")
            self.wait(lambda d: lock_re.search(self.text("#login-error")),
                      "the right password refused during the lock-out")
        self.assertIsNone(self.shown("nav#nav"))
        self.assertIsNone(self.session_cookie(), "signed in during the lock-out")
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": self.PASSWORD})
        self.assertEqual((st, d.get("error")), (429, "rate_limited"), d)
        self.assertGreater(d["retry_after"], 0)

    def test_sign_out(self):
        self.sign_in()
        old = self.session_cookie()
        self.assertIsNotNone(old)
        self.click("button#logout")
        self.wait_shown("form#login-form")
        self.assertIsNone(self.shown("nav#nav"))
        self.wait(lambda d: not (self.session_cookie() or {}).get("value"), "the cookie cleared")
        self.driver.refresh()
        self.wait_shown("form#login-form")
        self.assertIsNone(self.shown("nav#nav"))
        r = self.fetch("GET", "/api/v1/whoami")
        self.assertEqual(r["status"], 401, r)
        # The old cookie no longer works, whoever sends it.
        st, _, d = self.req("GET", "/api/v1/whoami",
                            headers={"Cookie": "escale_session=" + old["value"]})
        self.assertEqual((st, d.get("error")), (401, "unauthorized"), d)
        st, _, d = self.req("GET", "/api/v1/codes",
                            headers={"Cookie": "escale_session=" + old["value"]})
        self.assertEqual(st, 401, d)

    def test_an_admin_adds_an_account_that_signs_in(self):
        self.sign_in()
        self.go("users")
        name = self.unique("accueil")
        self.type_into("#user-name", name)
        self.driver.execute_script(
            "const s = document.getElementById('user-role'); s.value = 'secretariat';"
            "s.dispatchEvent(new Event('change', {bubbles: true}));")
        self.type_into("#user-password", "Bienvenue à l'accueil")
        self.click("#user-add")
        users = self.wait(lambda d: [u for u in self.api("GET", "/api/v1/users",
                                                         token=self.admin)["users"]
                                     if u["name"] == name], "the account made")
        self.assertEqual((users[0]["role"], users[0]["has_password"]), ("secretariat", True))
        self.wait_shown('#users-table tr[data-user-id="%s"]' % users[0]["id"])
        self.click("button#logout")
        self.sign_in(name, "Bienvenue à l'accueil")
        self.assertEqual(self.nav_views(), ROLE_VIEWS["secretariat"])

    def test_change_own_password(self):
        _, name, _ = self.new_staff("maintenance")
        # Another web session of the same account (another PC), which the change ends.
        st, hdrs, _ = self.req("POST", "/api/v1/login", {"name": name, "password": self.PASSWORD})
        self.assertEqual(st, 200)
        other = hdrs["set-cookie"].split(";")[0]
        self.assertEqual(self.req("GET", "/api/v1/whoami", headers={"Cookie": other})[0], 200)
        self.sign_in(name)
        self.go("account")
        new = "Un autre mot de passe"
        self.type_into("#pw-old", self.PASSWORD)
        self.type_into("#pw-new", new)
        self.type_into("#pw-new2", new)
        self.click("#pw-submit")
        self.wait(lambda d: self.req("GET", "/api/v1/whoami", headers={"Cookie": other})[0]
                  == 401, "the other session ended")
        self.wait(lambda d: self.text("#status"), "#status tells the result")
        self.shot("account-changed")
        # This one goes on.
        self.assertEqual(self.fetch("GET", "/api/v1/whoami")["status"], 200)
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": self.PASSWORD})
        self.assertEqual((st, d.get("error")), (401, "bad_login"), d)
        self.assertEqual(self.req("POST", "/api/v1/login", {"name": name, "password": new})[0],
                         200)

    def test_a_session_ended_elsewhere_shows_the_sign_in_form(self):
        uid, name, _ = self.new_staff("secretariat")
        self.sign_in(name)
        self.wait_shown("section#view-desk")
        # An admin sets this account's password: its web sessions end.
        self.api("POST", "/api/v1/users/%s/password" % uid, {"password": "Nouveau mot 2027"},
                 self.admin)
        self.wait_shown("form#login-form")
        self.wait(lambda d: "Votre session a expiré, reconnectez-vous." in
                  self.find("form#login-form").text, "the expiry notice on the sign-in form")
        self.assertIsNone(self.shown("nav#nav"))
        self.shot("login-expired")
        self.sign_in(name, "Nouveau mot 2027")

    def test_admind_away_then_back(self):
        self.sign_in()
        self.wait(lambda d: self.text("#live").startswith("Mis à jour à"), "#live up to date")
        port = self.server.port
        self.server.stop()
        try:
            self.wait(lambda d: self.text("#live") == "Connexion perdue, nouvelle tentative…",
                      "#live: connection lost")
            self.shot("desk-connection-lost")
        finally:
            self.server.start(port=port)
        # The session is kept in the database: the page carries on without signing in.
        self.wait(lambda d: self.text("#live").startswith("Mis à jour à"), "#live up again")
        self.assertTrue(self.shown("nav#nav"))


class Usage(WebTestCase):
    """The usage view's CSV download."""

    def test_download_the_csv(self):
        kname = self.unique("poste")
        kid, kt = self.new_kiosk(kname, site="Maison ; « Été »")
        mine = {}
        for secs, reason in ((95, "user"), (1830, "expired"), (600, "idle")):
            mine[self.finished_session(kt, secs, reason)] = (secs, reason)
        today = time.strftime("%Y-%m-%d")
        week_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 6 * 86400))
        self.sign_in()
        self.go("usage")
        self.set_value("#usage-from", week_ago)
        self.set_value("#usage-to", today)
        self.click("#usage-apply")
        self.wait(lambda d: kname in self.find("#usage-table").text, "my kiosk in #usage-table")
        self.wait(lambda d: ("from=%s" % week_ago) in (self.find("a#usage-csv").get_attribute(
            "href") or ""), "a#usage-csv for the dates set")
        link = self.find("a#usage-csv")
        href = link.get_attribute("href")
        self.assertIn("to=%s" % today, href)
        self.assertIn("format=csv", href)
        self.assertIsNotNone(link.get_attribute("download"), "a#usage-csv has no download")
        self.shot_both("usage")
        downloads = self.browser.downloads
        self.click("a#usage-csv")
        path = self.wait(lambda d: next((os.path.join(downloads, f) for f in os.listdir(downloads)
                                         if f.endswith(".csv")), None),
                         "a .csv in the download directory", timeout=WAIT)
        with open(path, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM: %r" % data[:20])
        text = data[3:].decode("utf-8")
        self.assertTrue(text.endswith("\r\n"), repr(text[-20:]))
        self.assertNotIn("\n", text.replace("\r\n", ""), "a line not ended by CRLF")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        self.assertEqual(rows[0], USAGE_HEADER)
        body = [r for r in rows[1:] if r]
        # The rows are the sessions of the dates set, as the JSON export has them.
        js = self.api("GET", "/api/v1/usage?from=%s&to=%s&format=json" % (week_ago, today),
                      token=self.admin)["sessions"]
        self.assertEqual([r[0] for r in body], [s["id"] for s in js])
        got = {r[0]: r for r in body if r[0] in mine}
        self.assertEqual(set(got), set(mine))
        for sid, (secs, reason) in mine.items():
            r = got[sid]
            self.assertEqual(r[1:3], [kname, "Maison ; « Été »"], r)
            self.assertRegex(r[3], r"^%s[ T]\d\d:\d\d" % today)
            self.assertRegex(r[4], r"^%s[ T]\d\d:\d\d" % today)
            self.assertEqual(r[5], str(secs), r)
            tenths = (secs * 10 + 30) // 60  # minutes to the nearest tenth, decimal comma
            self.assertEqual(r[6], "%d,%d" % (tenths // 10, tenths % 10), r)
            self.assertEqual((r[8], r[9]), (reason, "non"), r)
        self.assertCleanConsole()

    def test_stats_follow_the_dates(self):
        _, kt = self.new_kiosk(self.unique("poste"))
        self.finished_session(kt, 700)
        today = time.strftime("%Y-%m-%d")
        self.sign_in()
        self.go("stats")
        self.set_value("#stats-from", today)
        self.set_value("#stats-to", today)
        self.click("#stats-apply")
        self.wait(lambda d: self.find_all("svg#chart-day rect.bar"), "a bar for today")
        n = self.api("GET", "/api/v1/stats?from=%s&to=%s" % (today, today),
                     token=self.admin)["sessions"]
        # Read in one go, in the page: the chart may be drawn again meanwhile (the view's
        # first load answering after "Appliquer"), which leaves found elements stale.
        titles = lambda: self.driver.execute_script(  # noqa: E731
            "return Array.from(document.querySelectorAll('svg#chart-day rect.bar title'))"
            ".map((t) => t.textContent)")
        self.wait(lambda d: any(re.search(r"\b%d\b" % n, t) for t in titles()),
                  "today's bar titled with its %d sessions" % n)
        # The figures without hovering: "Voir les chiffres" opens the chart's table.
        summary = "svg#chart-day + details.chart-data > summary"
        self.assertEqual(self.find(summary).text, "Voir les chiffres")
        details = self.find("svg#chart-day + details.chart-data")
        table = self.find("svg#chart-day + details.chart-data table")
        seen = lambda: self.driver.execute_script(  # noqa: E731
            "return arguments[0].checkVisibility({contentVisibilityAuto: true})", table)
        self.assertFalse(details.get_property("open"))
        self.assertFalse(seen())
        self.click(summary)
        self.wait(lambda d: details.get_property("open") and seen(), "the figures shown")
        rows = [[c.text for c in tr.find_elements("css selector", "th, td")]
                for tr in table.find_elements("css selector", "tbody tr")]
        self.assertIn(str(n), [r[1] for r in rows if len(r) > 1], rows)
        self.shot_both("stats-figures")
        # A month last year: nothing.
        self.set_value("#stats-from", "2025-01-01")
        self.set_value("#stats-to", "2025-01-31")
        self.click("#stats-apply")
        self.wait(lambda d: not [b for b in self.find_all("svg#chart-day rect.bar")
                                 if float(b.get_attribute("height") or 0) > 0],
                  "no bar for January 2025")
        self.assertCleanConsole()


class Services(WebTestCase):
    """The services of the kiosks' home page in the Services view: add, edit, order and
    remove them; the hosts refused today with a button that adds one to a service; the
    tickets and the statistics naming the same list."""

    def served(self):
        return self.api("GET", "/api/v1/services", token=self.admin)["services"]

    def by_id(self, sid):
        found = [x for x in self.served() if x["id"] == sid]
        return found[0] if found else None

    def test_manage_services_in_the_page(self):
        _, name, _ = self.new_staff("maintenance")
        self.sign_in(name)
        self.assertIn("services", self.nav_views())
        self.go("services")
        self.wait_shown('#services-table tr[data-service-id="caf"]')
        version = self.api("GET", "/api/v1/services", token=self.admin)["version"]
        # What the page refuses itself, in French, sends nothing.
        self.type_into("#service-name", "Mairie de Lyon")
        self.type_into("#service-url", "https://www.lyon.fr/")
        self.type_into("#service-domains", "grandlyon.com")
        self.click("#service-submit")
        self.wait(lambda d: "www.lyon.fr" in self.text("#service-error"),
                  "#service-error names the uncovered host")
        self.assertEqual(self.find("#service-domains").get_attribute("aria-invalid"), "true")
        self.type_into("#service-domains", "Lyon.fr\nlyon.fr")
        self.click("#service-submit")
        self.wait(lambda d: "deux fois" in self.text("#service-error"), "a domain twice")
        self.assertEqual(self.api("GET", "/api/v1/services", token=self.admin)["version"],
                         version)
        # Added.
        self.type_into("#service-category", "Démarches")
        self.type_into("#service-domains", "lyon.fr\ngrandlyon.com")
        Select(self.find("#service-icon")).select_by_value("demarches")
        self.click("#service-submit")
        row = '#services-table tr[data-service-id="mairie-de-lyon"]'
        self.wait_shown(row)
        s = self.by_id("mairie-de-lyon")
        self.assertEqual((s["name"], s["url"], s["category"], s["icon"], s["domains"]),
                         ("Mairie de Lyon", "https://www.lyon.fr/", "Démarches", "demarches",
                          ["lyon.fr", "grandlyon.com"]))
        self.assertEqual(self.find("#service-name").get_attribute("value"), "")
        # The same name again: the server's refusal, in French.
        self.type_into("#service-name", "Mairie de Lyon")
        self.type_into("#service-url", "https://www.lyon.fr/")
        self.type_into("#service-domains", "lyon.fr")
        self.click("#service-submit")
        self.wait(lambda d: "déjà ce nom" in self.text("#service-error"), "name taken")
        # Edited through the row's button: the form holds the service.
        self.click(row + ' [data-action="edit"]')
        self.wait(lambda d: self.find("#service-domains").get_attribute("value") ==
                  "lyon.fr\ngrandlyon.com", "the form filled with the service")
        self.type_into("#service-name", "Ville de Lyon")
        self.click("#service-submit")
        self.wait(lambda d: (self.by_id("mairie-de-lyon") or {}).get("name") == "Ville de Lyon",
                  "the service renamed")
        self.wait(lambda d: "Ville de Lyon" in self.find(row).text, "the row renamed")
        # Moved up one place.
        ids = [x["id"] for x in self.served()]
        at = ids.index("mairie-de-lyon")
        self.click(row + ' [data-action="up"]')
        self.wait(lambda d: [x["id"] for x in self.served()].index("mairie-de-lyon") == at - 1,
                  "moved up")
        width = self.shot_both("services")
        self.assertLessEqual(width, 360, "the services view is wider than a phone")
        # Removed after a confirmation.
        self.click(row + ' [data-action="remove"]')
        self.confirm_dialog()
        self.wait(lambda d: not self.find_all(row), "the row gone")
        self.assertIsNone(self.by_id("mairie-de-lyon"))
        mine = [a for a, who in self.audit_actions() if who == name]
        for action in ("service.add", "service.edit", "service.move", "service.remove"):
            self.assertIn(action, mine)
        self.assertCleanConsole()

    def test_refused_hosts_added_to_a_service(self):
        _, kt = self.new_kiosk(self.unique("poste"))
        self.api("POST", "/api/v1/kiosk/refusals", {"day": time.strftime("%Y-%m-%d"), "hosts": [
            {"host": "cdn.caf-static.example", "service": "caf", "count": 5},
            {"host": "tracker.example.com", "service": None, "count": 2}], "other": 3}, kt)
        self.sign_in()
        self.go("services")
        cdn = '#refusals-table tr[data-host="cdn.caf-static.example"]'
        self.wait_shown(cdn)
        self.assertIn("5", self.find(cdn).text)
        self.wait(lambda d: "3" in self.text("#refusals-other"), "#refusals-other")
        button = cdn + ' [data-action="add-domain"]'
        self.assertEqual(self.find(button).text.strip(), "Ajouter à CAF")
        self.click(button)
        self.wait(lambda d: "cdn.caf-static.example" in self.by_id("caf")["domains"],
                  "the host added to CAF")
        self.wait(lambda d: "permis (CAF)" in self.find(cdn).text, "the row says it is allowed")
        # A host no service asked for: choose the service.
        tracker = '#refusals-table tr[data-host="tracker.example.com"]'
        self.assertIn("inconnu", self.find(tracker).text)
        Select(self.find(tracker + " select.refusal-service")).select_by_value("ameli")
        self.click(tracker + ' [data-action="add-domain"]')
        self.wait(lambda d: "tracker.example.com" in self.by_id("ameli")["domains"],
                  "the host added to ameli")
        self.assertNotIn("tracker.example.com", self.by_id("caf")["domains"])
        self.assertIn(("service.add_domain", self.ADMIN), self.audit_actions())
        self.shot_both("services-refusals")
        self.assertCleanConsole()

    def test_tickets_and_stats_name_the_served_list(self):
        self.api("DELETE", "/api/v1/services/franceconnect", token=self.admin)
        self.api("POST", "/api/v1/services", {"name": "Mairie", "url": "https://mairie.example/",
                                              "domains": ["mairie.example"]}, self.admin,
                 expect=201)
        served = [x["name"] for x in self.served()]
        self.sign_in()
        self.wait_shown("form#code-form")
        self.click("#code-issue")
        self.wait(lambda d: self.find_all("#tickets .ticket"), "a ticket")
        self.assertEqual(self.ticket_services(self.find("#tickets .ticket")), served)
        # Sessions that used a service, in the statistics.
        _, kt = self.new_kiosk(self.unique("poste"))
        for services in (["caf"], ["caf", "mairie"]):
            sid = self.open_ok(kt, self.new_code()["code"])["session"]
            self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                     {"reason": "user", "services": services}, kt)
        self.go("stats")
        self.wait(lambda d: len(self.find_all("svg#chart-service rect.bar")) == 2,
                  "two bars per service")
        titles = [t.get_attribute("textContent") for t in
                  self.find_all("svg#chart-service rect.bar title")]
        self.assertTrue(any("CAF" in t and "2" in t for t in titles), titles)
        self.assertTrue(any("Mairie" in t and "1" in t for t in titles), titles)
        self.assertCleanConsole()


class Sites(WebTestCase):
    """Accounts limited to a site: the desk shows only that site's kiosks and the menu only
    the views that keep to sites; "Réglages du site" sets a site's hours, presets and
    warnings, and the Postes view shows which version each kiosk applies."""

    def new_scoped(self, role, site):
        name = self.unique(role)
        d = self.api("POST", "/api/v1/users", {"name": name, "role": role,
                                               "password": self.PASSWORD, "sites": [site]},
                     self.admin, expect=201)
        return name

    def test_a_secretariat_of_one_site_sees_its_kiosks_only(self):
        a, b = self.unique("Site A"), self.unique("Site B")
        ka, _ = self.new_kiosk(self.unique("poste-a"), site=a)
        kb, _ = self.new_kiosk(self.unique("poste-b"), site=b)
        self.api("PUT", "/api/v1/sites/%s/settings" % urllib.parse.quote(a, safe=""),
                 {"desk.presets": [{"minutes": 25, "pages": 4}]}, self.admin)
        self.sign_in(self.new_scoped("secretariat", a))
        self.assertEqual(self.nav_views(), {"desk", "kiosks", "account"})
        self.wait(lambda d: a in self.text("#whoami"), "the site next to the name")
        self.go("kiosks")
        self.wait_shown('#kiosks-table tr[data-kiosk-id="%s"]' % ka)
        self.assertFalse(self.find_all('#kiosks-table tr[data-kiosk-id="%s"]' % kb))
        self.go("desk")
        self.wait(lambda d: "25" in self.find("#view-desk").text, "its site's preset")
        self.assertCleanConsole()

    def test_site_settings_panel(self):
        site = self.unique("ESC Nord")
        kid, kt = self.new_kiosk(self.unique("poste"), site=site)
        self.sign_in(self.new_scoped("maintenance", site))
        self.assertEqual(self.nav_views(), {"kiosks", "printers", "sites", "usage", "stats",
                                            "audit", "account"})
        # Its statistics (its site's figures, docs/API.md) draw as anyone's.
        self.go("stats")
        self.wait(lambda d: self.find("#stats-totals").text.strip(), "the totals")
        self.go("sites")
        self.wait_shown("#site-form")
        self.type_into("#site-day-monday", "09:00-12:00, 14:00-18:00")
        self.type_into("#site-closed", "2026-12-25")
        self.type_into("#site-special", "2026-12-24")
        self.click("#site-submit")
        self.wait(lambda d: "horaires particuliers" in self.text("#site-error"),
                  "the special day's refusal")
        self.type_into("#site-special", "2026-12-24 09:00-12:00\n2026-12-31 09:00-12:00, "
                       "13:00-15:00")
        self.type_into("#site-presets", "30 5\nbeaucoup")
        self.click("#site-submit")
        self.wait(lambda d: "Choix rapides" in self.text("#site-error"), "the page's refusal")
        self.type_into("#site-presets", "30 5\n90 0")
        self.type_into("#site-warn", "5, 1")
        self.type_into("#site-idle", "5")
        self.click("#site-submit")
        self.wait(lambda d: "pas acceptée" in self.text("#site-error"), "admind's refusal")
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe="")
        self.assertEqual(self.api("GET", path, token=self.admin)["version"], 0)
        self.type_into("#site-idle", "600")
        self.click("#site-submit")
        self.wait(lambda d: self.api("GET", path, token=self.admin)["version"] == 1, "saved")
        s = self.api("GET", path, token=self.admin)["settings"]
        self.assertEqual(s, {"hours": {"monday": ["09:00-12:00", "14:00-18:00"],
                                       "closed": ["2026-12-25"],
                                       "special": [
                                           {"date": "2026-12-24", "hours": ["09:00-12:00"]},
                                           {"date": "2026-12-31",
                                            "hours": ["09:00-12:00", "13:00-15:00"]}]},
                             "desk.presets": [{"minutes": 30, "pages": 5},
                                              {"minutes": 90, "pages": 0}],
                             "session.warn_minutes": [5, 1], "session.idle_seconds": 600})
        self.wait(lambda d: "1" in self.text("#site-version"), "the version shown")
        # The languages offered: a box per language; the default must be one of them.
        self.click("#site-lang-uk")
        self.click("#site-lang-ar")
        self.driver.execute_script(
            "const s = document.getElementById('site-language'); s.value = 'ru';"
            "s.dispatchEvent(new Event('change'));")
        self.click("#site-submit")
        self.wait(lambda d: "langues proposées" in self.text("#site-error"), "the refusal")
        self.driver.execute_script(
            "const s = document.getElementById('site-language'); s.value = 'ar';"
            "s.dispatchEvent(new Event('change'));")
        self.click("#site-submit")
        self.wait(lambda d: self.api("GET", path, token=self.admin)["version"] == 2, "saved")
        s = self.api("GET", path, token=self.admin)["settings"]
        self.assertEqual((s["languages"], s["language"]), (["ar", "uk"], "ar"))
        self.api("PUT", path, {k: v for k, v in s.items() if k not in ("languages", "language")},
                 self.admin)
        # The Postes view: the kiosk behind until it says it applies version 1.
        self.heartbeat(kt, state="login")
        self.go("kiosks")
        row = '#kiosks-table tr[data-kiosk-id="%s"]' % kid
        self.wait(lambda d: "en retard" in self.find(row).text, "behind")
        self.heartbeat(kt, state="login", settings_version=3)
        self.wait(lambda d: "version 3" in self.find(row).text and
                  "en retard" not in self.find(row).text, "up to date")
        self.shot_both("sites")
        self.assertCleanConsole()


class Accompany(WebTestCase):
    """Accompanied sessions at the desk page: a mediator sees its own view only and gets a
    one-time code that opens an accompanied session at a kiosk; a site chooses its services
    and those of accompanied sessions with checkboxes; a service is kept for accompanied
    sessions with a checkbox."""

    def test_a_mediator_gets_a_code_that_opens_an_accompanied_session(self):
        site = self.unique("ESC Sud")
        name = self.unique("Médiatrice")
        self.api("POST", "/api/v1/users", {"name": name, "role": "mediator",
                                           "password": self.PASSWORD, "sites": [site]},
                 self.admin, expect=201)
        _, kt = self.new_kiosk(self.unique("poste"), site=site)
        self.sign_in(name)
        self.assertEqual(self.nav_views(), {"accompany", "account"})
        self.wait(lambda d: d.execute_script("return location.hash") == "#/accompany",
                  "the mediator's first view")
        self.assertEqual(self.visible_sections(), ["view-accompany"])
        self.wait(lambda d: "médiation" in self.text("#whoami"), "the role named")
        self.click("#accompany-submit")
        self.wait_shown("#accompany-code")
        code = self.text("#accompany-code").strip()
        self.assertRegex(code, CODE_RE)
        self.assertIn("une seule session", self.text("#accompany-result"))
        self.shot_both("accompany")
        st, _, d = self.open_session(kt, code)
        self.assertEqual(st, 201, d)
        self.assertEqual(d["accompanied_by"], name)
        # The desk's views are not the mediator's.
        self.open_page("#/desk")
        self.wait_shown("#forbidden")
        self.assertCleanConsole()

    def test_site_services_with_checkboxes(self):
        site = self.unique("ESC Est")
        self.new_kiosk(self.unique("poste"), site=site)
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe="")
        self.sign_in()
        self.go("sites")
        Select(self.find("#site-choice")).select_by_value(site)
        self.wait_shown("#site-svc-caf")
        # Every service for residents by default; the webmail is not one of them.
        self.assertTrue(self.find("#site-svc-caf").is_selected())
        self.assertFalse(self.find("#site-svc-webmail-laposte").is_selected())
        self.assertFalse(self.find("#site-svc-webmail-laposte").is_enabled())
        # Saved untouched: nothing set.
        self.click("#site-submit")
        self.wait(lambda d: self.api("GET", path, token=self.admin)["version"] == 1, "saved")
        self.assertEqual(self.api("GET", path, token=self.admin)["settings"], {})
        self.click("#site-svc-msa")
        self.click("#site-acc-webmail-laposte")
        self.click("#site-submit")
        self.wait(lambda d: self.api("GET", path, token=self.admin)["version"] == 2, "saved")
        s = self.api("GET", path, token=self.admin)["settings"]
        self.assertNotIn("msa", s["services"])
        self.assertIn("caf", s["services"])
        self.assertEqual(s["accompanied_services"], ["webmail-laposte"])
        self.wait(lambda d: self.find("#site-acc-webmail-laposte").is_selected(), "kept")
        self.shot_both("sites-services")
        # The Services view: kept for accompanied sessions with a checkbox.
        self.go("services")
        self.wait(lambda d: "sessions accompagnées" in self.find("#view-services").text,
                  "the badge of the accompanied-only services")
        self.assertCleanConsole()


class English(WebTestCase):
    """A browser that prefers English gets the page in English (i18n.js)."""

    LANG = "en"

    def test_the_page_speaks_english(self):
        self.open_page()
        self.wait_shown("form#login-form")
        self.assertEqual(self.driver.execute_script("return document.documentElement.lang"),
                         "en")
        self.assertEqual(self.find("#login-submit").text.strip(), "Sign in")
        self.submit_login(self.ADMIN, "not the password")
        self.wait(lambda d: self.text("#login-error"), "#login-error")
        self.assertNotRegex(self.text("#login-error"), r"[éèàç]|mot de passe")
        self.sign_in()
        self.assertEqual(self.find("button#logout").text.strip(), "Sign out")
        texts = " ".join(a.text for a in self.find_all("nav#nav a[data-view]"))
        self.assertNotIn("Accueil", texts)
        self.shot_both("english-desk")
        # The Services view too (its panels, the icon names, the refusals).
        self.go("services")
        self.wait_shown('#services-table tr[data-service-id="caf"]')
        view = self.find("section#view-services").text
        self.assertIn("Sites refused today", view)
        self.assertNotRegex(view, r"Ajouter|refusés|Rubrique|Domaines autorisés")
        self.assertIn("Globe (default)", self.find("#service-icon").text)
        self.assertCleanConsole()


class TicketLanguage(WebTestCase):
    """The desk chooses the ticket's language for the resident (tickets.js): Arabic right to
    left with its code still left to right, Ukrainian with its plural forms."""

    def test_tickets_in_arabic_and_ukrainian(self):
        self.sign_in()
        self.wait_shown("form#code-form")
        # The page's own language by default.
        self.assertEqual(self.find("#code-lang").get_attribute("value"), "fr")
        names = [o.text for o in Select(self.find("#code-lang")).options]
        self.assertEqual(names, ["Français", "English", "العربية", "Español", "Português",
                                 "Türkçe", "Română", "Українська", "Русский"])
        self.type_into("#code-minutes", "90")
        self.type_into("#code-pages", "5")
        Select(self.find("#code-lang")).select_by_value("ar")
        self.click("#code-issue")
        self.wait(lambda d: len(self.find_all("#tickets .ticket")) == 1, "a ticket")
        t = self.find("#tickets .ticket")
        self.assertEqual(t.get_attribute("dir"), "rtl")
        self.assertEqual(t.get_attribute("lang"), "ar")
        self.assertEqual(self.find(".ticket-code", t).get_attribute("dir"), "ltr")
        self.assertEqual(self.find(".ticket-intro", t).text.strip(),
                         "رمزك لاستعمال الحواسيب المفتوحة للجميع")
        self.assertIn("الطباعة: 5 صفحات", self.find(".ticket-pages", t).text)
        self.assertIn("ساعة", self.find(".ticket-minutes", t).text)
        self.assertIn("90", self.find(".ticket-minutes", t).text)
        self.assertNotRegex(self.find("#tickets").text, r"Votre code|Impression|Temps")
        # The text runs from the right: the intro's right edge is the ticket's.
        r = self.driver.execute_script(
            "const t=arguments[0].getBoundingClientRect(),"
            "i=arguments[0].querySelector('.ticket-intro');"
            "const range=document.createRange();range.selectNodeContents(i);"
            "const x=range.getBoundingClientRect();return [t.right-x.right, x.left-t.left];", t)
        self.assertLess(r[0], r[1], "the Arabic text is not on the right: %r" % (r,))
        self.shot_both("desk-ticket-ar")
        text = re.sub(r"\s+", " ", self.print_pdf("desk-ticket-ar", receipt=True))
        self.assertIn(self.find(".ticket-code", t).text.strip(), text)

        Select(self.find("#code-lang")).select_by_value("uk")
        self.type_into("#code-pages", "2")
        self.click("#code-issue")
        self.wait(lambda d: self.find_all("#tickets .ticket[lang=uk]"), "a Ukrainian ticket")
        t = self.find("#tickets .ticket")
        self.assertEqual(t.get_attribute("dir"), "ltr")
        self.assertEqual(self.find(".ticket-intro", t).text.strip(),
                         "Ваш код для комп'ютерів вільного доступу")
        self.assertEqual(self.find(".ticket-pages", t).text.strip(), "Друк: 2 сторінки")
        self.assertIn("1 год 30 хв", self.find(".ticket-minutes", t).text)
        self.assertIn("Використайте до", self.find(".ticket-until", t).text)
        self.shot_both("desk-ticket-uk")
        self.assertCleanConsole()


class Printer(WithCupsd, WebTestCase):
    """A paper jam seen and cleared from the desk (a private cupsd and the simulated
    printer, tests/print/)."""

    TMP_PREFIX = "escale-web-print-"

    def tearDown(self):
        try:
            os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        except FileNotFoundError:
            pass
        # (resume also clears a stale media-jam-error the next test would see)
        self.req("POST", "/api/v1/printers/%s/resume" % self.QUEUE, token=self.admin)
        super().tearDown()

    def printer(self):
        return self.api("GET", "/api/v1/printers", token=self.admin)["printers"][0]

    def kiosk_in_session(self):
        """A kiosk in a session with 10 pages, and the desk signed in: (name, token, session)."""
        kname = self.unique("poste")
        _, kt = self.new_kiosk(kname)
        sid = self.open_ok(kt, self.new_code(pages=10)["code"])["session"]
        self.heartbeat(kt, state="session", session=sid, seconds_used=10)
        self.sign_in()
        return kname, kt, sid

    def jammed_print(self, kname, pages, title):
        """Makes the printer jam after its next page, then prints PAGES from KNAME: CUPS' job id."""
        with open(os.path.join(self.cups.printer_dir, "jam"), "w") as f:
            f.write("1")
        pdf = os.path.join(self.tmp, title)
        with open(pdf, "wb") as f:
            f.write(mkpdf.make_pdf(pages))
        return self.cups.submit(pdf, self.QUEUE, "-o", "job-account-id=" + kname)

    def test_jam_shows_and_resume_clears_it(self):
        kname, _, _ = self.kiosk_in_session()
        sel = '#printers .printer[data-printer="%s"]' % self.QUEUE
        self.wait(lambda d: self.find(sel).get_attribute("data-attention") == "false",
                  "the printer shown without alert")
        self.assertEqual(self.find_all(sel + " .printer-alert"), [])
        # The printer jams after the first page of a 3-page job.
        job = self.jammed_print(kname, 3, "three.pdf")
        self.wait(lambda d: self.find(sel).get_attribute("data-attention") == "true",
                  "the printer needs attention", timeout=30)
        alert = self.wait_shown(sel + " .printer-alert")
        self.assertEqual(alert.get_attribute("role"), "alert")
        self.assertIn("bourrage", alert.text.lower())
        p = self.printer()
        self.assertIn("media-jam-error", p["reasons"], p)
        ours = [j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                if j["cups_id"] == job]
        self.assertEqual(len(ours), 1)
        self.wait_shown('#jobs .job[data-job-id="%s"]' % ours[0]["id"])
        self.shot_both("desk-printer-jam")
        # The desk takes the paper out, then resumes.
        os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        resumes = self.audit_actions().count(("printer.resume", self.ADMIN))
        self.act(sel + ' button[data-action="resume"]',
                 lambda d: self.audit_actions().count(("printer.resume", self.ADMIN)) > resumes,
                 "printer.resume in the audit log")
        self.wait(lambda d: self.find(sel).get_attribute("data-attention") == "false"
                  and not self.find_all(sel + " .printer-alert"),
                  "the alert gone once the printer is fine", timeout=30)
        self.wait(lambda d: [j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                             if j["cups_id"] == job and j["state"] == "printed"],
                  "the job printed after the resume", timeout=30)
        self.assertNotIn("media-jam-error", self.printer()["reasons"])
        self.next_refreshes()
        self.assertEqual(self.find_all(sel + " .printer-alert"), [])
        self.shot("desk-printer-resumed")
        self.assertCleanConsole()

    def test_cancel_a_jammed_job_and_refund_a_spoilt_page(self):
        """The desk cancels a jammed job (the pages that did not print come back by
        themselves) and refunds the page the jam spoilt."""
        kname, kt, sid = self.kiosk_in_session()
        job = self.jammed_print(kname, 4, "four.pdf")

        def ours(d=None):
            found = [j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                     if j["cups_id"] == job]
            return found[0] if found else None
        jid = self.wait(lambda d: (ours() or {}).get("jammed") and ours()["id"], "the jam",
                        timeout=30)
        row = '#jobs .job[data-job-id="%s"]' % jid
        self.click(row + ' [data-action="cancel"]')
        self.confirm_dialog()
        j = self.wait(lambda d: ours()["state"] == "cancelled" and ours(), "the job cancelled",
                      timeout=30)
        # One page came out before the jam: the 3 others are refunded.
        self.assertEqual((j["charged"], j["printed"], j["refunded"]), (4, 1, 3))
        self.assertIn(("job.cancel", self.ADMIN), self.audit_actions())
        self.click(row + ' [data-action="refund"]')
        self.wait(lambda d: self.dialog_open(), "the refund dialog")
        self.type_into("#dlg-input", "1")
        self.confirm_dialog()
        j = self.wait(lambda d: ours()["refunded"] == 4 and ours(), "the spoilt page refunded")
        self.assertIn(("job.refund", self.ADMIN), self.audit_actions())
        hb = self.heartbeat(kt, state="session", session=sid, seconds_used=11)
        self.assertEqual(hb["session"]["pages_left"], 10)
        self.assertIn("refunded", [c.get("event") for c in hb["commands"]
                                   if c["type"] == "print"])
        # Nothing left to refund: the button goes.
        self.wait(lambda d: not self.find_all(row + ' [data-action="refund"]'),
                  "no refund button once all is refunded")
        self.shot("desk-job-refunded")
        self.assertCleanConsole()

    def test_a_job_printed_after_a_jam_offers_no_cancel(self):
        """Once a job has printed, the desk's next refreshes show it settled: no retry or
        cancel (admind answers both with 409 for a finished job)."""
        kname, _, _ = self.kiosk_in_session()
        job = self.jammed_print(kname, 2, "two.pdf")
        jid = self.wait(lambda d: [j["id"] for j in self.api("GET", "/api/v1/jobs",
                                                             token=self.admin)["jobs"]
                                   if j["cups_id"] == job and j["jammed"]],
                        "the job jammed", timeout=30)[0]
        row = '#jobs .job[data-job-id="%s"]' % jid
        self.wait_shown(row + ' [data-action="cancel"]')
        os.unlink(os.path.join(self.cups.printer_dir, "jam"))
        self.api("POST", "/api/v1/printers/%s/resume" % self.QUEUE, token=self.admin)
        self.wait(lambda d: [j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
                             if j["id"] == jid and j["state"] == "printed"],
                  "the job printed", timeout=30)
        self.next_refreshes(2)
        self.shot("desk-job-printed")
        # Still listed (the desk may refund a page the jam spoilt), as settled.
        rows = self.find_all(row)
        self.assertEqual(len(rows), 1, "two refreshes after it printed, job %s is not listed" % jid)
        actions = [b.get_attribute("data-action") for b in self.find_all("[data-action]", rows[0])]
        self.assertFalse({"retry", "cancel"} & set(actions),
                         "two refreshes after it printed, the job still offers %s (%s)" % (
                             actions, rows[0].text))


class Printers(WithTwoSites, WebTestCase):
    """Two printers of two sites (print.queues) on one desk: each shows with its site,
    a jam on one is named in the banner with its site, and each job says its printer."""

    TMP_PREFIX = "escale-web-sites-"

    def test_maintenance_adds_and_removes_a_printer(self):
        """Maintenance, Imprimantes: the config's printers cannot be removed; one added here
        shows its key, fingerprint and command once, is listed, and is removed."""
        _, maint, _ = self.new_staff("maintenance")
        self.sign_in(maint, fragment="#/printers")
        row = '#printers-table tr[data-printer="%s"]'
        self.wait_shown(row % "accueil-sud")
        self.assertEqual(self.find(row % "accueil-nord").get_attribute("data-origin"), "config")
        self.assertEqual(self.find_all(row % "accueil-nord" + " button"), [])
        self.click("#printer-add")
        self.wait(lambda d: self.dialog_open(), "the printer dialog")
        self.type_into("#dlg-input", "accueil-est")
        self.type_into("#dlg-printer-site", "ESC Est")
        self.type_into("#dlg-printer-server", "127.0.0.1:9")
        self.confirm_dialog()
        self.wait_shown("#printer-added")
        key = self.text("#printer-added-key")
        self.assertRegex(key, r"^[0-9a-f]{64}$")
        self.assertRegex(self.text("#printer-added-fp"), r"^[0-9a-f]{4}( [0-9a-f]{4}){3}$")
        self.assertEqual(self.text("#printer-added-command"),
                         "printf '%%s\\n' %s | escale-setup-print-host --queue escale"
                         " --release-key - DEVICE_URI" % key)
        self.wait_shown(row % "accueil-est")
        self.assertEqual(self.find(row % "accueil-est").get_attribute("data-origin"), "api")
        self.assertIn("ESC Est", self.text(row % "accueil-est"))
        self.shot_both("printers-added")
        self.click("#printer-added-hide")
        self.wait_hidden("#printer-added")
        self.assertEqual(self.text("#printer-added-key"), "")
        self.click(row % "accueil-est" + ' button[data-action="remove"]')
        self.confirm_dialog()
        self.wait(lambda d: not self.find_all(row % "accueil-est"), "the row gone")
        names = [p["name"] for p in
                 self.api("GET", "/api/v1/printers", token=self.admin)["printers"]]
        self.assertEqual(names, ["accueil-nord", "accueil-sud"])
        self.assertCleanConsole()

    def test_an_account_of_one_site_sees_and_adds_its_printers(self):
        d = self.api("POST", "/api/v1/users", {"name": self.unique("maint-nord"),
                                               "role": "maintenance", "password": self.PASSWORD,
                                               "sites": [self.SITE_A]}, self.admin, expect=201)
        self.sign_in(d["name"], fragment="#/printers")
        row = '#printers-table tr[data-printer="%s"]'
        self.wait_shown(row % "accueil-nord")
        self.assertEqual(self.find_all(row % "accueil-sud"), [])
        self.click("#printer-add")
        self.wait(lambda d: self.dialog_open(), "the printer dialog")
        self.assertEqual(self.find("#dlg-printer-site").get_attribute("value"), self.SITE_A)
        self.click("#dlg-cancel")
        self.wait(lambda d: not self.dialog_open(), "the dialog closed")
        self.assertCleanConsole()

    def test_jam_on_one_of_two_printers(self):
        kname = self.unique("poste")
        _, kt = self.new_kiosk(kname, site=self.SITE_B)
        sid = self.open_ok(kt, self.new_code(pages=10)["code"])["session"]
        self.heartbeat(kt, state="session", session=sid, seconds_used=10)
        self.sign_in()
        north = '#printers .printer[data-printer="accueil-nord"]'
        south = '#printers .printer[data-printer="accueil-sud"]'
        self.wait(lambda d: self.find(south).get_attribute("data-attention") == "false",
                  "both printers shown")
        self.assertIn(self.SITE_A, self.text(north + " .printer-site"))
        self.assertIn(self.SITE_B, self.text(south + " .printer-site"))
        with open(os.path.join(self.cups_b.printer_dir, "jam"), "w") as f:
            f.write("1")
        pdf = os.path.join(self.tmp, "three.pdf")
        with open(pdf, "wb") as f:
            f.write(mkpdf.make_pdf(3))
        job = self.cups_b.submit(pdf, "escale", "-o", "job-account-id=" + kname)
        self.wait(lambda d: self.find(south).get_attribute("data-attention") == "true",
                  "the southern printer needs attention", timeout=30)
        self.assertEqual(self.find(north).get_attribute("data-attention"), "false")
        banner = self.wait_shown("#printer-banner")
        self.assertIn("accueil-sud (%s)" % self.SITE_B, banner.text)
        self.assertNotIn("accueil-nord", banner.text)
        jid = [j["id"] for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]
               if j["cups_id"] == job and j["printer"] == "accueil-sud"][0]
        row = '#jobs .job[data-job-id="%s"]' % jid
        self.wait_shown(row)
        self.assertEqual(self.find(row).get_attribute("data-printer"), "accueil-sud")
        self.assertIn("accueil-sud (%s)" % self.SITE_B, self.text(row + " .job-printer"))
        self.shot_both("desk-two-printers-jam")
        os.unlink(os.path.join(self.cups_b.printer_dir, "jam"))
        self.act(south + ' button[data-action="resume"]',
                 lambda d: ("printer.resume", self.ADMIN) in self.audit_actions(),
                 "printer.resume in the audit log")
        self.wait(lambda d: self.find("#printer-banner").get_attribute("hidden") is not None,
                  "the banner gone once the printer is fine", timeout=30)
        self.assertCleanConsole()


if __name__ == "__main__":
    main()
