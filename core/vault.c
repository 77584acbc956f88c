/* vault.c: the vault file on disk: unlock, decrypt on demand, locked atomic rewrites. */
#include "vault.h"
#include "vault_format.h"
#include "filelock.h"
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_TIMEOUT_MS 10000
#define TEMP_INFIX ".tmp-"

/*
 * Memory: the unlocked vault keeps the file's ciphertext (not secret: plain malloc) and a
 * table of metadata without secrets. A secret is decrypted only inside vault_get or a write,
 * into sodium_malloc memory that is freed (wiped) before the call returns, so between calls
 * the only secret in memory is the key, and its guarded pages are set to no-access.
 */
struct vault {
    char *path, *dir, *base, *lock_path;
    unsigned char *key; /* sodium_malloc, VAULT_FMT_KEY_LEN; PROT_NONE while idle */
    vault_fmt_header hdr;
    unsigned char *file; /* the whole file as last read or written */
    size_t file_len;
    vault_entry *entries; /* sorted by name */
    size_t n;
    int lock_timeout_ms;
};

static const char *const status_messages[] = {
#define VAULT_STATUS_ROW(name, msg) msg,
    VAULT_STATUS_LIST(VAULT_STATUS_ROW)
#undef VAULT_STATUS_ROW
};

static const char *const kind_names[] = {"?", "api-token", "channel-token", "app-secret",
                                         "webhook-secret"};

const char *vault_status_message(vault_status st)
{
    if ((unsigned)st >= VAULT_STATUS_COUNT)
        st = VAULT_ERR_IO;
    return _(status_messages[st]);
}

/* The directory part of path, for messages; "." when there is none. */
static void dir_of(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, n, ".");
    else if (slash == path)
        snprintf(out, n, "/");
    else
        snprintf(out, n, "%.*s", (int)(slash - path), path);
}

/* Statuses about the file at a path: the path goes into the sentence, the others stand alone. */
static int about_the_file(vault_status st)
{
    switch (st) {
    case VAULT_ERR_NO_VAULT:
    case VAULT_ERR_EXISTS:
    case VAULT_ERR_WRONG_PASSPHRASE:
    case VAULT_ERR_TAMPERED:
    case VAULT_ERR_TRUNCATED:
    case VAULT_ERR_VERSION:
    case VAULT_ERR_LOCKED:
    case VAULT_ERR_KEY_CHANGED:
    case VAULT_ERR_IO:
        return 1;
    default:
        return 0;
    }
}

/*
 * A vault path that is a link: chmod would change the target, so the fix is to put the file
 * itself in place of the link (or point XDG_DATA_HOME at where it really is).
 */
static void describe_symlink(const char *msg, const char *path, char *out, size_t n)
{
    char target[PATH_MAX];
    if (realpath(path, target))
        snprintf(out, n, _("%s: %s points to %s; do not chmod it (that changes the target). "
                           "Replace the link with the file: mv %s %s"),
                 msg, path, target, target, path);
    else
        snprintf(out, n, _("%s: %s points to a file that does not exist; remove the link (rm "
                           "%s) and put the vault file itself there"),
                 msg, path, path);
}

char *vault_describe(vault_status st, const char *path, int err, char *out, size_t n)
{
    const char *msg = vault_status_message(st);
    char dir[PATH_MAX];
    if (!out || n == 0)
        return out;
    if (path && st == VAULT_ERR_UNSAFE_FILE) {
        snprintf(out, n, _("%s: %s (it must be a regular file you own, mode 600); fix it with: "
                           "chmod 600 %s"),
                 msg, path, path);
    } else if (path && st == VAULT_ERR_UNSAFE_DIR) {
        dir_of(path, dir, sizeof dir);
        snprintf(out, n, _("%s: %s (it must be yours, mode 700); fix it with: chmod 700 %s"), msg,
                 dir, dir);
    } else if (path && st == VAULT_ERR_SYMLINK) {
        describe_symlink(msg, path, out, n);
    } else if (path && st == VAULT_ERR_NO_SPACE) {
        snprintf(out, n, _("%s: %s was not changed; free some space and try again"), msg, path);
    } else if (path && st == VAULT_ERR_IO && err) {
        snprintf(out, n, "%s: %s: %s", msg, path, strerror(err));
    } else if (path && about_the_file(st)) {
        snprintf(out, n, "%s: %s", msg, path);
    } else {
        snprintf(out, n, "%s", msg);
    }
    return out;
}

