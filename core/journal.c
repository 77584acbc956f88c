/* journal.c: the journal file: checked opening, whole-line locked appends, tolerant reading. */
#include "journal.h"
#include "i18n.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const op_names[JOURNAL_OP_COUNT] = {
    [JOURNAL_OP_CHANNEL_CREATE] = "channel_create", [JOURNAL_OP_PAIR] = "pair",
    [JOURNAL_OP_CONNECT] = "connect",               [JOURNAL_OP_WEBHOOK_SET] = "webhook_set",
    [JOURNAL_OP_LIVE] = "live",                     [JOURNAL_OP_CHANNEL_DELETE] = "channel_delete",
    [JOURNAL_OP_TEARDOWN] = "teardown",             [JOURNAL_OP_TEST_SEND] = "test_send",
};

const char *journal_op_name(journal_op op)
{
    return (unsigned)op < JOURNAL_OP_COUNT ? op_names[op] : NULL;
}

int journal_op_from_name(const char *name)
{
    for (int i = 0; name && i < JOURNAL_OP_COUNT; i++)
        if (!strcmp(op_names[i], name))
            return i;
    return -1;
}

int journal_default_path(char *out, size_t n)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(out, n, "%s/hubdesk/journal.jsonl", xdg);
    else if (home && home[0] == '/')
        w = snprintf(out, n, "%s/.local/state/hubdesk/journal.jsonl", home);
    else
        return -1;
    return w > 0 && (size_t)w < n ? 0 : -1;
}

void journal_entry_set(journal_entry *e, journal_op op, const char *profile, const char *hub,
                       const char *id, int ok, const char *detail)
{
    journal_entry t; /* the strings may be e's own */
    memset(&t, 0, sizeof t);
    t.time = (int64_t)time(NULL);
    t.op = op;
    t.ok = ok ? 1 : 0;
    text_sanitize(profile ? profile : "", t.profile, sizeof t.profile);
    text_sanitize(hub ? hub : "", t.hub, sizeof t.hub);
    text_sanitize(id ? id : "", t.id, sizeof t.id);
    text_sanitize(detail ? detail : "", t.detail, sizeof t.detail);
    *e = t;
}

/* ---- the line ---------------------------------------------------------------------------- */

char *journal_entry_line(const journal_entry *e)
{
    const char *op = journal_op_name(e->op);
    if (!op)
        return NULL;
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "time", (json_int_t)e->time, "profile",
                          e->profile, "hub", e->hub, "op", op, "id", e->id, "result",
                          e->ok ? "ok" : "failed", "detail", e->detail);
    /* ASCII only: a line is readable whatever the terminal, and its bytes are all escapes. */
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    size_t len = s ? strlen(s) : 0;
    char *line = s && len < JOURNAL_LINE_MAX ? malloc(len + 2) : NULL;
    if (line) {
        memcpy(line, s, len);
        line[len] = '\n';
        line[len + 1] = '\0';
    }
    free(s);
    return line;
}

/* A string member that fits `size` and is clean text (valid UTF-8, no control characters). */
static int take_str(const json_t *o, const char *key, char *out, size_t size)
{
    const char *s = json_string_value(json_object_get(o, key));
    size_t n = s ? json_string_length(json_object_get(o, key)) : 0;
    if (!s || n >= size || strlen(s) != n || !text_is_clean(s))
        return -1;
    memcpy(out, s, n + 1);
    return 0;
}

