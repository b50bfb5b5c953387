/* scanflow: the kiosk's "Numériser un document" flow, pure (no I/O): place the page, scan
 * it (the helper escale-kiosk-scan reports progress lines), preview, then add a page,
 * scan it again or finish (one PDF in the session's Documents). The kiosk runs the helper
 * and feeds its lines here; the view shows the state. */
#ifndef ESCALE_SCANFLOW_H
#define ESCALE_SCANFLOW_H

#include <stdbool.h>
#include <stddef.h>

#define SF_MAX_PAGES 20
/* The helper's longest line ("device NAME" with a 255-byte name and some room). */
#define SF_LINE_MAX 300

enum sf_state {
	SF_OFF,      /* no flow: the session as usual */
	SF_PLACE,    /* "Posez la page": Numériser, colour or grey, Annuler */
	SF_SCANNING, /* the helper scans a page: progress */
	SF_PREVIEW,  /* the page scanned: Ajouter une page, Recommencer, Terminer */
	SF_SAVING,   /* the helper makes the PDF */
	SF_DONE,     /* "Enregistré dans Documents : document-1.pdf": OK, Imprimer */
	SF_ERROR,    /* the scanner is missing, busy, jammed...: Réessayer, Fermer */
	SF_PRINTING, /* the helper sends the document to the centre's print queue */
};

enum sf_error {
	SF_ERR_NONE,
	SF_ERR_MISSING, /* no scanner, or not the one configured */
	SF_ERR_BUSY,
	SF_ERR_JAMMED,
	SF_ERR_NODOCS, /* an empty document feeder */
	SF_ERR_COVER,  /* the cover is open */
	SF_ERR_SCAN,   /* anything else of the scanner */
	SF_ERR_SAVE,   /* the PDF could not be made or written */
	SF_ERR_PRINT,  /* the print queue did not take the document */
};

/* What a helper line or its end did. */
enum sf_event {
	SF_EV_NONE,     /* nothing to do (ignored or unchanged) */
	SF_EV_PROGRESS, /* the progress changed: redraw */
	SF_EV_PAGE,     /* a page is scanned: show its preview */
	SF_EV_SAVED,    /* the PDF is made: move it into Documents */
	SF_EV_FAILED,   /* an error: show it */
	SF_EV_PRINTED,  /* the print queue took the document (admind counts and releases it) */
};

struct scanflow {
	enum sf_state state;
	bool gray;    /* grey rather than colour */
	int pages;    /* pages scanned and kept in this document */
	int progress; /* 0..100 of the page being scanned or the PDF being made */
	enum sf_error error;
	int scanned;        /* pages scanned in this session, kept or not (usage counts) */
	int documents;      /* documents saved in this session */
	bool can_print;     /* the kiosk has a print queue (print.server): "Imprimer" on DONE */
	bool printed;       /* this document went to the print queue */
	bool images;        /* this document's pages are also in Documents as JPEG images */
	bool images_failed; /* ... and that could not be done */
};

/* A fresh flow for a session. */
void sf_init(struct scanflow *f);
/* The bar's button: opens the flow (a new document) unless one is under way. */
void sf_open(struct scanflow *f);
/* "Numériser" (PLACE): true when the kiosk must start the helper for page f->pages + 1. */
bool sf_scan(struct scanflow *f);
/* "Couleur" / "Gris" (PLACE only). */
void sf_set_gray(struct scanflow *f, bool gray);
/* "Ajouter une page" (PREVIEW): back to PLACE; false when the document is full. */
bool sf_add_page(struct scanflow *f);
/* "Recommencer" (PREVIEW): the last page is dropped (the kiosk deletes its files), PLACE. */
bool sf_retake(struct scanflow *f);
/* "Terminer" (PREVIEW): true when the kiosk must start the helper's PDF of f->pages. */
bool sf_finish(struct scanflow *f);
/* "Imprimer" (DONE, can_print, not yet printed): true when the kiosk must start the
 * helper's print of the saved document. */
bool sf_print(struct scanflow *f);
/* "Aussi en images" (DONE, not yet done): true when the kiosk must copy the pages as JPEG
 * images beside the PDF (some sites take images only); then sf_images_done. */
bool sf_images(const struct scanflow *f);
void sf_images_done(struct scanflow *f, bool ok);
/* "Réessayer" (ERROR): back to PLACE (the pages already scanned are kept) or, when the
 * PDF failed, back to PREVIEW; when printing failed, back to DONE. */
void sf_retry(struct scanflow *f);
/* "Fermer", "Annuler", "OK": the flow ends (the kiosk stops the helper and clears its
 * pages); the session goes on. */
void sf_close(struct scanflow *f);

/* One line of the helper's stdout (without its newline; LEN bytes, not NUL-terminated):
 * "progress N", "done W H" (a page), "done PAGES BYTES" (the PDF), "printed JOB" (the
 * print queue's job number), "error WORD". A
 * line that is too long, not a known one or out of place changes nothing. */
enum sf_event sf_line(struct scanflow *f, const char *line, size_t len);
/* The helper exited with status OK (true: 0) after its lines: a helper that ends before
 * "done" while the flow waits is an error. */
enum sf_event sf_exited(struct scanflow *f, bool ok);

/* The PDF made (SF_EV_SAVED) could not be put into Documents: not a document saved, the
 * error SAVE ("Réessayer" goes back to the preview). */
void sf_save_failed(struct scanflow *f);

/* Whether the flow covers the screen (any state but OFF). */
bool sf_active(const struct scanflow *f);
/* Whether the flow waits on the helper. */
bool sf_busy(const struct scanflow *f);

/* The --status word of the state ("off", "place", "scanning", "preview", "saving", "done",
 * "error", "printing") and of the error ("", "missing", "busy", "jammed", "nodocs", "cover",
 * "scan", "save", "print"). */
const char *sf_state_word(enum sf_state s);
const char *sf_error_word(enum sf_error e);

#endif
