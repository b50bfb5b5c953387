#!/usr/bin/env python3
"""Copying supporting documents from a USB key (docs/kiosk.md, "Documents"): a real FAT
image (mkfs.vfat, mcopy) presented to the kiosk as its key (ESCALE_USB_IMAGE: "plugged in"
while the file exists). The bar offers "Clé USB" only for a key plugged in during the
session; PDF and pictures are listed, chosen ones copied into Documents, the rest refused;
the image is unchanged and nothing is left after the session."""
import hashlib
import os
import shutil
import subprocess
import time
import unittest

from kiosk_e2e import KioskTestCase, screenshot

MT_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLSRC="/dev/null")


def make_key(path, files):
    """A FAT image at PATH holding FILES (name on the key -> bytes)."""
    tmp = path + ".d"
    os.makedirs(tmp)
    subprocess.run(["truncate", "-s", "16M", path], check=True)
    subprocess.run(["mkfs.vfat", "-n", "CLE", path], check=True, stdout=subprocess.DEVNULL)
    for i, (name, data) in enumerate(files.items()):
        local = os.path.join(tmp, "f%d" % i)
        with open(local, "wb") as f:
            f.write(data)
        if "/" in name:
            subprocess.run(["mmd", "-i", path, "::/" + name.rsplit("/", 1)[0]], env=MT_ENV,
                           check=False, stderr=subprocess.DEVNULL)
        subprocess.run(["mcopy", "-i", path, local, "::/" + name], env=MT_ENV, check=True)
    shutil.rmtree(tmp)


