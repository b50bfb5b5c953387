"""The services page a session's browser opens (escale-kiosk --home-page), laid out by the
real Chromium at the centres' screen sizes (the browser's area under the bar) and at 400 %
zoom: every default service visible without scrolling, the "Terminer" hint too, no sideways
scrolling, no word broken across lines, nothing overflowing its tile.

Chromium lays the page out headless and prints the DOM once a small script (added to a copy
of the page; the real page allows no script) has measured it."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kiosk_e2e import need

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(ROOT, "config", "kiosk.conf")

MEASURE = """<script>
const q = s => [...document.querySelectorAll(s)];
function measure() {
  const d = document.documentElement;
  return {w: innerWidth, cw: d.clientWidth, h: innerHeight, sw: d.scrollWidth,
    tiles: Math.max(...q('.tile').map(t => t.getBoundingClientRect().bottom)),
    footer: document.querySelector('footer').getBoundingClientRect().bottom,
    n: q('.tile').length,
    broken: q('.name span').filter(s => s.getClientRects().length > 1).map(s => s.textContent),
    overflow: q('.tile, h1, .name, .text, .cat').filter(t => t.scrollWidth > t.clientWidth + 1)
      .map(t => t.textContent.slice(0, 40))};
}
const r = {plain: measure()};
document.documentElement.style.zoom = 4;   /* 400 % zoom */
const z = measure();
r.zoom = {sw: z.sw, cw: z.cw, broken: z.broken, overflow: z.overflow};
const p = document.createElement('pre');
p.id = 'result';
p.textContent = JSON.stringify(r);
document.body.appendChild(p);
</script>"""

# The browser's area: the screen less the kiosk's bar, at most two rows at 100 % (a row is
# 7 % of its height, at least 56 px; its tools take the second row on a narrow screen).
SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080)]


def area(w, h):
    return w, h - 2 * max(56, round(h * 0.07))


class HomePage(unittest.TestCase):

    def setUp(self):
        if not shutil.which("chromium"):
            raise unittest.SkipTest("chromium missing (apt-get install chromium)")
        self.work = tempfile.mkdtemp(prefix="escale-home-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def page(self, lang):
        env = dict(os.environ, ESCALE_LOCALEDIR=need("ESCALE_LOCALEDIR"))
        r = subprocess.run([need("ESCALE_KIOSK"), "-c", CONFIG, "--home-page", lang], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        return r.stdout.decode()

    def measure(self, html, w, h, name):
        """The page's measures in a viewport of W x H: headless Chromium's viewport is
        shorter than its window by its own chrome, so the window is made taller by what a
        first run shows missing."""
        r = self.measure_window(html, w, h, name)
        missing = h - r["plain"]["h"]
        if missing > 0:
            r = self.measure_window(html, w, h + missing, name)
        self.assertEqual((r["plain"]["w"], r["plain"]["h"]), (w, h), name)
        return r

    def measure_window(self, html, w, h, name):
        html = html.replace("default-src 'none'; style-src 'unsafe-inline'",
                            "default-src 'none'; style-src 'unsafe-inline'; "
                            "script-src 'unsafe-inline'")
        self.assertIn("script-src", html)
        path = os.path.join(self.work, name + ".html")
        with open(path, "w") as f:
            f.write(html.replace("</body>", MEASURE + "</body>"))
        r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--disable-background-networking",
                            "--user-data-dir=" + os.path.join(self.work, "profile"),
                            "--window-size=%d,%d" % (w, h), "--dump-dom", "file://" + path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
        m = re.search(r'<pre id="result">(.*?)</pre>', r.stdout.decode())
        self.assertTrue(m, "no measure from Chromium for %s" % name)
        return json.loads(m.group(1))

    def test_every_service_fits_without_scrolling_or_broken_words(self):
        for lang in ("fr", "en"):
            html = self.page(lang)
            for sw, sh in SIZES:
                w, h = area(sw, sh)
                name = "%s-%dx%d" % (lang, sw, sh)
                r = self.measure(html, w, h, name)
                p = r["plain"]
                # The default services and the scan tile (kiosk/hometile.h).
                self.assertEqual(p["n"], 7, (name, p))
                self.assertLessEqual(p["sw"], p["cw"], ("sideways scrolling", name, p))
                self.assertLessEqual(p["tiles"], p["h"], ("a tile below the fold", name, p))
                self.assertLessEqual(p["footer"], p["h"], ("the Terminer hint hidden", name, p))
                self.assertEqual(p["broken"], [], ("a word broken", name, p))
                self.assertEqual(p["overflow"], [], ("text overflows", name, p))
                # 400 % zoom (a 256-480 px wide window): scrolls down, never sideways.
                z = r["zoom"]
                self.assertLessEqual(z["sw"], z["cw"] + 1, ("sideways at 400 %", name, z))
                self.assertEqual(z["broken"], [], ("a word broken at 400 %", name, z))
                self.assertEqual(z["overflow"], [], ("overflow at 400 %", name, z))

    def test_pictograms_and_translated_categories(self):
        fr, en = self.page("fr"), self.page("en")
        # A pictogram per tile (the scan tile's its own), no initial letter badge, no outside
        # request.
        self.assertEqual(fr.count('<span class="pict"'), 7)
        self.assertEqual(len(set(re.findall(r'<path fill="[^"]+" fill-rule="evenodd" d="([^"]+)"',
                                            fr))), 7)
        self.assertNotIn("http", re.sub(r'href="https://[^"]+"', "", fr.split("<body>")[1]))
        for word in ("Famille", "Emploi", "Santé", "Impôts", "Papiers", "Démarches"):
            self.assertIn('class="cat">%s<' % word, fr)
        for word in ("Family", "Work", "Health", "Taxes", "ID papers", "Procedures"):
            self.assertIn('class="cat">%s<' % word, en)
        # Words never break inside: each is a span that does not wrap.
        self.assertIn("<span>France</span> <span>Travail</span>", fr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