const char *vault_kind_name(vault_kind kind)
{
    if (kind < VAULT_KIND_API_TOKEN || kind > VAULT_KIND_WEBHOOK_SECRET)
        return kind_names[0];
    return kind_names[kind];
}

vault_kind vault_kind_from_name(const char *name)
{
    for (int k = VAULT_KIND_API_TOKEN; name && k <= VAULT_KIND_WEBHOOK_SECRET; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (vault_kind)k;
    return (vault_kind)0;
}

vault_kdf vault_kdf_default(void)
{
    return (vault_kdf){VAULT_KDF_DEFAULT_OPSLIMIT, VAULT_KDF_DEFAULT_MEMLIMIT};
}

/* HOME, or the password database when HOME is unset or not absolute. */
static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return home;
    struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

vault_status vault_default_path(char *out, size_t n)
{
    const char *base = getenv("XDG_DATA_HOME");
    const char *suffix = "/hubdesk/vault";
    int r;
    if (!out || n == 0)
        return VAULT_ERR_PATH;
    /* The XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored. */
    if (!base || base[0] != '/') {
        base = home_dir();
        suffix = "/.local/share/hubdesk/vault";
    }
    if (!base) {
        out[0] = '\0';
        return VAULT_ERR_PATH;
    }
    size_t len = strlen(base);
    while (len > 1 && base[len - 1] == '/')
        len--; /* "/data/" and "/data" name the same place */
    if (len == 1)
        len = 0; /* "/" + "/hubdesk/vault" would give "//hubdesk/vault" */
    r = snprintf(out, n, "%.*s%s", (int)len, base, suffix);
    if (r < 0 || (size_t)r >= n) {
        out[0] = '\0';
        return VAULT_ERR_PATH;
    }
    return VAULT_OK;
}

/* ---- handles, keys, paths ---- */

static vault *vault_alloc(const char *path)
{
    size_t len = path ? strlen(path) : 0;
    if (len == 0 || len + 32 > PATH_MAX || path[len - 1] == '/')
        return NULL;
    /* Every entry point comes through here: sodium_malloc needs sodium_init first. */
    if (sodium_init() < 0)
        return NULL;
    vault *v = calloc(1, sizeof *v);
    char dir[PATH_MAX];
    if (!v)
        return NULL;
    dir_of(path, dir, sizeof dir);
    const char *slash = strrchr(path, '/');
    v->path = strdup(path);
    v->dir = strdup(dir);
    v->base = strdup(slash ? slash + 1 : path);
    v->lock_path = malloc(len + sizeof ".lock");
    v->lock_timeout_ms = LOCK_TIMEOUT_MS;
    if (!v->path || !v->dir || !v->base || !v->lock_path) {
        vault_close(v);
        return NULL;
    }
    snprintf(v->lock_path, len + sizeof ".lock", "%s.lock", path);
    return v;
}

/* The key's pages are readable only while a call uses it. */
static void key_use(const unsigned char *key)
{
    sodium_mprotect_readonly((void *)key);
}

static void key_done(const unsigned char *key)
{
    sodium_mprotect_noaccess((void *)key);
}

static vault_status check_passphrase(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    return n >= 1 && n <= VAULT_PASSPHRASE_MAX ? VAULT_OK : VAULT_ERR_INVALID_PASSPHRASE;
}

static vault_status check_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? VAULT_ERR_NO_VAULT : VAULT_ERR_IO;
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
        return VAULT_ERR_UNSAFE_DIR;
    return VAULT_OK;
}