def skip_without_mtools(test):
    if not shutil.which("mkfs.vfat") or not shutil.which("mcopy"):
        test.skipTest("mtools or dosfstools missing (apt-get install mtools dosfstools)")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Usb(KioskTestCase):

    def setUp(self):
        skip_without_mtools(self)
        super().setUp()
        self.key = os.path.join(self.workdir, "key.img")
        self.kiosk.env["ESCALE_USB_IMAGE"] = self.key

    def session_dir(self):
        dirs = [e for e in os.listdir(self.kiosk.runtime_dir) if e.startswith("session-")]
        self.assertEqual(len(dirs), 1, dirs)
        return os.path.join(self.kiosk.runtime_dir, dirs[0])

    def plug(self, files):
        """A FAT image with FILES, plugged in at once."""
        staging = os.path.join(self.workdir, "staging.img")
        make_key(staging, files)
        os.rename(staging, self.key)  # plugged in, at once
        return digest(self.key)

    def test_copy_chosen_files(self):
        pdf = b"%PDF-1.4 attestation " + os.urandom(64)
        jpg = b"\xff\xd8\xff\xe0 photo " + os.urandom(64)
        self.start_kiosk()
        # A key there before the session is ignored.
        before = self.plug({"avant.pdf": pdf})
        self.sign_in()
        st = self.kiosk.status()
        self.assertNotIn("usb", [b["action"] for b in st["buttons"] if b["bar"]])
        self.assertFalse(st["usb"]["key"])
        os.unlink(self.key)
        time.sleep(1.5)  # the kiosk looks at the image once a second: it sees it go
        # Plugged in during the session: offered.
        sum_before = self.plug({
            "Attestation CAF.pdf": pdf,
            "Photos/IMG_0001.JPG": jpg,
            "setup.exe": b"MZ\x90\x00 not offered",
            "facture.pdf": b"MZ\x90\x00 an executable named .pdf",
            "notes.txt": b"not offered",
        })
        self.assertNotEqual(sum_before, before)
        st = self.kiosk.wait(lambda s: "usb" in [b["action"] for b in s["buttons"] if b["bar"]],
                             "the bar's USB button")
        self.kiosk.click("usb")
        st = self.kiosk.wait(lambda s: s["usb"]["state"] == "list", "the key's files")
        screenshot(self.x.display, "usb-01-list")
        names = [f["name"] for f in st["usb"]["files"]]
        self.assertEqual(sorted(names), ["Attestation CAF.pdf", "IMG_0001.JPG", "facture.pdf"])
        for i, name in enumerate(names):
            self.kiosk.click("usbflow", str(i))
        self.kiosk.wait(lambda s: all(f["chosen"] for f in s["usb"]["files"]), "all chosen")
        self.kiosk.click("usbflow", "c")
        st = self.kiosk.wait(lambda s: s["usb"]["state"] == "done", "the copy")
        screenshot(self.x.display, "usb-02-done")
        self.assertEqual(st["usb"]["copied"], 2)  # facture.pdf is not a PDF
        self.assertEqual(sorted(d["name"] for d in st["documents"]),
                         ["Attestation CAF.pdf", "IMG_0001.JPG"])
        docs = os.path.join(self.session_dir(), "home", "Documents")
        with open(os.path.join(docs, "Attestation CAF.pdf"), "rb") as f:
            self.assertEqual(f.read(), pdf)
        with open(os.path.join(docs, "IMG_0001.JPG"), "rb") as f:
            self.assertEqual(f.read(), jpg)
        self.assertEqual(digest(self.key), sum_before)  # never written to
        self.kiosk.click("usbflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        # Pulled out: the button goes.
        os.unlink(self.key)
        self.kiosk.wait(lambda s: "usb" not in [b["action"] for b in s["buttons"] if b["bar"]],
                        "the USB button gone")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] in ("login", "closed"), "the welcome screen")
        self.assertFalse(os.path.exists(docs))

    def test_key_pulled_out_while_listed(self):
        self.start_kiosk()
        self.sign_in()
        self.plug({"a.pdf": b"%PDF-1.4 a"})
        self.kiosk.wait(lambda s: s["usb"]["key"], "the key")
        self.kiosk.click("usb")
        self.kiosk.wait(lambda s: s["usb"]["state"] == "list", "the key's files")
        os.unlink(self.key)
        st = self.kiosk.wait(lambda s: s["usb"]["state"] == "error", "the key gone")
        self.assertEqual(st["usb"]["error"], "gone")
        self.kiosk.click("usbflow", "x")
        st = self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.assertEqual(st["documents"], [])

    def test_not_fat(self):
        self.start_kiosk()
        self.sign_in()
        staging = os.path.join(self.workdir, "staging.img")
        with open(staging, "wb") as f:
            f.write(os.urandom(1 << 20))
        os.rename(staging, self.key)
        self.kiosk.wait(lambda s: s["usb"]["key"], "the key")
        self.kiosk.click("usb")
        st = self.kiosk.wait(lambda s: s["usb"]["state"] == "error", "the error")
        self.assertEqual(st["usb"]["error"], "unreadable")
        screenshot(self.x.display, "usb-03-unreadable")


