/* xkbctl: reads or turns on the XKB accessibility controls of $DISPLAY's core keyboard, for
 * the end-to-end tests of the kiosk's XKB lockdown.
 *
 *   escale-xkbctl get               prints the enabled controls: "slow sticky ..." or "none"
 *   escale-xkbctl enable NAME...    turns them on (slow, bounce, sticky, mouse, accessx)
 *   escale-xkbctl setkey CODE SYM [SHIFTED]   gives keycode CODE (a number, or "free": the
 *                                   first without symbols, printed) the keysyms SYM and
 *                                   SHIFTED (hex), through the core protocol: a keymap change
 */
#include <stdbool.h>
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

static int setkey(xcb_connection_t *c, int argc, char **argv)
{
	if (argc < 4 || argc > 5)
		return 2;
	const xcb_setup_t *setup = xcb_get_setup(c);
	uint8_t min = setup->min_keycode, max = setup->max_keycode;
	xcb_get_keyboard_mapping_reply_t *m = xcb_get_keyboard_mapping_reply(
		c, xcb_get_keyboard_mapping(c, min, (uint8_t)(max - min + 1)), NULL);
	if (!m)
		return 1;
	int per = m->keysyms_per_keycode;
	xcb_keysym_t *syms = xcb_get_keyboard_mapping_keysyms(m);
	long code = 0;
	if (strcmp(argv[2], "free") == 0) {
		for (int k = min; k <= max && !code; k++) {
			bool empty = true;
			for (int i = 0; i < per; i++)
				empty = empty && syms[(k - min) * per + i] == 0;
			if (empty)
				code = k;
		}
	} else {
		code = strtol(argv[2], NULL, 10);
	}
	if (code < min || code > max) {
		fprintf(stderr, "escale-xkbctl: no such keycode\n");
		return 1;
	}
	xcb_keysym_t row[16] = {0};
	if (per > 16)
		per = 16;
	row[0] = (xcb_keysym_t)strtoul(argv[3], NULL, 16);
	row[1] = argc == 5 ? (xcb_keysym_t)strtoul(argv[4], NULL, 16) : row[0];
	if (per > 2) /* the second group, as most keyboards have it */
		row[2] = row[0], row[3] = per > 3 ? row[1] : 0;
	free(m);
	xcb_generic_error_t *e =
		xcb_request_check(c, xcb_change_keyboard_mapping_checked(c, 1, (xcb_keycode_t)code,
									 (uint8_t)per, row));
	if (e) {
		fprintf(stderr, "escale-xkbctl: ChangeKeyboardMapping failed (%d)\n",
			e->error_code);
		return 1;
	}
	printf("%ld\n", code);
	xcb_disconnect(c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "enable") != 0 &&
			 strcmp(argv[1], "setkey") != 0)) {
		fprintf(stderr,
			"usage: escale-xkbctl get | enable NAME... | setkey CODE SYM [SHIFTED]\n");
		return 2;
	}
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "escale-xkbctl: cannot connect to the X display\n");
		return 1;
	}
	if (strcmp(argv[1], "setkey") == 0)
		return setkey(c, argc, argv);
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