/* ---- reading ---- */

static vault_status read_all(int fd, size_t size, unsigned char **out, size_t *len)
{
    unsigned char *buf = malloc(size ? size : 1);
    size_t got = 0;
    if (!buf)
        return VAULT_ERR_NOMEM;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return VAULT_ERR_IO;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    *out = buf;
    *len = got;
    return VAULT_OK;
}

/* Reads the whole file after checking it is a regular file of ours that nobody else can use. */
static vault_status read_file(const char *path, unsigned char **out, size_t *len)
{
    struct stat st;
    vault_status s;
    *out = NULL;
    *len = 0;
    /* O_NONBLOCK: a FIFO planted at the path must not hang us before fstat refuses it. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? VAULT_ERR_NO_VAULT
               : errno == ELOOP ? VAULT_ERR_SYMLINK
                                : VAULT_ERR_IO;
    if (fstat(fd, &st) != 0)
        s = VAULT_ERR_IO;
    else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
        s = VAULT_ERR_UNSAFE_FILE;
    else if (st.st_size > (off_t)VAULT_FMT_FILE_MAX)
        s = VAULT_ERR_TAMPERED;
    else
        s = read_all(fd, (size_t)st.st_size, out, len);
    int e = errno;
    close(fd);
    errno = e;
    return s;
}

/* Decrypts file into fresh guarded memory and parses it; *e points into *plain. */
static vault_status open_body(const unsigned char *key, const unsigned char *file, size_t len,
                              const vault_fmt_header *h, unsigned char **plain,
                              vault_fmt_entry **e, size_t *n)
{
    size_t plen = h->body_len - VAULT_FMT_TAG_LEN;
    *plain = sodium_malloc(plen);
    *e = NULL;
    *n = 0;
    if (!*plain)
        return VAULT_ERR_NOMEM;
    key_use(key);
    vault_status st = vault_fmt_unseal(file, len, h, key, *plain);
    key_done(key);
    if (st == VAULT_OK)
        st = vault_fmt_body_parse(*plain, plen, e, n);
    if (st != VAULT_OK) {
        sodium_free(*plain);
        *plain = NULL;
    }
    return st;
}

/* Replaces v's metadata table with a copy of e's metadata. */
static vault_status set_entries(vault *v, const vault_fmt_entry *e, size_t n)
{
    vault_entry *t = NULL;
    if (n > 0 && !(t = calloc(n, sizeof *t)))
        return VAULT_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        t[i] = e[i].meta;
    free(v->entries);
    v->entries = t;
    v->n = n;
    return VAULT_OK;
}

/* Makes file (len bytes, header h, readable with v->key) v's current state; takes file. */
static vault_status adopt(vault *v, unsigned char *file, size_t len, const vault_fmt_header *h)
{
    unsigned char *plain;
    vault_fmt_entry *e;
    size_t n;
    vault_status st = open_body(v->key, file, len, h, &plain, &e, &n);
    if (st == VAULT_OK)
        st = set_entries(v, e, n);
    if (plain)
        sodium_free(plain);
    free(e);
    if (st != VAULT_OK)
        return st;
    free(v->file);
    v->file = file;
    v->file_len = len;
    v->hdr = *h;
    return VAULT_OK;
}

/* The key v holds opens h's file only if the salt and KDF are the ones it was derived with. */
static vault_status same_key(const vault *v, const vault_fmt_header *h)
{
    if (h->opslimit != v->hdr.opslimit || h->memlimit != v->hdr.memlimit ||
        memcmp(h->salt, v->hdr.salt, VAULT_FMT_SALT_LEN) != 0)
        return VAULT_ERR_KEY_CHANGED;
    if (sodium_memcmp(h->check, v->hdr.check, VAULT_FMT_CHECK_LEN) != 0)
        return VAULT_ERR_TAMPERED;
    return VAULT_OK;
}

/* Reads the file as it is now and checks that v's key still opens it. */
static vault_status read_current(vault *v, unsigned char **file, size_t *len,
                                 vault_fmt_header *h)
{
    vault_status st = check_dir(v->dir);
    if (st == VAULT_OK)
        st = read_file(v->path, file, len);
    if (st == VAULT_OK)
        st = vault_fmt_header_parse(*file, *len, h);
    if (st == VAULT_OK)
        st = same_key(v, h);
    if (st != VAULT_OK) {
        free(*file);
        *file = NULL;
    }
    return st;
}

/* ---- locking and atomic writes ---- */

/* ENOSPC and EDQUOT are the user's to fix (free space); anything else is an I/O error. */
static vault_status io_status(int err)
{
    return err == ENOSPC || err == EDQUOT ? VAULT_ERR_NO_SPACE : VAULT_ERR_IO;
}

/* The exclusive lock on PATH.lock (see filelock_take): LOCKED after timeout_ms. */
static vault_status lock_take(const char *lock_path, int timeout_ms, int *fd_out)
{
    int fd = filelock_take(lock_path, timeout_ms);
    if (fd < 0)
        return errno == EWOULDBLOCK ? VAULT_ERR_LOCKED : io_status(errno);
    *fd_out = fd;
    return VAULT_OK;
}

static void lock_release(int fd)
{
    filelock_release(fd);
}

/*
 * Removes temp files left by writers killed mid-write. Only called under the lock: every
 * temp file is made under it, so any that exists now belongs to nobody.
 */
static void remove_stale_temps(const vault *v)
{
    DIR *d = opendir(v->dir);
    size_t blen = strlen(v->base), ilen = strlen(TEMP_INFIX);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d)) != NULL)
        if (strncmp(de->d_name, v->base, blen) == 0 &&
            strncmp(de->d_name + blen, TEMP_INFIX, ilen) == 0)
            unlinkat(dirfd(d), de->d_name, 0);
    closedir(d);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    /* Some file systems cannot fsync a directory; the rename is then as durable as it gets. */
    return r != 0 && errno != EINVAL ? -1 : 0;
}