class UsbFuse(Usb):
    """exFAT and NTFS keys (made with mkfs.exfat and mkntfs, filled through their FUSE
    drivers), attached read-only with losetup as a USB key would be: the kiosk mounts them
    read-only through FUSE in its private place. Needs root and /dev/fuse (CI)."""

    def setUp(self):
        if os.geteuid() != 0 or not os.path.exists("/dev/fuse"):
            self.skipTest("needs root and /dev/fuse (losetup, FUSE mounts)")
        for tool in ("losetup", "mkfs.exfat", "mount.exfat-fuse", "mkntfs", "ntfs-3g"):
            if not shutil.which(tool):
                self.skipTest("%s missing (apt-get install exfatprogs exfat-fuse ntfs-3g)"
                              % tool)
        super().setUp()

    def loop(self, img, read_only=True):
        dev = subprocess.run(["losetup", "-f", "--show"] + (["-r"] if read_only else []) +
                             [img], check=True, stdout=subprocess.PIPE,
                             text=True).stdout.strip()
        self.addCleanup(subprocess.run, ["losetup", "-d", dev], stderr=subprocess.DEVNULL)
        return dev

    def fill(self, fs, files, links=()):
        """An FS image with FILES (name -> bytes or an int: a sparse file of that size) and
        symlinks LINKS (name -> target); its loop device, read-only."""
        img = os.path.join(self.workdir, fs + ".img")
        subprocess.run(["truncate", "-s", "32M", img], check=True)
        if fs == "exfat":
            subprocess.run(["mkfs.exfat", img], check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run(["mkntfs", "-F", "-Q", "-q", img], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dev = self.loop(img, read_only=False)
        mnt = os.path.join(self.workdir, "fill")
        os.makedirs(mnt, exist_ok=True)
        subprocess.run(["mount.exfat-fuse" if fs == "exfat" else "ntfs-3g", dev, mnt],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for name, data in files.items():
                path = os.path.join(mnt, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    if isinstance(data, int):
                        f.truncate(data)
                    else:
                        f.write(data)
            for name, target in dict(links).items():
                os.symlink(target, os.path.join(mnt, name))
        finally:
            subprocess.run(["umount", mnt], check=True)
        subprocess.run(["losetup", "-d", dev], check=True)
        return img

    def plug_device(self, img):
        ro = self.loop(img)
        os.symlink(ro, self.key)
        return digest(img)

    def copy_all(self):
        st = self.kiosk.wait(lambda s: s["usb"]["key"], "the key")
        self.kiosk.click("usb")
        st = self.kiosk.wait(lambda s: s["usb"]["state"] in ("list", "error"), "the files")
        self.assertEqual(st["usb"]["state"], "list", st["usb"])
        for i in range(len(st["usb"]["files"])):
            self.kiosk.click("usbflow", str(i))
        self.kiosk.click("usbflow", "c")
        st = self.kiosk.wait(lambda s: s["usb"]["state"] in ("done", "error"), "the copy")
        return st

    def test_copy_chosen_files(self):
        pdf = b"%PDF-1.4 exfat " + os.urandom(64)
        img = self.fill("exfat", {"Dossier CAF/attestation.pdf": pdf,
                                  "photo.png": b"\x89PNG\r\n\x1a\n" + os.urandom(32),
                                  "setup.exe": b"MZ\x90\x00",
                                  ".cache/x.pdf": b"%PDF-1.4 hidden"})
        self.start_kiosk()
        self.sign_in()
        before = self.plug_device(img)
        st = self.copy_all()
        self.assertEqual(sorted(f["name"] for f in st["usb"]["files"]),
                         ["attestation.pdf", "photo.png"])
        self.assertEqual(st["usb"]["copied"], 2)
        docs = os.path.join(self.session_dir(), "home", "Documents")
        with open(os.path.join(docs, "attestation.pdf"), "rb") as f:
            self.assertEqual(f.read(), pdf)
        # Mounted read-only, nosuid, nodev in the kiosk's private place while the flow is
        # open; unmounted when it closes.
        mnt = os.path.join(self.kiosk.runtime_dir, "usb")
        with open("/proc/self/mounts") as f:
            line = [l for l in f if l.split()[1] == mnt]
        self.assertEqual(len(line), 1, line)
        opts = line[0].split()[3].split(",")
        for o in ("ro", "nosuid", "nodev"):
            self.assertIn(o, opts)
        self.kiosk.click("usbflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        with open("/proc/self/mounts") as f:
            self.assertEqual([l for l in f if l.split()[1] == mnt], [])
        self.assertEqual(digest(img), before)

    def test_ntfs_symlink_sparse_and_executable(self):
        pdf = b"%PDF-1.4 ntfs " + os.urandom(64)
        img = self.fill("ntfs", {"a.pdf": pdf, "big.pdf": 10 << 30, "run.exe": b"MZ"},
                        links={"shadow.pdf": "/etc/shadow", "etc": "/etc"})
        self.start_kiosk()
        self.sign_in()
        before = self.plug_device(img)
        st = self.copy_all()
        # Only the real small PDF: not the symlinks, not the 10 GB sparse file, not the .exe.
        self.assertEqual([f["name"] for f in st["usb"]["files"]], ["a.pdf"])
        self.assertEqual([d["name"] for d in st["documents"]], ["a.pdf"])
        self.kiosk.click("usbflow", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the session again")
        self.assertEqual(digest(img), before)

    def test_key_pulled_out_while_listed(self):
        pass  # (Usb's, with a FAT image)

    def test_not_fat(self):
        pass


if __name__ == "__main__":
    unittest.main()
