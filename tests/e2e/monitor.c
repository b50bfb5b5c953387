/* monitor: declares a RandR 1.5 monitor on $DISPLAY's root window, so that an Xvfb of one
 * output shows as several monitors to the kiosk (end-to-end tests of the cover).
 *
 *   escale-monitor NAME X Y WIDTH HEIGHT [primary]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/randr.h>
#include <sys/uio.h>
#include <xcb/xcb.h>
#include <xcb/xcbext.h>

int main(int argc, char **argv)
{
	if (argc != 6 && !(argc == 7 && strcmp(argv[6], "primary") == 0)) {
		fprintf(stderr, "usage: escale-monitor NAME X Y WIDTH HEIGHT [primary]\n");
		return 2;
	}
	int scr;
	xcb_connection_t *c = xcb_connect(NULL, &scr);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "escale-monitor: cannot connect to the X display\n");
		return 1;
	}
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(c));
	for (; scr > 0 && it.rem; scr--)
		xcb_screen_next(&it);
	free(xcb_randr_query_version_reply(c, xcb_randr_query_version(c, 1, 5), NULL));
	xcb_intern_atom_reply_t *a = xcb_intern_atom_reply(
		c, xcb_intern_atom(c, 0, (uint16_t)strlen(argv[1]), argv[1]), NULL);
	if (!a)
		return 1;
	xcb_randr_monitor_info_t m = {
		.name = a->atom,
		.primary = argc == 7,
		.automatic = 0,
		.nOutput = 0,
		.x = (int16_t)atoi(argv[2]),
		.y = (int16_t)atoi(argv[3]),
		.width = (uint16_t)atoi(argv[4]),
		.height = (uint16_t)atoi(argv[5]),
		.width_in_millimeters = 340,
		.height_in_millimeters = 210,
	};
	free(a);
	/* libxcb's xcb_randr_set_monitor miscounts the request's length (it asserts): the same
	 * request, sent as its generated code would with the right length. */
	xcb_randr_set_monitor_request_t req = {.window = it.data->root};
	struct iovec parts[4];
	parts[2].iov_base = &req;
	parts[2].iov_len = sizeof(req);
	parts[3].iov_base = &m;
	parts[3].iov_len = sizeof(m);
	xcb_protocol_request_t pr = {
		.count = 2, .ext = &xcb_randr_id, .opcode = XCB_RANDR_SET_MONITOR, .isvoid = 1};
	xcb_void_cookie_t ck = {xcb_send_request(c, XCB_REQUEST_CHECKED, parts + 2, &pr)};
	xcb_generic_error_t *e = xcb_request_check(c, ck);
	if (e) {
		fprintf(stderr, "escale-monitor: SetMonitor failed (X error %d)\n", e->error_code);
		return 1;
	}
	xcb_disconnect(c);
	return 0;
}