/* Temp file in the same directory, fsync, rename over the vault, fsync the directory. */
static vault_status write_atomic(const vault *v, const unsigned char *buf, size_t len,
                                 int *renamed)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/%s%s%ld-%08x", v->dir, v->base, TEMP_INFIX, (long)getpid(),
             (unsigned)randombytes_random());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return io_status(errno);
    /* fchmod: a umask could have taken the owner's bits away. */
    int bad = fchmod(fd, 0600) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0;
    int e = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad || rename(tmp, v->path) != 0) {
        e = bad ? e : errno;
        unlink(tmp);
        errno = e;
        return io_status(e);
    }
    /* The new file is in place; a failure here only means it may not survive a power cut. */
    *renamed = 1;
    return fsync_dir(v->dir) == 0 ? VAULT_OK : VAULT_ERR_IO;
}

/* ---- writes: lock, re-read, edit, seal, replace ---- */

typedef enum { EDIT_NONE, EDIT_PUT, EDIT_RENAME, EDIT_REMOVE } edit_op;

/* One change, applied to the table as read under the lock. */
typedef struct edit {
    edit_op op;
    const char *name, *to, *owner;
    vault_kind kind;
    const void *secret;
    size_t len;
    vault_put_mode mode;
} edit;

static long find_index(const vault_fmt_entry *e, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].meta.name, name) == 0)
            return (long)i;
    return -1;
}

