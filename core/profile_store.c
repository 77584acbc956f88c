/* profile_store.c: profiles.json on disk: checked reading, one locked read-modify-write. */
#include "profile.h"
#include "filelock.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- who may have written it ----------------------------------------------------------- */

/*
 * The file says where each vault token is sent: whoever can write it, or replace it in its
 * directory, collects tokens. So both must belong to us (the effective uid, as for the vault:
 * when root runs hubdesk, a file of another user is that user's to change) and be closed to
 * writers in the group and others. Reading by others is fine: there is no secret in it.
 */
static int others_can_write(const struct stat *st)
{
    return st->st_uid != geteuid() || (st->st_mode & (S_IWGRP | S_IWOTH));
}

/* Our user name for a chown command (the uid when it has none). */
static void user_name(char *out, size_t n)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name && *pw->pw_name)
        snprintf(out, n, "%s", pw->pw_name);
    else
        snprintf(out, n, "%lu", (unsigned long)geteuid());
}

/* The exact command that makes path ours and closed to writers ("chown ... && chmod ..."). */
static void fix_command(const struct stat *st, const char *path, const char *mode, char *out,
                        size_t n)
{
    char user[64];
    int used = 0;
    out[0] = '\0';
    if (st->st_uid != geteuid()) {
        user_name(user, sizeof user);
        used = snprintf(out, n, "chown %s %s", user, path);
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) && used >= 0 && (size_t)used < n)
        used += snprintf(out + used, n - (size_t)used, "%schmod %s %s", used ? " && " : "", mode,
                         path);
    /* `sudo hubdesk` with the user's HOME: the user's own files, better used as that user */
    if (st->st_uid != geteuid() && used >= 0 && (size_t)used < n)
        snprintf(out + used, n - (size_t)used, _(" (or run hubdesk as uid %lu, who owns it)"),
                 (unsigned long)st->st_uid);
}

/* -1 with the fix in err when another user could write the file st describes; else 0. */
static int check_file(const struct stat *st, const char *path, char *err, size_t errsz)
{
    char fix[2200];
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errsz, _("%s is not a regular file; move it away, hubdesk keeps its "
                               "profiles in a plain file there"), path);
        return -1;
    }
    if (!others_can_write(st))
        return 0;
    fix_command(st, path, "600", fix, sizeof fix);
    snprintf(err, errsz, _("%s can be changed by another user (owner uid %lu, mode %03o), and it "
                           "decides where your hub tokens are sent: hubdesk will not use it. Fix "
                           "it with: %s"),
             path, (unsigned long)st->st_uid, (unsigned)(st->st_mode & 07777), fix);
    return -1;
}

/* -1 with the fix in err when another user could replace files in path's directory. */
static int check_dir(const char *path, char *err, size_t errsz)
{
    char buf[1024], fix[2200];
    struct stat st;
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errsz, _("the path %s is too long"), path);
        return -1;
    }
    const char *dir = dirname(buf);
    if (stat(dir, &st) != 0)
        return 0; /* not there yet: nothing in it to trust, and we create it 0700 */
    if (!others_can_write(&st))
        return 0;
    fix_command(&st, dir, "700", fix, sizeof fix);
    snprintf(err, errsz, _("the directory %s can be changed by another user (owner uid %lu, mode "
                           "%03o), who could replace the profiles in it: hubdesk will not use "
                           "them. Fix it with: %s"),
             dir, (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777), fix);
    return -1;
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Up to PROFILE_FILE_MAX + 1 bytes of fd (one more than allowed: enough to refuse it). */
static char *read_bounded(int fd, size_t *len)
{
    char *buf = malloc(PROFILE_FILE_MAX + 1);
    size_t got = 0;
    while (buf && got < PROFILE_FILE_MAX + 1) {
        ssize_t r = read(fd, buf + got, PROFILE_FILE_MAX + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    *len = got;
    return buf;
}

int profile_load(const char *path, profile_list *out, char *err, size_t errsz)
{
    struct stat st;
    size_t len = 0;
    out->items = NULL;
    out->n = 0;
    if (check_dir(path, err, errsz) < 0)
        return -1;
    /* Links are followed (dotfile managers link config files); what is read is what fstat
       checked. O_NONBLOCK: a FIFO planted there must not hang us before it is refused. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    if (fstat(fd, &st) != 0)
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(errno));
    else if (check_file(&st, path, err, errsz) == 0 && !(text = read_bounded(fd, &len)))
        snprintf(err, errsz, _("cannot read %s: %s"), path, strerror(errno));
    close(fd);
    int rc = text ? profile_parse(text, len, path, out, err, errsz) : -1;
    free(text);
    return rc;
}

/* ---- writing ----------------------------------------------------------------------------- */

/* Creates the directory of path (0700) and each missing parent. */
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

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* "cannot write PATH: why", with a full disk or quota said in words. */
static void write_error(const char *path, int e, char *err, size_t errsz)
{
    if (e == ENOSPC || e == EDQUOT)
        snprintf(err, errsz, _("cannot write %s: disk full (no space left on the device, or your "
                               "disk quota is used up); it was not changed"),
                 path);
    else
        snprintf(err, errsz, _("cannot write %s: %s"), path, strerror(e));
}

/* fsync of path's directory, so that the rename survives a crash; best effort. */
static void sync_dir(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    int dfd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

/* Replaces path with l atomically: temp file (0600), fsync, rename, fsync dir. Under the lock. */
static int write_file(const char *path, const profile_list *l, char *err, size_t errsz)
{
    char tmp[1100];
    char *text = profile_serialize(l);
    int fd = -1, e = 0;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (!text)
        e = ENOMEM;
    else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
             fchmod(fd, 0600) < 0 || write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0)
        e = errno;
    if (fd >= 0 && close(fd) < 0 && !e)
        e = errno;
    free(text);
    if (!e && rename(tmp, path) < 0) {
        snprintf(err, errsz, _("cannot replace %s: %s"), path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (e) {
        write_error(path, e, err, errsz);
        if (fd >= 0)
            unlink(tmp);
        return -1;
    }
    sync_dir(path);
    return 0;
}

int profile_transact(const char *path, const profile_change *c, char *err, size_t errsz)
{
    char lock_path[1100];
    profile_list l = {0};
    if (snprintf(lock_path, sizeof lock_path, "%s.lock", path) >= (int)sizeof lock_path) {
        snprintf(err, errsz, _("the path %s is too long"), path);
        return -1;
    }
    if (check_dir(path, err, errsz) < 0)
        return -1;
    if (make_dirs(path) < 0) {
        snprintf(err, errsz, _("cannot create the directory of %s: %s"), path, strerror(errno));
        return -1;
    }
    int lock = filelock_take(lock_path, PROFILE_LOCK_TIMEOUT_MS);
    if (lock < 0) {
        if (errno == EWOULDBLOCK)
            snprintf(err, errsz, _("another hubdesk process is changing %s; try again"), path);
        else
            snprintf(err, errsz, _("cannot lock %s: %s"), lock_path, strerror(errno));
        return -1;
    }
    int rc = profile_load(path, &l, err, errsz);
    if (rc == 0)
        rc = c->apply(&l, c->arg, err, errsz);
    if (rc == 0 && write_file(path, &l, err, errsz) < 0) {
        if (c->undo)
            c->undo(c->arg);
        rc = -1;
    }
    profile_list_free(&l);
    filelock_release(lock);
    return rc;
}
