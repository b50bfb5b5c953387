/* xkbctl: reads or turns on the XKB accessibility controls of $DISPLAY's core keyboard, for
 * the end-to-end tests of the kiosk's XKB lockdown.
 *
 *   escale-xkbctl get               prints the enabled controls: "slow sticky ..." or "none"
 *   escale-xkbctl enable NAME...    turns them on (slow, bounce, sticky, mouse, accessx)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/xcb.h>
#include <xcb/xkb.h>

static const struct {
	const char *name;
	uint32_t bit;
} ctrls[] = {
	{"slow", XCB_XKB_BOOL_CTRL_SLOW_KEYS},        {"bounce", XCB_XKB_BOOL_CTRL_BOUNCE_KEYS},
	{"sticky", XCB_XKB_BOOL_CTRL_STICKY_KEYS},    {"mouse", XCB_XKB_BOOL_CTRL_MOUSE_KEYS},
	{"accessx", XCB_XKB_BOOL_CTRL_ACCESS_X_KEYS},
};

int main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "enable") != 0)) {
		fprintf(stderr, "usage: escale-xkbctl get | enable NAME...\n");
		return 2;
	}
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "escale-xkbctl: cannot connect to the X display\n");
		return 1;
	}
	xcb_xkb_use_extension_reply_t *u =
		xcb_xkb_use_extension_reply(c, xcb_xkb_use_extension(c, 1, 0), NULL);
	if (!u || !u->supported) {
		fprintf(stderr, "escale-xkbctl: no XKB\n");
		return 1;
	}
	free(u);
	if (strcmp(argv[1], "enable") == 0) {
		uint32_t bits = 0;
		for (int i = 2; i < argc; i++) {
			size_t j;
			for (j = 0; j < sizeof(ctrls) / sizeof(ctrls[0]); j++)
				if (strcmp(argv[i], ctrls[j].name) == 0)
					bits |= ctrls[j].bit;
			if (!bits) {
				fprintf(stderr, "escale-xkbctl: unknown control %s\n", argv[i]);
				return 2;
			}
		}
		static const uint8_t per_key[32];
		xcb_generic_error_t *e = xcb_request_check(
			c, xcb_xkb_set_controls_checked(c, XCB_XKB_ID_USE_CORE_KBD, 0, 0, 0, 0, 0,
							0, 0, 0, 0, 0, 0, bits, bits,
							XCB_XKB_CONTROL_CONTROLS_ENABLED, 0, 0, 0,
							0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, per_key));
		if (e) {
			fprintf(stderr, "escale-xkbctl: SetControls failed (%d)\n", e->error_code);
			return 1;
		}
		xcb_disconnect(c);
		return 0;
	}
	xcb_xkb_get_controls_reply_t *r = xcb_xkb_get_controls_reply(
		c, xcb_xkb_get_controls(c, XCB_XKB_ID_USE_CORE_KBD), NULL);
	if (!r)
		return 1;
	int n = 0;
	for (size_t j = 0; j < sizeof(ctrls) / sizeof(ctrls[0]); j++)
		if (r->enabledControls & ctrls[j].bit)
			printf("%s%s", n++ ? " " : "", ctrls[j].name);
	printf("%s\n", n ? "" : "none");
	free(r);
	xcb_disconnect(c);
	return 0;
}