static vault_status edit_put(const edit *ed, vault_fmt_entry **e, size_t *n)
{
    long i = find_index(*e, *n, ed->name);
    int64_t now = (int64_t)time(NULL);
    if (i >= 0 && ed->mode == VAULT_PUT_ADD)
        return VAULT_ERR_NAME_EXISTS;
    if (i < 0 && ed->mode == VAULT_PUT_REPLACE)
        return VAULT_ERR_NOT_FOUND;
    if (i < 0) {
        if (*n >= VAULT_ENTRIES_MAX)
            return VAULT_ERR_INVALID;
        vault_fmt_entry *g = realloc(*e, (*n + 1) * sizeof *g);
        if (!g)
            return VAULT_ERR_NOMEM;
        *e = g;
        i = (long)(*n)++;
        memset(&g[i], 0, sizeof g[i]);
        snprintf(g[i].meta.name, sizeof g[i].meta.name, "%s", ed->name);
        g[i].meta.created = now;
    }
    vault_fmt_entry *x = &(*e)[i];
    x->meta.kind = ed->kind;
    snprintf(x->meta.owner, sizeof x->meta.owner, "%s", ed->owner ? ed->owner : "");
    x->meta.updated = now;
    x->meta.secret_len = ed->len;
    x->secret = ed->secret;
    return VAULT_OK;
}

static vault_status apply_edit(const edit *ed, vault_fmt_entry **e, size_t *n)
{
    vault_status st = VAULT_OK;
    long i = ed->op == EDIT_PUT || ed->op == EDIT_NONE ? 0 : find_index(*e, *n, ed->name);
    if (i < 0)
        return VAULT_ERR_NOT_FOUND;
    if (ed->op == EDIT_PUT) {
        st = edit_put(ed, e, n);
    } else if (ed->op == EDIT_RENAME && strcmp(ed->name, ed->to) != 0) {
        if (find_index(*e, *n, ed->to) >= 0)
            return VAULT_ERR_NAME_EXISTS;
        snprintf((*e)[i].meta.name, sizeof(*e)[i].meta.name, "%s", ed->to);
    } else if (ed->op == EDIT_REMOVE) {
        memmove(&(*e)[i], &(*e)[i + 1], (*n - (size_t)i - 1) * sizeof **e);
        (*n)--;
    }
    if (st == VAULT_OK && *n > 1)
        qsort(*e, *n, sizeof **e, vault_fmt_entry_cmp);
    return st;
}

/* Serializes e into guarded memory and seals it under key with h and a new nonce. */
static vault_status seal_entries(const vault_fmt_entry *e, size_t n, vault_fmt_header *h,
                                 const unsigned char *key, unsigned char **file, size_t *len)
{
    size_t plen = vault_fmt_body_size(e, n);
    if (plen == SIZE_MAX)
        return VAULT_ERR_INVALID;
    unsigned char *plain = sodium_malloc(plen);
    *file = malloc(VAULT_FMT_FILE_LEN(plen));
    vault_status st = plain && *file ? vault_fmt_body_write(e, n, plain, plen) : VAULT_ERR_NOMEM;
    /* A nonce is never reused: 24 random bytes on every write. */
    randombytes_buf(h->nonce, sizeof h->nonce);
    if (st == VAULT_OK) {
        key_use(key);
        st = vault_fmt_seal(h, key, plain, plen, *file);
        key_done(key);
    }
    if (plain)
        sodium_free(plain);
    if (st != VAULT_OK) {
        free(*file);
        *file = NULL;
    }
    *len = VAULT_FMT_FILE_LEN(plen);
    return st;
}

/* Seals e, writes it atomically, and on success makes it v's state. */
static vault_status commit(vault *v, const vault_fmt_entry *e, size_t n, vault_fmt_header h,
                           const unsigned char *key)
{
    unsigned char *file;
    size_t len;
    int renamed = 0;
    vault_status st = seal_entries(e, n, &h, key, &file, &len);
    if (st != VAULT_OK)
        return st;
    remove_stale_temps(v);
    st = write_atomic(v, file, len, &renamed);
    /* Once renamed, the file is the new state even if the directory fsync failed. */
    if (renamed && set_entries(v, e, n) == VAULT_OK) {
        free(v->file);
        v->file = file;
        v->file_len = len;
        v->hdr = h;
        file = NULL;
    }
    free(file);
    return st;
}

