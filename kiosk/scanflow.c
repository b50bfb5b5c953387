/* scanflow: the scan flow's state machine and the helper's line protocol. */
#include <string.h>

#include "scanflow.h"
#include "util.h"

void sf_init(struct scanflow *f)
{
	memset(f, 0, sizeof(*f));
}

void sf_open(struct scanflow *f)
{
	if (f->state != SF_OFF && f->state != SF_DONE)
		return;
	f->state = SF_PLACE;
	f->pages = 0;
	f->progress = 0;
	f->error = SF_ERR_NONE;
	f->printed = false;
	f->images = f->images_failed = false;
}

bool sf_scan(struct scanflow *f)
{
	if (f->state != SF_PLACE || f->pages >= SF_MAX_PAGES)
		return false;
	f->state = SF_SCANNING;
	f->progress = 0;
	return true;
}

void sf_set_gray(struct scanflow *f, bool gray)
{
	if (f->state == SF_PLACE)
		f->gray = gray;
}

bool sf_add_page(struct scanflow *f)
{
	if (f->state != SF_PREVIEW || f->pages >= SF_MAX_PAGES)
		return false;
	f->state = SF_PLACE;
	return true;
}

bool sf_retake(struct scanflow *f)
{
	if (f->state != SF_PREVIEW || f->pages <= 0)
		return false;
	f->pages--;
	f->state = SF_PLACE;
	return true;
}

bool sf_finish(struct scanflow *f)
{
	if (f->state != SF_PREVIEW || f->pages <= 0)
		return false;
	f->state = SF_SAVING;
	f->progress = 0;
	return true;
}

bool sf_print(struct scanflow *f)
{
	if (f->state != SF_DONE || !f->can_print || f->printed)
		return false;
	f->state = SF_PRINTING;
	f->progress = 0;
	return true;
}

bool sf_images(const struct scanflow *f)
{
	return f->state == SF_DONE && f->pages > 0 && !f->images;
}

void sf_images_done(struct scanflow *f, bool ok)
{
	if (f->state != SF_DONE)
		return;
	f->images = ok;
	f->images_failed = !ok;
}

void sf_retry(struct scanflow *f)
{
	if (f->state != SF_ERROR)
		return;
	if (f->error == SF_ERR_PRINT)
		f->state = SF_DONE;
	else
		f->state = f->error == SF_ERR_SAVE && f->pages > 0 ? SF_PREVIEW : SF_PLACE;
	f->error = SF_ERR_NONE;
}

void sf_close(struct scanflow *f)
{
	f->state = SF_OFF;
	f->pages = 0;
	f->progress = 0;
	f->error = SF_ERR_NONE;
	f->printed = false;
	f->images = f->images_failed = false;
}

bool sf_active(const struct scanflow *f)
{
	return f->state != SF_OFF;
}

bool sf_busy(const struct scanflow *f)
{
	return f->state == SF_SCANNING || f->state == SF_SAVING || f->state == SF_PRINTING;
}

static enum sf_event fail(struct scanflow *f, enum sf_error e)
{
	f->error = f->state == SF_SAVING ? SF_ERR_SAVE : f->state == SF_PRINTING ? SF_ERR_PRINT : e;
	f->state = SF_ERROR;
	return SF_EV_FAILED;
}

/* A number 0..MAX written plainly (digits only, no sign, no leading zeros but "0"). */
static bool plain_int(const char *s, size_t n, int max, int *out)
{
	if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
		return false;
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return false;
	*out = (int)v;
	return true;
}

static bool starts(const char *line, size_t len, const char *word, const char **rest, size_t *rn)
{
	size_t w = strlen(word);
	if (len < w || memcmp(line, word, w) != 0)
		return false;
	*rest = line + w;
	*rn = len - w;
	return true;
}

