/* test: a minimal check macro for the unit tests (TAP-like output). */
#ifndef ESCALE_TEST_H
#define ESCALE_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int test_failures;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failures++;                                                         \
		}                                                                                \
	} while (0)

#define TEST_DONE() (test_failures ? (fprintf(stderr, "%d failed\n", test_failures), 1) : 0)

#endif