/*
 * The write path of every change: under the lock, read the file as another process may have
 * left it, apply ed to that, and seal with newh/newkey (NULL: the current ones). Any failure
 * before the rename leaves the file untouched.
 */
static vault_status transact(vault *v, const edit *ed, const vault_fmt_header *newh,
                             const unsigned char *newkey)
{
    int lock;
    unsigned char *file = NULL, *plain = NULL;
    size_t len, n = 0;
    vault_fmt_header h;
    vault_fmt_entry *e = NULL;
    vault_status st = lock_take(v->lock_path, v->lock_timeout_ms, &lock);
    if (st != VAULT_OK)
        return st;
    st = read_current(v, &file, &len, &h);
    if (st == VAULT_OK)
        st = open_body(v->key, file, len, &h, &plain, &e, &n);
    if (st == VAULT_OK)
        st = apply_edit(ed, &e, &n);
    if (st == VAULT_OK)
        st = commit(v, e, n, newh ? *newh : h, newkey ? newkey : v->key);
    if (plain)
        sodium_free(plain);
    free(e);
    free(file);
    lock_release(lock);
    return st;
}

/* ---- public API ---- */

static vault_status make_dirs(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", dir);
    /* XDG: a missing destination directory is created 0700, parents included. */
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return VAULT_ERR_IO;
        *s = '/';
    }
    return mkdir(p, 0700) != 0 && errno != EEXIST ? VAULT_ERR_IO : VAULT_OK;
}

/* A header with a new salt, and the key for it in guarded memory (left no-access). */
static vault_status new_key(const char *passphrase, const vault_kdf *kdf, vault_fmt_header *h,
                            unsigned char **key)
{
    memset(h, 0, sizeof *h);
    h->version = VAULT_FMT_VERSION;
    h->kdf_alg = VAULT_FMT_KDF_ARGON2ID13;
    h->opslimit = kdf->opslimit;
    h->memlimit = kdf->memlimit;
    if (sodium_init() < 0 || !(*key = sodium_malloc(VAULT_FMT_KEY_LEN)))
        return VAULT_ERR_NOMEM;
    randombytes_buf(h->salt, sizeof h->salt);
    vault_status st = vault_fmt_derive(passphrase, strlen(passphrase), h, *key, h->check);
    if (st != VAULT_OK) {
        sodium_free(*key);
        *key = NULL;
        return st;
    }
    key_done(*key);
    return VAULT_OK;
}

/* Under the lock so that two creators cannot both see "no file" and both write one. */
static vault_status create_file(vault *v, const vault_fmt_header *h)
{
    struct stat st;
    int lock;
    vault_status s = lock_take(v->lock_path, v->lock_timeout_ms, &lock);
    if (s != VAULT_OK)
        return s;
    if (lstat(v->path, &st) == 0)
        s = VAULT_ERR_EXISTS;
    else if (errno != ENOENT)
        s = VAULT_ERR_IO;
    else
        s = commit(v, NULL, 0, *h, v->key);
    lock_release(lock);
    return s;
}

vault_status vault_create_with_params(const char *path, const char *passphrase,
                                      const vault_kdf *kdf, vault **out)
{
    vault_kdf k = kdf ? *kdf : vault_kdf_default();
    vault_fmt_header h;
    vault *v;
    vault_status st = check_passphrase(passphrase);
    if (out)
        *out = NULL;
    if (st != VAULT_OK)
        return st;
    if (!vault_fmt_kdf_ok(k.opslimit, k.memlimit))
        return VAULT_ERR_INVALID_KDF;
    if (!(v = vault_alloc(path)))
        return VAULT_ERR_PATH;
    st = make_dirs(v->dir);
    if (st == VAULT_OK)
        st = check_dir(v->dir);
    if (st == VAULT_OK)
        st = new_key(passphrase, &k, &h, &v->key);
    if (st == VAULT_OK)
        st = create_file(v, &h);
    if (st == VAULT_OK && out)
        *out = v;
    else
        vault_close(v);
    return st;
}

