#!/usr/bin/env python3
"""The man pages as built: they render without a warning, escalectl(1) names
every command escalectl has, and escale-admind.conf(5) and escale-kiosk.conf(5)
name every key the programs accept and every key of the example configs.

usage: test_man.py MANDIR (the build's man/)"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def render(path):
    """The page as plain text, without hyphenation, one paragraph per line."""
    cmd = ["groff", "-k", "-man", "-Tutf8", "-ww", "-rHY=0", "-rLL=5000n", "-P-cbou", path]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or r.stderr.strip():
        fail("%s: groff: %s" % (os.path.basename(path), r.stderr.strip() or r.returncode))
    return re.sub(r"[ \t]+", " ", r.stdout)


def c_arrays(path):
    """{name: [strings]} of the `static const char *const NAME_keys[]` arrays."""
    with open(path, encoding="utf-8") as f:
        src = f.read()
    arrays = {}
    for m in re.finditer(r"static const char \*const (\w+)_keys\[\]\s*=\s*\{(.*?)\};", src, re.S):
        arrays[m.group(1)] = re.findall(r'"([^"]*)"', m.group(2))
    if not arrays:
        fail("%s: no key arrays found" % path)
    return arrays


def example_keys(path):
    """Every key assigned in an example config, commented out or not."""
    keys = set()
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*#?\s*([a-z_]+)\s*=\s*\S", line)
            if m:
                keys.add(m.group(1))
    if not keys:
        fail("%s: no keys found" % path)
    return keys


def check_config(page_text, page, source, groups, items, example):
    """groups: array name -> prefix ("" for the top level); items: arrays whose keys
    are those of list entries (named bare)."""
    for name, keys in c_arrays(os.path.join(ROOT, source)).items():
        if name in groups:
            prefix = groups[name]
        elif name in items:
            prefix = ""
        else:
            fail("%s: %s_keys is not known to this test: say where %s documents it"
                 % (source, name, page))
            continue
        for key in keys:
            if not re.search(r"(?<![\w.])%s(?![\w])" % re.escape(prefix + key), page_text):
                fail("%s does not document %s%s (%s)" % (page, prefix, key, source))
    for key in sorted(example_keys(example)):
        if not re.search(r"(?<![\w])%s(?![\w])" % re.escape(key), page_text):
            fail("%s does not document %s (%s)" % (page, key, example))


def main():
    mandir = sys.argv[1]
    pages = {}
    for name in ["escalectl.1", "escale-admind.8", "escale-kiosk.8", "escale-proxy.8",
                 "escale-admind.conf.5",
                 "escale-kiosk.conf.5", "escale-setup-print-host.8"]:
        path = os.path.join(mandir, name)
        if not os.path.exists(path):
            fail("%s was not built" % name)
            continue
        pages[name] = render(path)
        if "NAME" not in pages[name] or "SEE ALSO" not in pages[name]:
            fail("%s: no NAME or SEE ALSO section" % name)

    # escalectl: every command of the table in admin/escalectl.c.
    with open(os.path.join(ROOT, "admin", "escalectl.c"), encoding="utf-8") as f:
        src = f.read()
    cmds = re.findall(r'^\s*\{"(\w[\w-]*)", (?:"([\w-]+)"|NULL),', src, re.M)
    if len(cmds) < 20:
        fail("admin/escalectl.c: only %d commands found" % len(cmds))
    text = pages.get("escalectl.1", "")
    for group, name in cmds:
        cmd = group + (" " + name if name else "")
        if not re.search(r"^ *%s(?![\w-])" % re.escape(cmd), text, re.M):
            fail("escalectl(1) has no entry for '%s'" % cmd)
    for opt in re.findall(r'\{"([a-z][a-z-]+)", (?:no|required)_argument', src):
        if "--" + opt not in text:
            fail("escalectl(1) does not document --%s" % opt)

    check_config(pages.get("escale-admind.conf.5", ""), "escale-admind.conf(5)",
                 "admin/admind_config.c",
                 {"top": "", "web": "web.", "desk": "desk.", "tls": "tls.", "codes": "codes.",
                  "sessions": "sessions.", "kiosks": "kiosks.", "login": "login.",
                  "offline": "offline.", "print": "print.", "metrics": "metrics.",
                  "services": "services."},
                 {"preset", "print_queue"}, "config/admind.conf")
    check_config(pages.get("escale-kiosk.conf.5", ""), "escale-kiosk.conf(5)", "kiosk/kconfig.c",
                 {"top": "", "admin": "admin.", "browser": "browser.", "session": "session.",
                  "login": "login.", "hours": "hours.", "print": "print.", "proxy": "proxy.",
                  "keyboard": "keyboard.", "speech": "speech.", "settings": "settings.",
                  "scan": "scan.", "usb": "usb."},
                 {"special", "service", "enrollment"}, "config/kiosk.conf")

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("man pages ok: %d escalectl commands" % len(cmds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
