"""The usage CSV as LibreOffice Calc reads it with French settings: dates
become dates, durations numbers, and awkward names stay whole text."""

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import AdmindTestCase  # noqa: E402

SOFFICE = shutil.which("soffice")


@unittest.skipUnless(SOFFICE, "LibreOffice (soffice) is not installed")
class CalcFrench(AdmindTestCase):

    def test_calc_reads_types(self):
        kid, kt = self.new_kiosk(name='Poste; accueil "1"', site="=ESC Hautepierre")
        c = self.new_code(minutes=60)
        d = self.open_ok(kt, c["code"])
        self.end_session(kt, d["session"], seconds_used=754)
        status, _, data = self.req("GET", "/api/v1/usage?format=csv", token=self.admin)
        self.assertEqual(status, 200)
        self.assertIn(";754;12,6;", data.decode("utf-8-sig") if isinstance(data, bytes) else data)
        work = tempfile.mkdtemp(prefix="escale-calc-")
        try:
            path = os.path.join(work, "usage.csv")
            with open(path, "wb") as f:
                f.write(data if isinstance(data, bytes) else data.encode("utf-8-sig"))
            # separator ';' (59), quote '"' (34), UTF-8 (76), from line 1, French (1036)
            r = subprocess.run([SOFFICE, "--headless", "-env:UserInstallation=file://" + work +
                                "/profile", "--infilter=CSV:59,34,76,1,,1036",
                                "--convert-to", "fods", "--outdir", work, path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
            fods = os.path.join(work, "usage.fods")
            self.assertTrue(os.path.exists(fods), r.stdout.decode(errors="replace"))
            with open(fods, encoding="utf-8") as f:
                xml = f.read()
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows = re.findall(r"<table:table-row[^>]*>(.*?)</table:table-row>", xml, re.S)
        self.assertEqual(len(rows), 2, "a header and one session")
        cells = []
        for m in re.finditer(r"<table:table-cell([^>]*?)(/>|>(.*?)</table:table-cell>)", rows[1],
                             re.S):
            attrs, body = m.group(1), m.group(3) or ""
            rep = re.search(r'number-columns-repeated="(\d+)"', attrs)
            vtype = re.search(r'office:value-type="(\w+)"', attrs)
            value = re.search(r'office:(?:date-)?value="([^"]*)"', attrs)
            text = html.unescape(re.sub(r"<[^>]+>", "", body)).strip()
            for _ in range(int(rep.group(1)) if rep else 1):
                cells.append((vtype.group(1) if vtype else None,
                              value.group(1) if value else None, text))
        types = [t for t, _, _ in cells[:10]]
        self.assertEqual(types, ["string", "string", "string", "date", "date", "float", "float",
                                 "float", "string", "string"], cells)
        self.assertEqual(cells[1][2], 'Poste; accueil "1"')
        self.assertEqual(cells[2][2], "'=ESC Hautepierre", "a formula-like name stays text")
        self.assertEqual(cells[6][1], "12.6")
        self.assertEqual(cells[5][1], "754")


if __name__ == "__main__":
    if not SOFFICE:
        print("LibreOffice (soffice) is not installed: skipped")
        sys.exit(77)  # meson's "skipped"
    unittest.main(verbosity=2)
