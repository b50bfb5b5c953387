/* pagecount_bench: how long escale-admind's page count (libqpdf) takes on a document.
 * Usage: pagecount_bench FILE [RUNS]; prints the pages and the median, min and max time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pagecount.h"
#include "pdfread.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pagecount_bench FILE [RUNS]\n");
		return 2;
	}
	int runs = argc == 3 ? atoi(argv[2]) : 21;
	if (runs < 1 || runs > 10000)
		runs = 21;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	rewind(f);
	char *data = malloc(len > 0 ? (size_t)len : 1);
	if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", argv[1]);
		return 1;
	}
	fclose(f);
	double *ms = calloc((size_t)runs, sizeof(double));
	int64_t pages = -1;
	char err[256] = "";
	for (int i = 0; i < runs; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		pages = pdfread_pages(data, (size_t)len, err, sizeof(err));
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(ms, (size_t)runs, sizeof(double), cmp);
	printf("%s: %ld bytes, %lld pages%s%s; %d runs: median %.2f ms, min %.2f, max %.2f\n",
	       argv[1], len, (long long)pages, pages < 0 ? ": " : "", pages < 0 ? err : "", runs,
	       ms[runs / 2], ms[0], ms[runs - 1]);
	free(ms);
	free(data);
	return pages < 0;
}
