/* test_usbmreq: the USB mount helper's request line, hostile ones included. */
#include <string.h>

#include "../unit/test.h"
#include "usbmreq.h"

static bool parse(const char *s, struct usbm_req *r)
{
	return usbm_parse(s, strlen(s), r);
}

int main(void)
{
	struct usbm_req r;
	CHECK(parse("mount exfat sdb1", &r) && r.op == USBM_MOUNT && strcmp(r.fs, "exfat") == 0 &&
	      strcmp(r.name, "sdb1") == 0);
	CHECK(parse("mount ntfs sdab123", &r) && strcmp(r.name, "sdab123") == 0);
	CHECK(parse("mount ntfs sdc", &r)); /* a key without partitions */
	CHECK(parse("umount", &r) && r.op == USBM_UMOUNT);
	static const char *const bad[] = {"",
					  "mount",
					  "mount exfat",
					  "mount exfat ",
					  "mount vfat sdb1",
					  "mount ext4 sdb1",
					  "mount exfat sda0",
					  "mount exfat sdb01",
					  "mount exfat sdabc1",
					  "mount exfat sdb1234",
					  "mount exfat sd1",
					  "mount exfat hda1",
					  "mount exfat nvme0n1p1",
					  "mount exfat ../sdb1",
					  "mount exfat /dev/sdb1",
					  "mount exfat sdB1",
					  "mount exfat sdb1 ",
					  "mount  exfat sdb1",
					  " mount exfat sdb1",
					  "mount exfat sdb1 -o rw",
					  "umount ",
					  "umount sdb1",
					  "Mount exfat sdb1",
					  "mount\texfat sdb1",
					  "mount exfatx sdb1",
					  "mount exfat sdb1\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!parse(bad[i], &r));
		CHECK(r.op == USBM_NONE);
	}
	/* A NUL inside; too long. */
	CHECK(!usbm_parse("umount\0x", 8, &r) && !usbm_parse("umount", 0, &r));
	char big[USBM_LINE_MAX + 8];
	memset(big, 'a', sizeof(big));
	memcpy(big, "mount exfat sdb1", 16);
	CHECK(!usbm_parse(big, sizeof(big), &r));
	/* Formatting: what the kiosk sends, back to the same request. */
	char buf[USBM_LINE_MAX];
	struct usbm_req m = {USBM_MOUNT, "ntfs", "sdb1"};
	CHECK(usbm_format(&m, buf, sizeof(buf)) == 16 && strcmp(buf, "mount ntfs sdb1\n") == 0);
	CHECK(usbm_parse(buf, 15, &r) && r.op == USBM_MOUNT);
	struct usbm_req evil = {USBM_MOUNT, "ntfs", "../x"};
	CHECK(usbm_format(&evil, buf, sizeof(buf)) == -1);
	struct usbm_req none = {USBM_NONE, "", ""};
	CHECK(usbm_format(&none, buf, sizeof(buf)) == -1);
	CHECK(usbm_format(&m, buf, 5) == -1);
	return TEST_DONE();
}
