/* kfile: the files the kiosk writes for its browser (the policy, the print client's
 * configuration): in a 0755 directory that is not a symlink, 0644, replaced atomically
 * (readers never see half a file). */
#ifndef ESCALE_KFILE_H
#define ESCALE_KFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Creates DIR (0755) if missing; false when it is not a directory (a symlink, a file). */
bool kfile_dir(const char *dir);
/* Writes TEXT to DIR/NAME through a temporary file renamed over it. */
bool kfile_put(const char *dir, const char *name, const char *text);
/* Writes the N bytes at P to FD, again after a short write or EINTR; false on an error. */
bool kfile_write_all(int fd, const void *p, size_t n);
/* Closes *FD (and sets it to -1), out of the epoll EP first (-1: none): a forked child may
 * hold a copy of it, which would keep a closed fd's registration alive. */
void kfile_close_watched(int ep, int *fd);

#endif