static int entry_from_json(const json_t *o, journal_entry *e)
{
    static const char *const keys[] = {"time", "profile", "hub", "op", "id", "result", "detail"};
    char op[32], result[16];
    const json_t *t = json_object_get(o, "time");
    if (!json_is_object(o) || json_object_size(o) != sizeof keys / sizeof *keys)
        return -1; /* a member we do not know is refused: nothing else may ride along */
    if (!json_is_integer(t) || json_integer_value(t) < 0)
        return -1;
    e->time = (int64_t)json_integer_value(t);
    if (take_str(o, "profile", e->profile, sizeof e->profile) < 0 ||
        take_str(o, "hub", e->hub, sizeof e->hub) < 0 || take_str(o, "op", op, sizeof op) < 0 ||
        take_str(o, "id", e->id, sizeof e->id) < 0 ||
        take_str(o, "result", result, sizeof result) < 0 ||
        take_str(o, "detail", e->detail, sizeof e->detail) < 0)
        return -1;
    int which = journal_op_from_name(op);
    if (which < 0 || (strcmp(result, "ok") && strcmp(result, "failed")))
        return -1;
    e->op = (journal_op)which;
    e->ok = !strcmp(result, "ok");
    return 0;
}

int journal_parse_line(const char *line, size_t n, journal_entry *e)
{
    memset(e, 0, sizeof *e);
    if (n == 0 || n > JOURNAL_LINE_MAX || memchr(line, '\0', n))
        return -1;
    json_t *o = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
    int rc = o ? entry_from_json(o, e) : -1;
    json_decref(o);
    return rc;
}

/* ---- who may have written it ----------------------------------------------------------- */

/* As for profiles.json: whoever can write the journal, or replace it in its directory, can
   make the history say what never happened. Both must be ours and closed to other writers. */
static int others_can_write(const struct stat *st)
{
    return st->st_uid != geteuid() || (st->st_mode & (S_IWGRP | S_IWOTH));
}

static int refuse(const char *what, const struct stat *st, const char *mode, char *err,
                  size_t errsz)
{
    snprintf(err, errsz, _("%s can be changed by another user (owner uid %lu, mode %03o): "
                           "hubdesk will not use its journal there. Make it yours with mode %s"),
             what, (unsigned long)st->st_uid, (unsigned)(st->st_mode & 07777), mode);
    return -1;
}

static int check_dir(const char *path, char *err, size_t errsz)
{
    char buf[1024];
    struct stat st;
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errsz, _("the path %s is too long"), path);
        return -1;
    }
    const char *dir = dirname(buf);
    if (stat(dir, &st) != 0 || !others_can_write(&st))
        return 0; /* not there yet: we create it 0700 */
    return refuse(dir, &st, "700", err, errsz);
}

static int check_file(int fd, const char *path, char *err, size_t errsz)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsz, _("%s is not a regular file; move it away, hubdesk keeps its "
                               "journal in a plain file there"), path);
        return -1;
    }
    return others_can_write(&st) ? refuse(path, &st, "600", err, errsz) : 0;
}

/* ---- appending --------------------------------------------------------------------------- */

static int make_dirs(const char *path)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    char *dir = dirname(buf);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* flock on the journal itself (it is never replaced, so the lock is on the one file every
   writer appends to), polled so that a stuck process costs an error, not a hang. */
static int lock_file(int fd)
{
    struct timespec ts = {0, 5 * 1000000L};
    for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 5) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= JOURNAL_LOCK_TIMEOUT_MS)
            return -1;
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* 1 when the file's last byte is not '\n' (a writer killed mid-line left it): our line must
   start on a line of its own. */
static int ends_mid_line(int fd, off_t size)
{
    char c = '\n';
    return size > 0 && pread(fd, &c, 1, size - 1) == 1 && c != '\n';
}

/* The line in one write() (so that it is whole or absent); a short write is cut off. */
static int write_line(int fd, const char *line, char *err, size_t errsz, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    size_t len = strlen(line);
    const char *out = line;
    char *joined = NULL;
    if (ends_mid_line(fd, st.st_size) && (joined = malloc(len + 2))) {
        joined[0] = '\n';
        memcpy(joined + 1, line, len + 1);
        out = joined;
        len++;
    }
    ssize_t w;
    while ((w = write(fd, out, len)) < 0 && errno == EINTR)
        ;
    int e = w < 0 ? errno : ENOSPC;
    free(joined);
    if (w == (ssize_t)len)
        return 0;
    if (w > 0 && ftruncate(fd, st.st_size) != 0) /* under the lock: nobody wrote after us */
        e = errno;
    if (e == ENOSPC || e == EDQUOT)
        snprintf(err, errsz, _("cannot write %s: disk full (no space left on the device, or your "
                               "disk quota is used up)"), path);
    else
        snprintf(err, errsz, _("cannot write %s: %s"), path, strerror(e));
    return -1;
}

