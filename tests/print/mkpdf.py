"""Minimal PDF documents for escale's print tests and bench (standard library only).

make_pdf(n) writes an N-page PDF with a correct cross-reference table; damaged()
returns a PDF whose cross-reference table and trailer are broken, which a strict
reader (libqpdf without recovery) refuses. Object streams: see qpdf_object_streams.
"""

import subprocess
import sys


def make_pdf(n, text="escale"):
    objs = []
    kids = " ".join("%d 0 R" % (4 + 2 * i) for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)).encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i in range(n):
        content = ("BT /F1 24 Tf 72 720 Td (%s page %d) Tj ET" % (text, i + 1)).encode()
        objs.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                     " /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                     % (5 + 2 * i)).encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content +
                    b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def damaged(n=3):
    """A PDF cut in the middle of its objects, without xref or trailer."""
    good = make_pdf(n)
    return good[: len(good) // 2] + b"\nstartxref\n999999\n%%EOF\n"


def qpdf_object_streams(src, dst):
    """Rewrites SRC with object streams (qpdf); pages are then not findable by a regex."""
    subprocess.run(["qpdf", "--object-streams=generate", src, dst], check=True)


if __name__ == "__main__":
    # mkpdf.py N FILE [--damaged]
    data = damaged(int(sys.argv[1])) if "--damaged" in sys.argv else make_pdf(int(sys.argv[1]))
    with open(sys.argv[2], "wb") as f:
        f.write(data)
