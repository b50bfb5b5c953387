/* test_helpreq: the resident's call for help, and what the bar says of it. */
#include <string.h>

#include "../unit/test.h"
#include "helpreq.h"
#include "view.h"

static void presses_and_desk(void)
{
	struct helpreq h = {0};
	/* The desk cannot answer a call nobody made. */
	CHECK(!helpreq_desk(&h, WIRE_CMD_HELP_COMING) && h.state == WIRE_HELP_NONE);
	CHECK(helpreq_press(&h, 1000) == WIRE_HELP_ASKED && h.at_ms == 1000);
	CHECK(helpreq_desk(&h, WIRE_CMD_HELP_COMING) && h.state == WIRE_HELP_COMING);
	CHECK(!helpreq_desk(&h, WIRE_CMD_HELP_COMING)); /* said twice: no change */
	CHECK(h.at_ms == 1000);
	/* Pressed again: cancelled, whether answered or not. */
	CHECK(helpreq_press(&h, 2000) == WIRE_HELP_NONE && h.at_ms == 0);
	/* "Coming" for a call already cancelled changes nothing. */
	CHECK(!helpreq_desk(&h, WIRE_CMD_HELP_COMING) && h.state == WIRE_HELP_NONE);
	CHECK(helpreq_press(&h, 3000) == WIRE_HELP_ASKED && h.at_ms == 3000);
	CHECK(helpreq_press(&h, 3500) == WIRE_HELP_NONE);
	/* The desk closes it. */
	helpreq_press(&h, 4000);
	CHECK(helpreq_desk(&h, WIRE_CMD_HELP_CLEAR) && h.state == WIRE_HELP_NONE);
	CHECK(!helpreq_desk(&h, WIRE_CMD_HELP_CLEAR));
	/* Other commands are not the call's. */
	helpreq_press(&h, 5000);
	CHECK(!helpreq_desk(&h, WIRE_CMD_MESSAGE) && h.state == WIRE_HELP_ASKED);
	/* The session ends. */
	CHECK(helpreq_reset(&h) && h.state == WIRE_HELP_NONE && !helpreq_reset(&h));
	/* A clock at 0 still makes a call that can be told apart from none. */
	CHECK(helpreq_press(&h, 0) == WIRE_HELP_ASKED && h.at_ms > 0);
}

static void banner(void)
{
	struct sm m;
	struct sm_params p = {.idle_ms = 300000};
	struct sm_clock c = {.mono_ms = 1000, .open = true, .to_close_s = INT64_MAX};
	sm_init(&m, &p, &c);
	struct view_in in = {.sm = &m, .clock = &c, .help = WIRE_HELP_ASKED};
	struct ui_view v;
	char b[256];
	/* On the welcome screen the call shows in its message line, not in a banner; closed,
	 * not at all. */
	m.state = SM_LOGIN;
	view_build(&in, &v, b, sizeof(b));
	CHECK(v.help == WIRE_HELP_ASKED && !v.banner);
	m.state = SM_CLOSED;
	view_build(&in, &v, b, sizeof(b));
	CHECK(v.help == WIRE_HELP_NONE && !v.banner);
	m.state = SM_SESSION;
	view_build(&in, &v, b, sizeof(b));
	CHECK(v.help == WIRE_HELP_ASKED && v.banner && v.banner_help && v.banner_calm);
	CHECK(v.banner && strcmp(v.banner, "Demande envoyée : quelqu'un va venir") == 0);
	in.help = WIRE_HELP_COMING;
	view_build(&in, &v, b, sizeof(b));
	CHECK(v.banner && strcmp(v.banner, "Quelqu'un arrive") == 0);
	/* A warning says more: it shows, the call stays on the button. */
	m.banner = SM_BANNER_TIME;
	m.banner_minutes = 5;
	view_build(&in, &v, b, sizeof(b));
	CHECK(v.banner && strstr(v.banner, "5") && !v.banner_help && v.help == WIRE_HELP_COMING);
}

int main(void)
{
	presses_and_desk();
	banner();
	return TEST_DONE();
}