vault_status vault_create(const char *path, const char *passphrase, vault **out)
{
    return vault_create_with_params(path, passphrase, NULL, out);
}

/* Reads and checks the header before any key derivation, so damage is cheap to report. */
static vault_status unlock(vault *v, const char *passphrase)
{
    unsigned char *file = NULL, check[VAULT_FMT_CHECK_LEN];
    size_t len;
    vault_fmt_header h;
    vault_status st = check_dir(v->dir);
    if (st == VAULT_OK)
        st = read_file(v->path, &file, &len);
    if (st == VAULT_OK)
        st = vault_fmt_header_parse(file, len, &h);
    if (st == VAULT_OK && !(v->key = sodium_malloc(VAULT_FMT_KEY_LEN)))
        st = VAULT_ERR_NOMEM;
    if (st == VAULT_OK)
        st = vault_fmt_derive(passphrase, strlen(passphrase), &h, v->key, check);
    if (v->key)
        key_done(v->key);
    if (st == VAULT_OK && sodium_memcmp(check, h.check, sizeof check) != 0)
        st = VAULT_ERR_WRONG_PASSPHRASE;
    if (st == VAULT_OK)
        st = adopt(v, file, len, &h);
    if (st != VAULT_OK)
        free(file);
    return st;
}

vault_status vault_open(const char *path, const char *passphrase, vault **out)
{
    vault *v;
    vault_status st = check_passphrase(passphrase);
    if (out)
        *out = NULL;
    if (st != VAULT_OK)
        return st;
    if (!(v = vault_alloc(path)))
        return VAULT_ERR_PATH;
    st = unlock(v, passphrase);
    if (st == VAULT_OK && out)
        *out = v;
    else
        vault_close(v);
    return st;
}

vault_status vault_refresh(vault *v)
{
    unsigned char *file = NULL;
    size_t len;
    vault_fmt_header h;
    vault_status st = read_current(v, &file, &len, &h);
    if (st == VAULT_OK)
        st = adopt(v, file, len, &h);
    if (st != VAULT_OK)
        free(file);
    return st;
}

const vault_entry *vault_entries(const vault *v, size_t *n)
{
    if (n)
        *n = v->n;
    return v->entries;
}

const vault_entry *vault_find(const vault *v, const char *name)
{
    for (size_t i = 0; name && i < v->n; i++)
        if (strcmp(v->entries[i].name, name) == 0)
            return &v->entries[i];
    return NULL;
}

vault_kdf vault_kdf_of(const vault *v)
{
    return (vault_kdf){v->hdr.opslimit, v->hdr.memlimit};
}

void vault_set_lock_timeout(vault *v, int ms)
{
    v->lock_timeout_ms = ms < 0 ? 0 : ms;
}

vault_status vault_get(vault *v, const char *name, unsigned char **secret, size_t *len)
{
    unsigned char *plain;
    vault_fmt_entry *e;
    size_t n;
    *secret = NULL;
    if (len)
        *len = 0;
    if (!vault_name_is_valid(name))
        return VAULT_ERR_INVALID_NAME;
    if (!vault_find(v, name))
        return VAULT_ERR_NOT_FOUND;
    vault_status st = open_body(v->key, v->file, v->file_len, &v->hdr, &plain, &e, &n);
    if (st != VAULT_OK)
        return st;
    long i = find_index(e, n, name);
    if (i < 0) {
        st = VAULT_ERR_NOT_FOUND;
    } else if (!(*secret = sodium_malloc(e[i].meta.secret_len + 1))) {
        st = VAULT_ERR_NOMEM;
    } else {
        memcpy(*secret, e[i].secret, e[i].meta.secret_len);
        (*secret)[e[i].meta.secret_len] = '\0';
        if (len)
            *len = e[i].meta.secret_len;
    }
    sodium_free(plain);
    free(e);
    return st;
}

