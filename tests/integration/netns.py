"""Runs a test file in a network namespace of its own (unshare -n), so that the nftables
rules and addresses it sets never touch the machine's. Needs root: exit 77 (skipped)
otherwise, or when a tool is missing (scripts/lib.sh installs them; CI runs as root)."""

import os
import shutil
import subprocess
import sys

IN_NETNS = "ESCALE_TEST_IN_NETNS"


def enter(tools=()):
    """Re-runs this script under unshare -n unless it already runs there; then brings the
    namespace's loopback up. Returns inside the namespace."""
    if os.geteuid() != 0:
        print("not root: network namespaces and nft need it; skipped")
        sys.exit(77)
    for tool in ("nft", "ip", "unshare", "setpriv") + tuple(tools):
        if not shutil.which(tool):
            print("%s missing (scripts/lib.sh installs it): skipped" % tool)
            sys.exit(77)
    if os.environ.get(IN_NETNS) != "1":
        env = dict(os.environ, **{IN_NETNS: "1"})
        script = os.path.abspath(sys.argv[0])
        os.execvpe("unshare", ["unshare", "--net", sys.executable, script] + sys.argv[1:], env)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=20)