enum sf_event sf_line(struct scanflow *f, const char *line, size_t len)
{
	if (!sf_busy(f) || len > SF_LINE_MAX || memchr(line, '\0', len))
		return SF_EV_NONE;
	const char *r;
	size_t rn;
	int a, b;
	if (starts(line, len, "progress ", &r, &rn)) {
		if (!plain_int(r, rn, 100, &a) || a == f->progress)
			return SF_EV_NONE;
		f->progress = a;
		return SF_EV_PROGRESS;
	}
	if (starts(line, len, "printed ", &r, &rn)) {
		if (f->state != SF_PRINTING || !plain_int(r, rn, 1000000000, &a) || a <= 0)
			return SF_EV_NONE;
		f->printed = true;
		f->state = SF_DONE;
		f->progress = 100;
		return SF_EV_PRINTED;
	}
	if (f->state == SF_PRINTING && starts(line, len, "done ", &r, &rn))
		return SF_EV_NONE; /* not a line of the print */
	if (starts(line, len, "done ", &r, &rn)) {
		const char *sp = memchr(r, ' ', rn);
		if (!sp || !plain_int(r, (size_t)(sp - r), 1000000000, &a) ||
		    !plain_int(sp + 1, rn - (size_t)(sp - r) - 1, 1000000000, &b))
			return SF_EV_NONE;
		if (f->state == SF_SCANNING) {
			if (a <= 0 || b <= 0)
				return fail(f, SF_ERR_SCAN);
			f->pages++;
			f->scanned++;
			f->state = SF_PREVIEW;
			f->progress = 100;
			return SF_EV_PAGE;
		}
		/* The PDF: "done PAGES BYTES", every page of the document in it. */
		if (a != f->pages || b <= 0)
			return fail(f, SF_ERR_SAVE);
		f->documents++;
		f->state = SF_DONE;
		f->progress = 100;
		return SF_EV_SAVED;
	}
	if (starts(line, len, "error ", &r, &rn)) {
		static const struct {
			const char *word;
			enum sf_error e;
		} words[] = {{"missing", SF_ERR_MISSING}, {"denied", SF_ERR_MISSING},
			     {"busy", SF_ERR_BUSY},       {"jammed", SF_ERR_JAMMED},
			     {"nodocs", SF_ERR_NODOCS},   {"cover", SF_ERR_COVER},
			     {"locked", SF_ERR_SCAN},     {"format", SF_ERR_SCAN},
			     {"toolarge", SF_ERR_SCAN},   {"io", SF_ERR_SCAN},
			     {"usage", SF_ERR_SCAN}};
		for (size_t i = 0; i < ARRAY_LEN(words); i++)
			if (rn == strlen(words[i].word) && memcmp(r, words[i].word, rn) == 0)
				return fail(f, words[i].e);
		return fail(f, SF_ERR_SCAN);
	}
	/* "device NAME" and anything else: nothing for the flow. */
	return SF_EV_NONE;
}

enum sf_event sf_exited(struct scanflow *f, bool ok)
{
	(void)ok;
	/* Still waiting: the helper ended without "done" (it crashed, or was killed). */
	if (!sf_busy(f))
		return SF_EV_NONE;
	return fail(f, SF_ERR_SCAN);
}

void sf_save_failed(struct scanflow *f)
{
	if (f->state != SF_DONE)
		return;
	f->documents--;
	f->state = SF_ERROR;
	f->error = SF_ERR_SAVE;
}

const char *sf_state_word(enum sf_state s)
{
	static const char *const w[] = {"off",    "place", "scanning", "preview",
					"saving", "done",  "error",    "printing"};
	return (unsigned)s < ARRAY_LEN(w) ? w[s] : "off";
}

const char *sf_error_word(enum sf_error e)
{
	static const char *const w[] = {"",      "missing", "busy", "jammed", "nodocs",
					"cover", "scan",    "save", "print"};
	return (unsigned)e < ARRAY_LEN(w) ? w[e] : "";
}
