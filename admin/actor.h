/* actor: who asks admind for something (a staff user or a kiosk's bearer, with a role),
 * what the HTTP layer, the API and the store's audit log share. */
#ifndef ESCALE_ACTOR_H
#define ESCALE_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

/* A mediator runs accompanied sessions on the kiosks (docs/API.md): it may only sign in,
 * issue its own one-time accompany codes and change its password. */
enum role {
	ROLE_NONE = 0,
	ROLE_SECRETARIAT = 1,
	ROLE_MAINTENANCE = 2,
	ROLE_ADMIN = 4,
	ROLE_MEDIATOR = 8
};

bool role_parse(const char *s, enum role *out);
const char *role_name(enum role r);

/* Names (users, kiosks, sites) are at most 64 characters: 256 bytes of UTF-8. */
#define NAME_MAX_BYTES (64 * 4)

/* The sites a staff account may be limited to, at most. */
#define STORE_USER_MAX_SITES 16

/* The sites of a staff account: none (N 0) is every site. */
struct site_list {
	int n;
	char v[STORE_USER_MAX_SITES][NAME_MAX_BYTES + 1];
};

/* Who asks: a staff user (for the audit log), and the sites it may see and act on. */
struct store_actor {
	int64_t user_id;
	char name[NAME_MAX_BYTES + 1];
	enum role role;
	struct site_list sites;
};

/* May WHO see and act on SITE? Always for an account of every site; for a limited one,
 * only its sites ("" - no site - is none of them). */
bool actor_site_ok(const struct store_actor *who, const char *site);

/* A staff member's signed-in web session, as the request carries it. */
#define STORE_CSRF_LEN 48 /* hex characters */
struct web_session {
	int64_t id;
	char csrf[STORE_CSRF_LEN + 1];
	int64_t expires_at;
};

#endif
