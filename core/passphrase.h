/* passphrase.h: reading passphrases and secret values without argv and without echo. */
#ifndef HD_PASSPHRASE_H
#define HD_PASSPHRASE_H

#include <stddef.h>

/*
 * Where a passphrase comes from, in order: the file descriptor `fd` (>= 0, from
 * --passphrase-fd), the file named by HUBDESK_PASSPHRASE_FILE, else the terminal (/dev/tty)
 * without echo, after `prompt`; with `confirm` the terminal asks twice. Returns the first
 * line (no line break) in guarded memory (secret_free), or NULL with a sentence in err (a
 * closed descriptor or a directory is said as such). On success err is "" or a warning to
 * show: the passphrase came from a file that group or others can read (with its chmod).
 */
char *passphrase_read(int fd, const char *prompt, int confirm, char *err, size_t errsz);

/*
 * A secret value from stdin: its first line when stdin is not a terminal, else typed at the
 * terminal without echo after `prompt`. Guarded memory, or NULL with err.
 */
char *secret_read_stdin(const char *prompt, char *err, size_t errsz);
/* The same, one line at a time (several secrets on consecutive lines); with allow_empty an
   empty line, or the end of the input, gives "" instead of an error. */
char *secret_read_stdin_line(const char *prompt, int allow_empty, char *err, size_t errsz);

/* Parses "N" of --passphrase-fd N: a non-negative fd number, else -1. */
int passphrase_fd_parse(const char *s);

#endif
