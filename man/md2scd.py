#!/usr/bin/env python3
"""md2scd: turns a man page written in docs/ as Markdown into scdoc's source.

The pages use a small subset of Markdown, so that they read well in docs/ and
convert without loss: a first line "# NAME(SECTION)", "##" sections, "###"
subsections, paragraphs, "- " lists, ``` blocks, and definition lists (a term
line, then lines starting with ": " or two spaces). In text, `code` becomes
bold and *word* underlined; scdoc's own marks are escaped.

usage: md2scd.py INPUT.md  (scdoc source on standard output)
"""
import re
import sys


def escape(text):
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def inline(text):
    """Markdown inline marks to scdoc's: `x` bold, *x* underline, the rest escaped."""
    out = []
    pos = 0
    for m in re.finditer(r"`([^`]+)`|(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", text):
        out.append(escape(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("*" + escape(m.group(1)) + "*")
        else:
            out.append("_" + escape(m.group(2)) + "_")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def convert(lines):
    m = re.match(r"^# (\S+)\((\d)\)\s*$", lines[0]) if lines else None
    if not m:
        raise SystemExit("md2scd: the first line must be '# NAME(SECTION)'")
    out = ["%s(%s)" % (m.group(1), m.group(2)), ""]
    # A block of text (paragraph, definition, list item) is joined before its
    # inline marks are converted: a `code` span may run over a line break.
    block = []
    prefix = ""

    def flush():
        nonlocal block
        if block:
            out.append(prefix + inline(" ".join(block)))
        block = []

    i = 1
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("```"):
            flush()
            out.append("```")
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(lines[i])
                i += 1
            if i == len(lines):
                raise SystemExit("md2scd: a ``` block is not closed")
            out.append("```")
            i += 1
        elif line.startswith("### ") or line.startswith("## "):
            flush()
            out.append(("## " if line.startswith("### ") else "# ") + line.split(" ", 1)[1].strip())
        elif line.startswith("#"):
            raise SystemExit("md2scd: line %d: only ## and ### headings" % i)
        elif line.startswith(": "):
            flush()
            prefix = "\t"
            block = [line[2:].strip()]
        elif line.startswith("- "):
            flush()
            prefix = "- "
            block = [line[2:].strip()]
        elif line.strip() == "":
            flush()
            out.append("")
        elif not block and i < len(lines) and lines[i].startswith(": "):
            # A definition's term, bold as a whole (its `code` spans already are).
            term = line.strip()
            out.append(inline(term) if term.startswith("`") else "*" + inline(term) + "*")
        else:
            if not block:
                prefix = ""
            block.append(line.strip())
    flush()
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(convert(f.read().splitlines()))


if __name__ == "__main__":
    main()
