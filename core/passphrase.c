/* passphrase.c: passphrases from an fd, a file or the terminal; never from argv. */
#include "passphrase.h"
#include "i18n.h"
#include "secret.h"
#include "termguard.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096

/* Reads one line byte by byte (never past it: the fd may carry more). Guarded memory. */
static char *read_line(int fd, char *err, size_t errsz)
{
    size_t len = 0;
    if (sodium_init() < 0)
        return NULL;
    char *big = sodium_malloc(LINE_MAX_BYTES + 1);
    if (!big)
        return NULL;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) { /* not "empty": say what went wrong */
            snprintf(err, errsz, _("cannot read the passphrase: %s"), strerror(errno));
            sodium_free(big);
            return NULL;
        }
        if (n == 0 || c == '\n')
            break;
        if (len == LINE_MAX_BYTES) {
            snprintf(err, errsz, "%s", _("the passphrase is longer than 4096 bytes"));
            sodium_free(big);
            return NULL;
        }
        big[len++] = c;
    }
    if (len && big[len - 1] == '\r')
        len--;
    big[len] = '\0';
    char *line = secret_dup(big); /* right-sized, still guarded */
    sodium_free(big);
    return line;
}

/* Asks once on the terminal with echo off; any signal that ends the process (Ctrl-C, Ctrl-\,
   kill, a crash: termguard) still leaves the terminal as it was. */
static char *ask_tty(const char *prompt, char *err, size_t errsz)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "%s", _("no terminal to ask for the passphrase; use --passphrase-fd N "
                                     "or HUBDESK_PASSPHRASE_FILE"));
        return NULL;
    }
    struct termios t, saved_tty;
    int have_tty = tcgetattr(fd, &saved_tty) == 0;
    /* not armed if a guard already is: then that one restores the terminal */
    int guarded =
        have_tty && termguard_arm(fd, &saved_tty, NULL, 0, TERMGUARD_FATAL | TERMGUARD_QUIT) == 0;
    if (have_tty) {
        t = saved_tty;
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        t.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &t);
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        /* the prompt is a courtesy; reading still works */
    }
    char *line = read_line(fd, err, errsz);
    if (have_tty)
        tcsetattr(fd, TCSAFLUSH, &saved_tty);
    if (guarded)
        termguard_disarm();
    if (write(fd, "\n", 1) < 0) {
        /* see above */
    }
    close(fd);
    return line;
}

/*
 * A passphrase file others can read has leaked already: refusing it now would not take the
 * passphrase back, and secrets mounted by containers are often 0444. So a warning (in warn,
 * "" if none) with the fix; `path` is the file's name, or NULL for an fd without one.
 */
static void warn_if_readable(const struct stat *st, const char *path, int fd, char *warn,
                             size_t warnsz)
{
    if (!S_ISREG(st->st_mode) || !(st->st_mode & (S_IRGRP | S_IROTH)))
        return;
    if (path)
        snprintf(warn, warnsz, _("warning: other users can read the passphrase file %s (mode "
                                 "%03o); fix it with: chmod 600 %s"),
                 path, (unsigned)(st->st_mode & 0777), path);
    else
        snprintf(warn, warnsz, _("warning: other users can read the passphrase file on file "
                                 "descriptor %d (mode %03o); make it mode 600"),
                 fd, (unsigned)(st->st_mode & 0777));
}

/* The passphrase from an open descriptor; a closed one or a directory is said as such. */
static char *from_fd(int fd, char *err, size_t errsz, char *warn, size_t warnsz)
{
    struct stat st;
    char link[64], path[1024];
    if (fstat(fd, &st) != 0) {
        snprintf(err, errsz, _("cannot read the passphrase: file descriptor %d is not open (give it "
                               "one, e.g. %d<FILE)"), fd, fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, _("cannot read the passphrase: file descriptor %d is a directory"), fd);
        return NULL;
    }
    if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY) {
        snprintf(err, errsz, _("cannot read the passphrase: file descriptor %d is open for "
                               "writing only (use %d<FILE, not %d>FILE)"), fd, fd, fd);
        return NULL;
    }
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n > 0 && path[0] == '/')
        path[n] = '\0';
    warn_if_readable(&st, n > 0 && path[0] == '/' ? path : NULL, fd, warn, warnsz);
    return read_line(fd, err, errsz);
}

static char *from_file(const char *path, char *err, size_t errsz, char *warn, size_t warnsz)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, _("cannot read the passphrase file named by HUBDESK_PASSPHRASE_FILE: %s"),
                 strerror(errno));
        return NULL;
    }
    char *line = NULL;
    int known = fstat(fd, &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, _("cannot read the passphrase: HUBDESK_PASSPHRASE_FILE names a "
                               "directory (%s)"), path);
    } else {
        if (known)
            warn_if_readable(&st, path, fd, warn, warnsz);
        line = read_line(fd, err, errsz);
    }
    close(fd);
    return line;
}

char *passphrase_read(int fd, const char *prompt, int confirm, char *err, size_t errsz)
{
    const char *file = getenv("HUBDESK_PASSPHRASE_FILE");
    char *pass, warn[1200] = "";
    err[0] = '\0';
    if (fd >= 0)
        pass = from_fd(fd, err, errsz, warn, sizeof warn);
    else if (file && *file)
        pass = from_file(file, err, errsz, warn, sizeof warn);
    else
        pass = ask_tty(prompt, err, errsz);
    if (pass && !*pass) {
        snprintf(err, errsz, "%s", _("the passphrase is empty"));
        secret_free(pass);
        return NULL;
    }
    if (pass && confirm && fd < 0 && !(file && *file)) {
        char *again = ask_tty(_("Type it again: "), err, errsz);
        int same = again && strcmp(again, pass) == 0;
        secret_free(again);
        if (!same) {
            snprintf(err, errsz, "%s", _("the two passphrases differ; nothing was changed"));
            secret_free(pass);
            return NULL;
        }
    }
    if (!pass && !err[0])
        snprintf(err, errsz, "%s", _("could not read the passphrase"));
    if (pass)
        snprintf(err, errsz, "%s", warn);
    return pass;
}

char *secret_read_stdin(const char *prompt, char *err, size_t errsz)
{
    return secret_read_stdin_line(prompt, 0, err, errsz);
}

char *secret_read_stdin_line(const char *prompt, int allow_empty, char *err, size_t errsz)
{
    err[0] = '\0';
    char *s = isatty(STDIN_FILENO) ? ask_tty(prompt, err, errsz) : read_line(STDIN_FILENO, err, errsz);
    if (s && !*s && !allow_empty) {
        snprintf(err, errsz, "%s", _("the secret is empty (it is read from standard input)"));
        secret_free(s);
        return NULL;
    }
    if (!s && !err[0])
        snprintf(err, errsz, "%s", _("could not read the secret from standard input"));
    return s;
}

int passphrase_fd_parse(const char *s)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || !*s || *end || v < 0 || v > 65535)
        return -1;
    return (int)v;
}