int journal_append(const char *path, const journal_entry *e, char *err, size_t errsz)
{
    char *line = journal_entry_line(e);
    int rc = -1;
    if (!line) {
        snprintf(err, errsz, "%s", _("out of memory"));
        return -1;
    }
    if (check_dir(path, err, errsz) < 0) {
        free(line);
        return -1;
    }
    if (make_dirs(path) < 0) {
        snprintf(err, errsz, _("cannot create the directory of %s: %s"), path, strerror(errno));
        free(line);
        return -1;
    }
    /* O_RDWR: the last byte is read back (ends_mid_line), and a FIFO opens to be refused */
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0)
        snprintf(err, errsz, _("cannot write %s: %s"), path, strerror(errno));
    else if (check_file(fd, path, err, errsz) == 0) {
        if (lock_file(fd) < 0)
            snprintf(err, errsz, _("another hubdesk process is writing %s; try again"), path);
        else
            rc = write_line(fd, line, err, errsz, path);
    }
    if (fd >= 0)
        close(fd); /* releases the lock */
    free(line);
    return rc;
}

int journal_record(const journal_entry *e, char *err, size_t errsz)
{
    char path[1024];
    if (journal_default_path(path, sizeof path) < 0) {
        snprintf(err, errsz, "%s", _("no place for the journal: set HOME or XDG_STATE_HOME"));
        return -1;
    }
    return journal_append(path, e, err, errsz);
}

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct reader {
    char line[JOURNAL_LINE_MAX + 1];
    size_t len;
    int overlong; /* the line passed JOURNAL_LINE_MAX: skipped to its '\n' */
    journal_entry_fn fn;
    void *arg;
    size_t damaged;
    int stopped;
} reader;

static void end_line(reader *r)
{
    journal_entry e;
    if (r->overlong || journal_parse_line(r->line, r->len, &e) < 0)
        r->damaged++;
    else if (!r->stopped && r->fn(&e, r->arg))
        r->stopped = 1;
    r->len = 0;
    r->overlong = 0;
}

static void feed(reader *r, const char *buf, size_t n)
{
    for (size_t i = 0; i < n && !r->stopped; i++) {
        if (buf[i] == '\n')
            end_line(r);
        else if (r->len < JOURNAL_LINE_MAX)
            r->line[r->len++] = buf[i];
        else
            r->overlong = 1;
    }
}

int journal_read(const char *path, journal_entry_fn fn, void *arg, size_t *damaged, char *err,
                 size_t errsz)
{
    char buf[65536];
    *damaged = 0;
    if (check_dir(path, err, errsz) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0) {
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(errno));
        return -1;
    }
    if (check_file(fd, path, err, errsz) < 0) {
        close(fd);
        return -1;
    }
    reader *r = calloc(1, sizeof *r);
    ssize_t got = 0;
    if (r) {
        r->fn = fn;
        r->arg = arg;
        while (!r->stopped &&
               ((got = read(fd, buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR)))
            if (got > 0)
                feed(r, buf, (size_t)got);
        if (!r->stopped && (r->len || r->overlong))
            r->damaged++; /* no '\n': a writer stopped mid-line */
        *damaged = r->damaged;
    }
    int e = !r ? ENOMEM : got < 0 ? errno : 0;
    free(r);
    close(fd);
    if (e)
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(e));
    return e ? -1 : 0;
}