void vault_secret_free(unsigned char *secret)
{
    if (secret)
        sodium_free(secret);
}

vault_status vault_put(vault *v, const char *name, vault_kind kind, const char *owner,
                       const void *secret, size_t len, vault_put_mode mode)
{
    if (!vault_name_is_valid(name))
        return VAULT_ERR_INVALID_NAME;
    if (kind < VAULT_KIND_API_TOKEN || kind > VAULT_KIND_WEBHOOK_SECRET ||
        !vault_fmt_owner_is_valid(owner) || !secret || len < 1 || len > VAULT_SECRET_MAX ||
        mode < VAULT_PUT_ADD || mode > VAULT_PUT_UPSERT)
        return VAULT_ERR_INVALID;
    edit ed = {.op = EDIT_PUT, .name = name, .owner = owner, .kind = kind, .secret = secret,
               .len = len, .mode = mode};
    return transact(v, &ed, NULL, NULL);
}

vault_status vault_rename(vault *v, const char *from, const char *to)
{
    if (!vault_name_is_valid(from) || !vault_name_is_valid(to))
        return VAULT_ERR_INVALID_NAME;
    edit ed = {.op = EDIT_RENAME, .name = from, .to = to};
    return transact(v, &ed, NULL, NULL);
}

vault_status vault_remove(vault *v, const char *name)
{
    if (!vault_name_is_valid(name))
        return VAULT_ERR_INVALID_NAME;
    edit ed = {.op = EDIT_REMOVE, .name = name};
    return transact(v, &ed, NULL, NULL);
}

vault_status vault_change_passphrase(vault *v, const char *passphrase, const vault_kdf *kdf)
{
    vault_kdf k = kdf ? *kdf : vault_kdf_of(v);
    vault_fmt_header h;
    unsigned char *key = NULL;
    edit ed = {.op = EDIT_NONE};
    vault_status st = check_passphrase(passphrase);
    if (st == VAULT_OK && !vault_fmt_kdf_ok(k.opslimit, k.memlimit))
        st = VAULT_ERR_INVALID_KDF;
    /* Derive before locking: Argon2id should not hold up other processes. */
    if (st == VAULT_OK)
        st = new_key(passphrase, &k, &h, &key);
    if (st == VAULT_OK)
        st = transact(v, &ed, &h, key);
    /* The file carries the new salt once renamed, whatever else failed: follow it. */
    if (key && memcmp(v->hdr.salt, h.salt, sizeof h.salt) == 0) {
        sodium_free(v->key);
        v->key = key;
    } else if (key) {
        sodium_free(key);
    }
    return st;
}

vault_status vault_reset(const char *path)
{
    struct stat st;
    int lock;
    vault *v = vault_alloc(path);
    if (!v)
        return VAULT_ERR_PATH;
    /* No permission check: this is the way out when the vault cannot be opened at all. */
    vault_status s = stat(v->dir, &st) != 0 ? VAULT_ERR_NO_VAULT : VAULT_OK;
    if (s == VAULT_OK)
        s = lock_take(v->lock_path, v->lock_timeout_ms, &lock);
    if (s != VAULT_OK) {
        vault_close(v);
        return s;
    }
    if (unlink(v->path) != 0)
        s = errno == ENOENT ? VAULT_ERR_NO_VAULT : VAULT_ERR_IO;
    else if (fsync_dir(v->dir) != 0)
        s = VAULT_ERR_IO;
    remove_stale_temps(v);
    lock_release(lock);
    vault_close(v);
    return s;
}

void vault_close(vault *v)
{
    if (!v)
        return;
    if (v->key)
        sodium_free(v->key);
    free(v->file);
    free(v->entries);
    free(v->path);
    free(v->dir);
    free(v->base);
    free(v->lock_path);
    free(v);
}
