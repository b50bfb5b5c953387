/* fuzz_wire: the parse of the messages between escale-kiosk and its network helper, in both
 * directions. What it accepts must emit again and parse back to the same message. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > WIRE_IPC_BIG)
		return 0; /* ipc_recv drops these before parsing */
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return 0;
	for (int dir = WIRE_TO_NET; dir <= WIRE_TO_KIOSK; dir++) {
		struct wire_msg m, back;
		char err[160];
		if (!wire_msg_decode(j, (enum wire_dir)dir, &m, err, sizeof(err)))
			continue;
		json_t *again = wire_msg_encode(&m);
		if (!again)
			abort();
		if (!wire_msg_decode(again, (enum wire_dir)dir, &back, err, sizeof(err)))
			abort();
		/* A services list is compared by value, the rest byte for byte. */
		if (!m.services != !back.services ||
		    (m.services && !svc_list_equal(m.services, back.services)))
			abort();
		struct svc_list *a = m.services, *b = back.services;
		m.services = back.services = NULL;
		if (memcmp(&m, &back, sizeof(m)) != 0)
			abort();
		m.services = a;
		back.services = b;
		wire_msg_clear(&m);
		wire_msg_clear(&back);
		json_decref(again);
	}
	json_decref(j);
	return 0;
}
