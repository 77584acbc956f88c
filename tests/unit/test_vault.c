/* test_vault.c: the vault: round trips, tamper and truncation, permissions, crashes, races. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "vault.h"
#include "vault_format.h"

#define PASS "correct horse battery staple"
#define CRASH_KILLS 200
#define RACE_ENTRIES 100

/* Cheapest Argon2id libsodium allows: most tests derive keys hundreds of times. */
static const vault_kdf cheap = {1, 8192};
static char root[PATH_MAX / 4]; /* short, so every path built under it fits */

static const char *const status_names[] = {
#define NAME_ROW(name, msg) #name,
    VAULT_STATUS_LIST(NAME_ROW)
#undef NAME_ROW
};

/* Compares statuses by name, so a failure says "VAULT_ERR_TAMPERED", not "4". */
#define assert_status(got, want) assert_string_equal(status_names[(got)], status_names[(want)])

/* ---- helpers ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A fresh 0700 directory per test, and the vault path inside it. */
static void case_paths(const char *name, char *dir, char *path)
{
    snprintf(dir, PATH_MAX, "%s/%s", root, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, PATH_MAX, "%s/vault", dir);
}

static unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *buf = malloc(VAULT_FMT_FILE_MAX);
    assert_non_null(buf);
    *len = fread(buf, 1, VAULT_FMT_FILE_MAX, f);
    fclose(f);
    return buf;
}

static void write_bytes(const char *path, const unsigned char *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, 0600), 0);
    close(fd);
}

static void assert_file_is(const char *path, const unsigned char *want, size_t len)
{
    size_t n;
    unsigned char *got = read_bytes(path, &n);
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
    free(got);
}

static void put_str(vault *v, const char *name, vault_kind kind, const char *owner,
                    const char *secret)
{
    assert_status(vault_put(v, name, kind, owner, secret, strlen(secret), VAULT_PUT_UPSERT),
                  VAULT_OK);
}

static void assert_secret(vault *v, const char *name, const char *want)
{
    unsigned char *s;
    size_t len;
    assert_status(vault_get(v, name, &s, &len), VAULT_OK);
    assert_int_equal(len, strlen(want));
    assert_string_equal((char *)s, want);
    vault_secret_free(s);
}

/* A small vault (cheap KDF) with two entries, closed; returns nothing, the file is at path. */
static void make_small(const char *path)
{
    vault *v;
    assert_status(vault_create_with_params(path, PASS, &cheap, &v), VAULT_OK);
    put_str(v, "whapi", VAULT_KIND_API_TOKEN, "acme", "tok-1234");
    put_str(v, "hook", VAULT_KIND_WEBHOOK_SECRET, "", "s3cr3t");
    vault_close(v);
}

static int count_temps(const char *dir)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^vault\\.tmp-'", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    if (flag == FTW_D || flag == FTW_DP)
        chmod(path, 0700);
    return remove(path);
}

static int group_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/hd-vault-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
    if (!mkdtemp(root) || sodium_init() < 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- round trips ---- */

static void fill_four_kinds(vault *v)
{
    put_str(v, "whapi-main", VAULT_KIND_API_TOKEN, "whapi-prod", "wh-token-0001");
    put_str(v, "whapi-chan-7", VAULT_KIND_CHANNEL_TOKEN, "channel:7", "chan-token-7777");
    put_str(v, "hydra-app", VAULT_KIND_APP_SECRET, "hydra", "app-secret-abcd");
    put_str(v, "keebai-hook", VAULT_KIND_WEBHOOK_SECRET, "keebai", "whsec_0123456789");
}

static void check_four_kinds(vault *v)
{
    size_t n;
    const vault_entry *e = vault_entries(v, &n);
    assert_int_equal(n, 4);
    /* Sorted by name. */
    assert_string_equal(e[0].name, "hydra-app");
    assert_string_equal(e[1].name, "keebai-hook");
    assert_string_equal(e[2].name, "whapi-chan-7");
    assert_string_equal(e[3].name, "whapi-main");
    assert_int_equal(e[0].kind, VAULT_KIND_APP_SECRET);
    assert_int_equal(e[1].kind, VAULT_KIND_WEBHOOK_SECRET);
    assert_int_equal(e[2].kind, VAULT_KIND_CHANNEL_TOKEN);
    assert_int_equal(e[3].kind, VAULT_KIND_API_TOKEN);
    assert_string_equal(e[2].owner, "channel:7");
    assert_int_equal(e[3].secret_len, strlen("wh-token-0001"));
    assert_true(e[0].created > 1600000000 && e[0].updated == e[0].created);
    assert_secret(v, "whapi-main", "wh-token-0001");
    assert_secret(v, "whapi-chan-7", "chan-token-7777");
    assert_secret(v, "hydra-app", "app-secret-abcd");
    assert_secret(v, "keebai-hook", "whsec_0123456789");
}

static void test_round_trip_default_kdf(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    vault *v;
    case_paths("roundtrip", dir, path);
    double t0 = now_s();
    assert_status(vault_create(path, PASS, &v), VAULT_OK);
    double t_create = now_s() - t0;
    fill_four_kinds(v);
    check_four_kinds(v);
    vault_close(v);

    t0 = now_s();
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    double t_open = now_s() - t0;
    vault_kdf k = vault_kdf_of(v);
    assert_int_equal(k.opslimit, VAULT_KDF_DEFAULT_OPSLIMIT);
    assert_int_equal(k.memlimit, VAULT_KDF_DEFAULT_MEMLIMIT);
    check_four_kinds(v);
    vault_close(v);
    printf("vault: default KDF (Argon2id, opslimit %d, memlimit %llu MiB): create %.3f s, "
           "unlock %.3f s\n",
           VAULT_KDF_DEFAULT_OPSLIMIT, VAULT_KDF_DEFAULT_MEMLIMIT >> 20, t_create, t_open);
    /* Measured about 0.25 s; the bound only catches a gross regression. */
    assert_true(t_open < 2.0);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_wrong_passphrase_changes_nothing(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    vault *v = (vault *)1;
    case_paths("wrongpass", dir, path);
    make_small(path);
    unsigned char *before = read_bytes(path, &len);
    assert_status(vault_open(path, "correct horse battery stapl", &v), VAULT_ERR_WRONG_PASSPHRASE);
    assert_null(v);
    assert_status(vault_open(path, PASS "!", &v), VAULT_ERR_WRONG_PASSPHRASE);
    assert_status(vault_open(path, "", &v), VAULT_ERR_INVALID_PASSPHRASE);
    assert_file_is(path, before, len);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    assert_secret(v, "whapi", "tok-1234");
    vault_close(v);
    assert_file_is(path, before, len);
    free(before);
}

/* ---- damaged files ---- */

static vault_status open_bytes(const char *path, const unsigned char *buf, size_t len)
{
    vault *v = NULL;
    write_bytes(path, buf, len);
    vault_status st = vault_open(path, PASS, &v);
    if (st == VAULT_OK)
        vault_close(v);
    else
        assert_null(v);
    return st;
}

/*
 * Where in the file a flipped byte lands decides the status it may give; never "wrong
 * passphrase": a user told that may reset a vault that was only damaged.
 */
static void check_tamper_status(size_t off, vault_status st)
{
    if (off == 8 || off == 9) { /* the version: 0 is damage, anything above ours is newer */
        assert_true(st == VAULT_ERR_TAMPERED || st == VAULT_ERR_VERSION);
    } else if (off >= 84 && off < 88) { /* the body length no longer matches the file's */
        assert_true(st == VAULT_ERR_TAMPERED || st == VAULT_ERR_TRUNCATED);
    } else { /* magic, KDF, salt, nonce, key check, body, checksum */
        assert_status(st, VAULT_ERR_TAMPERED);
    }
}

static void test_every_bit_flip_is_damage(void **state)
{
    static const unsigned char masks[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    int counts[VAULT_STATUS_COUNT] = {0};
    case_paths("tamper", dir, path);
    make_small(path);
    unsigned char *good = read_bytes(path, &len);
    unsigned char *bad = malloc(len);
    assert_true(len > VAULT_FMT_HEADER_LEN + VAULT_FMT_TAG_LEN + VAULT_FMT_SUM_LEN);
    for (size_t i = 0; i < len; i++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            memcpy(bad, good, len);
            bad[i] ^= masks[m];
            vault_status st = open_bytes(path, bad, len);
            assert_true(st != VAULT_OK);
            check_tamper_status(i, st);
            counts[st]++;
        }
    }
    printf("vault: %zu bytes x 9 flips: tampered %d, wrong passphrase %d, version %d, "
           "truncated %d\n",
           len, counts[VAULT_ERR_TAMPERED], counts[VAULT_ERR_WRONG_PASSPHRASE],
           counts[VAULT_ERR_VERSION], counts[VAULT_ERR_TRUNCATED]);
    assert_int_equal(counts[VAULT_ERR_WRONG_PASSPHRASE], 0);
    assert_status(open_bytes(path, good, len), VAULT_OK);
    free(bad);
    free(good);
}

static void test_every_truncation_is_detected(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    case_paths("truncate", dir, path);
    make_small(path);
    unsigned char *good = read_bytes(path, &len);
    for (size_t n = 0; n < len; n++)
        assert_status(open_bytes(path, good, n), VAULT_ERR_TRUNCATED);
    /* One byte too many is not a truncation but still damage. */
    unsigned char *longer = calloc(1, len + 1);
    memcpy(longer, good, len);
    assert_status(open_bytes(path, longer, len + 1), VAULT_ERR_TAMPERED);
    assert_status(open_bytes(path, good, len), VAULT_OK);
    free(longer);
    free(good);
}

/*
 * tests/data/vault/format1.vault was written by hubdesk before the checksum (format 1, cheap
 * KDF, one entry). It must still open, and its next write upgrades it to the current format.
 */
static void test_format1_file_is_read_and_upgraded(void **state)
{
    const char *data = getenv("HUBDESK_TEST_DATA");
    char dir[PATH_MAX], path[PATH_MAX], src[PATH_MAX];
    size_t len, n;
    unsigned char *sec;
    vault *v;
    snprintf(src, sizeof src, "%s/vault/format1.vault", data && *data ? data : "tests/data");
    case_paths("format1", dir, path);
    unsigned char *old = read_bytes(src, &len);
    assert_int_equal(old[8], 1);
    write_bytes(path, old, len);
    assert_status(vault_open(path, "wrong one", &v), VAULT_ERR_WRONG_PASSPHRASE);
    assert_status(vault_open(path, "version one passphrase", &v), VAULT_OK);
    assert_status(vault_get(v, "old-token", &sec, &n), VAULT_OK);
    assert_string_equal((const char *)sec, "tok-from-format-1");
    vault_secret_free(sec);
    assert_status(vault_put(v, "new", VAULT_KIND_APP_SECRET, NULL, "s3cr3t", 6, VAULT_PUT_ADD),
                  VAULT_OK);
    vault_close(v);
    unsigned char *now = read_bytes(path, &n);
    assert_int_equal(now[8] | now[9] << 8, VAULT_FMT_VERSION);
    assert_status(vault_open(path, "version one passphrase", &v), VAULT_OK);
    assert_non_null(vault_find(v, "old-token"));
    assert_non_null(vault_find(v, "new"));
    vault_close(v);
    now[30] ^= 0x04; /* a salt bit: a format-1 file would have said "wrong passphrase" */
    assert_status(open_bytes(path, now, n), VAULT_ERR_TAMPERED);
    free(now);
    free(old);
}

static void test_future_version_is_refused(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    case_paths("version", dir, path);
    make_small(path);
    unsigned char *buf = read_bytes(path, &len);
    buf[8] = VAULT_FMT_VERSION + 1;
    assert_status(open_bytes(path, buf, len), VAULT_ERR_VERSION);
    buf[8] = 0xff;
    buf[9] = 0xff;
    assert_status(open_bytes(path, buf, len), VAULT_ERR_VERSION);
    /* A newer header may be longer or shorter: the version is read before the length. */
    assert_status(open_bytes(path, buf, 10), VAULT_ERR_VERSION);
    buf[8] = 0;
    buf[9] = 0;
    assert_status(open_bytes(path, buf, len), VAULT_ERR_TAMPERED);
    free(buf);
}

static void test_hostile_kdf_parameters_are_capped(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    case_paths("kdfcap", dir, path);
    make_small(path);
    unsigned char *buf = read_bytes(path, &len);
    /* memlimit 2^40: refused from the header alone, without trying to allocate it. */
    memset(buf + 20, 0, 8);
    buf[25] = 1;
    double t0 = now_s();
    assert_status(open_bytes(path, buf, len), VAULT_ERR_TAMPERED);
    memset(buf + 20, 0, 8);
    buf[21] = 0x20; /* back to 8 KiB */
    buf[12] = VAULT_KDF_MAX_OPSLIMIT + 1;
    assert_status(open_bytes(path, buf, len), VAULT_ERR_TAMPERED);
    assert_true(now_s() - t0 < 1.0);
    vault_kdf too_big = {VAULT_KDF_MAX_OPSLIMIT, VAULT_KDF_MAX_MEMLIMIT * 2};
    assert_status(vault_create_with_params(path, PASS, &too_big, NULL), VAULT_ERR_INVALID_KDF);
    vault_kdf too_small = {0, 8192};
    assert_status(vault_create_with_params(path, PASS, &too_small, NULL), VAULT_ERR_INVALID_KDF);
    free(buf);
}

/* ---- permissions ---- */

static void assert_describe_has(vault_status st, const char *path, int err, const char *want)
{
    char msg[PATH_MAX * 3];
    vault_describe(st, path, err, msg, sizeof msg);
    if (!strstr(msg, want))
        fail_msg("\"%s\" not in \"%s\"", want, msg);
}

static void test_unsafe_file_modes_are_refused(void **state)
{
    static const mode_t bad[] = {0644, 0640, 0604, 0620, 0602, 0660, 0666, 0610};
    char dir[PATH_MAX], path[PATH_MAX], fix[PATH_MAX + 16];
    vault *v;
    case_paths("perm_file", dir, path);
    make_small(path);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(chmod(path, bad[i]), 0);
        assert_status(vault_open(path, PASS, &v), VAULT_ERR_UNSAFE_FILE);
    }
    snprintf(fix, sizeof fix, "chmod 600 %s", path);
    assert_describe_has(VAULT_ERR_UNSAFE_FILE, path, 0, fix);
    assert_int_equal(chmod(path, 0600), 0);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    /* A write re-checks: a file opened to others meanwhile is not written to. */
    assert_int_equal(chmod(path, 0644), 0);
    assert_status(vault_put(v, "x", VAULT_KIND_API_TOKEN, NULL, "y", 1, VAULT_PUT_ADD),
                  VAULT_ERR_UNSAFE_FILE);
    assert_int_equal(chmod(path, 0600), 0);
    assert_null(vault_find(v, "x"));
    vault_close(v);
    /* A symlink is refused too: the rename would replace it, not its target. */
    char link_path[PATH_MAX + 8], mv[PATH_MAX * 2 + 16], msg[PATH_MAX * 3];
    snprintf(link_path, sizeof link_path, "%s/link", dir);
    assert_int_equal(symlink(path, link_path), 0);
    assert_status(vault_open(link_path, PASS, &v), VAULT_ERR_SYMLINK);
    /* Its fix is never chmod, which would change the target: the file goes where the link is. */
    snprintf(mv, sizeof mv, "mv %s %s", path, link_path);
    assert_describe_has(VAULT_ERR_SYMLINK, link_path, 0, "symbolic link");
    assert_describe_has(VAULT_ERR_SYMLINK, link_path, 0, mv);
    vault_describe(VAULT_ERR_SYMLINK, link_path, 0, msg, sizeof msg);
    assert_null(strstr(msg, "chmod 600"));
    assert_int_equal(unlink(path), 0); /* dangling: say so, and still no chmod */
    assert_describe_has(VAULT_ERR_SYMLINK, link_path, 0, "does not exist");
}

static void test_unsafe_directory_is_refused(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX], fix[PATH_MAX + 16], sub[PATH_MAX + 16];
    vault *v;
    case_paths("perm_dir", dir, path);
    make_small(path);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_status(vault_open(path, PASS, &v), VAULT_ERR_UNSAFE_DIR);
    snprintf(fix, sizeof fix, "chmod 700 %s", dir);
    assert_describe_has(VAULT_ERR_UNSAFE_DIR, path, 0, fix);
    assert_int_equal(chmod(dir, 0710), 0);
    assert_status(vault_open(path, PASS, &v), VAULT_ERR_UNSAFE_DIR);
    assert_int_equal(chmod(dir, 0700), 0);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    vault_close(v);
    /* create refuses an existing open directory rather than silently trusting it. */
    snprintf(sub, sizeof sub, "%s/open", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/open/vault", dir);
    assert_status(vault_create_with_params(sub, PASS, &cheap, &v), VAULT_ERR_UNSAFE_DIR);
    assert_int_equal(access(sub, F_OK), -1);
}

/* ---- editing ---- */

static void test_rename_remove_replace(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len, n;
    vault *v;
    case_paths("edit", dir, path);
    make_small(path);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    unsigned char *before = read_bytes(path, &len);
    /* Refused edits leave the file byte for byte as it was. */
    assert_status(vault_put(v, "whapi", VAULT_KIND_API_TOKEN, "", "zz", 2, VAULT_PUT_ADD),
                  VAULT_ERR_NAME_EXISTS);
    assert_status(vault_put(v, "nope", VAULT_KIND_API_TOKEN, "", "zz", 2, VAULT_PUT_REPLACE),
                  VAULT_ERR_NOT_FOUND);
    assert_status(vault_rename(v, "whapi", "hook"), VAULT_ERR_NAME_EXISTS);
    assert_status(vault_rename(v, "nope", "other"), VAULT_ERR_NOT_FOUND);
    assert_status(vault_remove(v, "nope"), VAULT_ERR_NOT_FOUND);
    assert_file_is(path, before, len);

    int64_t created = vault_find(v, "whapi")->created;
    assert_status(vault_put(v, "whapi", VAULT_KIND_CHANNEL_TOKEN, "beta", "tok-5678", 8,
                            VAULT_PUT_REPLACE),
                  VAULT_OK);
    assert_int_equal(vault_find(v, "whapi")->created, created);
    assert_int_equal(vault_find(v, "whapi")->kind, VAULT_KIND_CHANNEL_TOKEN);
    assert_string_equal(vault_find(v, "whapi")->owner, "beta");
    assert_status(vault_rename(v, "whapi", "awhapi"), VAULT_OK);
    assert_null(vault_find(v, "whapi"));
    assert_status(vault_remove(v, "hook"), VAULT_OK);
    vault_close(v);

    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    const vault_entry *e = vault_entries(v, &n);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].name, "awhapi");
    assert_secret(v, "awhapi", "tok-5678");
    unsigned char *s = (unsigned char *)1;
    assert_status(vault_get(v, "hook", &s, NULL), VAULT_ERR_NOT_FOUND);
    assert_null(s);
    vault_close(v);
    free(before);
}

static void test_change_passphrase(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    vault *v, *w;
    const vault_kdf stronger = {2, 16384};
    case_paths("passwd", dir, path);
    make_small(path);
    unsigned char *before = read_bytes(path, &len);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    assert_status(vault_change_passphrase(v, "new passphrase", &stronger), VAULT_OK);
    /* The same handle keeps working with its new key. */
    put_str(v, "after", VAULT_KIND_APP_SECRET, "", "after-secret");
    vault_close(v);
    size_t len2;
    unsigned char *after = read_bytes(path, &len2);
    assert_memory_not_equal(before + 28, after + 28, VAULT_FMT_SALT_LEN); /* new salt */
    assert_status(vault_open(path, PASS, &w), VAULT_ERR_WRONG_PASSPHRASE);
    assert_status(vault_open(path, "new passphrase", &w), VAULT_OK);
    assert_int_equal(vault_kdf_of(w).opslimit, 2);
    assert_int_equal(vault_kdf_of(w).memlimit, 16384);
    assert_secret(w, "whapi", "tok-1234");
    assert_secret(w, "hook", "s3cr3t");
    assert_secret(w, "after", "after-secret");
    assert_status(vault_change_passphrase(w, "", NULL), VAULT_ERR_INVALID_PASSPHRASE);
    vault_close(w);
    free(before);
    free(after);
}

static void test_other_process_passphrase_change_is_noticed(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    vault *a, *b;
    case_paths("keychanged", dir, path);
    make_small(path);
    assert_status(vault_open(path, PASS, &a), VAULT_OK);
    assert_status(vault_open(path, PASS, &b), VAULT_OK);
    /* No lost update: b writes on top of a's change, which it never read. */
    put_str(a, "from-a", VAULT_KIND_API_TOKEN, "", "aaaa");
    put_str(b, "from-b", VAULT_KIND_API_TOKEN, "", "bbbb");
    assert_non_null(vault_find(b, "from-a"));
    assert_status(vault_refresh(a), VAULT_OK);
    assert_non_null(vault_find(a, "from-b"));
    assert_status(vault_change_passphrase(a, "another one", &cheap), VAULT_OK);
    unsigned char *before = read_bytes(path, &len);
    assert_status(vault_put(b, "x", VAULT_KIND_API_TOKEN, "", "x", 1, VAULT_PUT_ADD),
                  VAULT_ERR_KEY_CHANGED);
    assert_status(vault_refresh(b), VAULT_ERR_KEY_CHANGED);
    assert_file_is(path, before, len);
    vault_close(a);
    vault_close(b);
    free(before);
}

static void test_reset_and_create(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX], deep[PATH_MAX + 16];
    size_t len;
    vault *v;
    struct stat st;
    case_paths("reset", dir, path);
    assert_status(vault_open(path, PASS, &v), VAULT_ERR_NO_VAULT);
    assert_status(vault_reset(path), VAULT_ERR_NO_VAULT);
    make_small(path);
    unsigned char *before = read_bytes(path, &len);
    assert_status(vault_create_with_params(path, "other", &cheap, &v), VAULT_ERR_EXISTS);
    assert_null(v);
    assert_file_is(path, before, len);
    assert_status(vault_reset(path), VAULT_OK);
    assert_int_equal(access(path, F_OK), -1);
    assert_status(vault_open(path, PASS, &v), VAULT_ERR_NO_VAULT);
    assert_status(vault_reset(path), VAULT_ERR_NO_VAULT);
    assert_status(vault_create_with_params(path, "other", &cheap, &v), VAULT_OK);
    assert_int_equal(vault_entries(v, NULL) == NULL, 1);
    vault_close(v);
    /* Missing directories are created, 0700. */
    snprintf(deep, sizeof deep, "%s/a/b/vault", dir);
    assert_status(vault_create_with_params(deep, PASS, &cheap, NULL), VAULT_OK);
    snprintf(deep, sizeof deep, "%s/a/b", dir);
    assert_int_equal(stat(deep, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(deep, sizeof deep, "%s/nodir/vault", dir);
    assert_status(vault_open(deep, PASS, &v), VAULT_ERR_NO_VAULT);
    assert_status(vault_reset(deep), VAULT_ERR_NO_VAULT);
    free(before);
}

static void test_invalid_input_is_refused(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX], n64[65], n65[66], big[VAULT_SECRET_MAX + 2];
    char owner[VAULT_OWNER_MAX + 2];
    vault *v;
    case_paths("invalid", dir, path);
    assert_status(vault_create_with_params(path, PASS, &cheap, &v), VAULT_OK);
    memset(n64, 'n', 64);
    n64[64] = '\0';
    memset(n65, 'n', 65);
    n65[65] = '\0';
    static const char *const bad_names[] = {"", "has space", "tab\there", "nl\n", "caf\xc3\xa9",
                                            "del\x7f", NULL};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        assert_status(vault_put(v, bad_names[i], VAULT_KIND_API_TOKEN, "", "s", 1, VAULT_PUT_ADD),
                      VAULT_ERR_INVALID_NAME);
    assert_status(vault_put(v, n65, VAULT_KIND_API_TOKEN, "", "s", 1, VAULT_PUT_ADD),
                  VAULT_ERR_INVALID_NAME);
    assert_status(vault_rename(v, "a", "b c"), VAULT_ERR_INVALID_NAME);
    assert_status(vault_remove(v, ""), VAULT_ERR_INVALID_NAME);
    put_str(v, n64, VAULT_KIND_API_TOKEN, "", "ok");
    put_str(v, "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", VAULT_KIND_API_TOKEN, "", "ok");
    assert_status(vault_put(v, "k", (vault_kind)0, "", "s", 1, VAULT_PUT_ADD), VAULT_ERR_INVALID);
    assert_status(vault_put(v, "k", (vault_kind)5, "", "s", 1, VAULT_PUT_ADD), VAULT_ERR_INVALID);
    assert_status(vault_put(v, "k", VAULT_KIND_API_TOKEN, "a\nb", "s", 1, VAULT_PUT_ADD),
                  VAULT_ERR_INVALID);
    memset(owner, 'o', sizeof owner - 1);
    owner[sizeof owner - 1] = '\0';
    assert_status(vault_put(v, "k", VAULT_KIND_API_TOKEN, owner, "s", 1, VAULT_PUT_ADD),
                  VAULT_ERR_INVALID);
    assert_status(vault_put(v, "k", VAULT_KIND_API_TOKEN, "", "", 0, VAULT_PUT_ADD),
                  VAULT_ERR_INVALID);
    memset(big, 'b', sizeof big);
    assert_status(vault_put(v, "k", VAULT_KIND_API_TOKEN, "", big, VAULT_SECRET_MAX + 1,
                            VAULT_PUT_ADD),
                  VAULT_ERR_INVALID);
    assert_status(vault_put(v, "k", VAULT_KIND_API_TOKEN, "", big, VAULT_SECRET_MAX,
                            VAULT_PUT_ADD),
                  VAULT_OK);
    assert_int_equal(vault_entries(v, NULL) != NULL, 1);
    assert_null(vault_find(v, "has space"));
    vault_close(v);
    assert_status(vault_open("", PASS, &v), VAULT_ERR_PATH);
    assert_status(vault_open("/tmp/dir/", PASS, &v), VAULT_ERR_PATH);
}

static void test_binary_and_large_secrets(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    unsigned char bin[255], large[4096], *s;
    size_t len;
    vault *v;
    case_paths("binary", dir, path);
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i + 1); /* 0x01..0xff: every byte but NUL */
    for (size_t i = 0; i < sizeof large; i++)
        large[i] = (unsigned char)('!' + (i * 7) % 94);
    assert_status(vault_create_with_params(path, PASS, &cheap, &v), VAULT_OK);
    assert_status(vault_put(v, "bin", VAULT_KIND_APP_SECRET, "", bin, sizeof bin, VAULT_PUT_ADD),
                  VAULT_OK);
    assert_status(vault_put(v, "large", VAULT_KIND_API_TOKEN, "", large, sizeof large,
                            VAULT_PUT_ADD),
                  VAULT_OK);
    vault_close(v);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    assert_status(vault_get(v, "bin", &s, &len), VAULT_OK);
    assert_int_equal(len, sizeof bin);
    assert_memory_equal(s, bin, sizeof bin);
    assert_int_equal(s[len], 0);
    vault_secret_free(s);
    assert_status(vault_get(v, "large", &s, &len), VAULT_OK);
    assert_int_equal(len, sizeof large);
    assert_memory_equal(s, large, sizeof large);
    assert_int_equal(s[len], 0);
    vault_secret_free(s);
    assert_int_equal(vault_find(v, "large")->secret_len, 4096);
    vault_close(v);
}

static void test_every_write_has_a_new_nonce(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    static const char canary[] = "CANARY-f00dfeed-0123456789";
    size_t l1, l2;
    vault *v;
    case_paths("nonce", dir, path);
    assert_status(vault_create_with_params(path, PASS, &cheap, &v), VAULT_OK);
    put_str(v, "c", VAULT_KIND_API_TOKEN, "", canary);
    unsigned char *a = read_bytes(path, &l1);
    put_str(v, "c", VAULT_KIND_API_TOKEN, "", canary); /* same content, rewritten */
    unsigned char *b = read_bytes(path, &l2);
    vault_close(v);
    assert_int_equal(l1, l2);
    assert_memory_equal(a + 28, b + 28, VAULT_FMT_SALT_LEN);
    assert_memory_not_equal(a + 44, b + 44, VAULT_FMT_NONCE_LEN);
    assert_memory_not_equal(a + VAULT_FMT_HEADER_LEN, b + VAULT_FMT_HEADER_LEN,
                            l1 - VAULT_FMT_HEADER_LEN);
    assert_null(memmem(a, l1, canary, strlen(canary)));
    assert_null(memmem(a, l1, "CANARY", 6));
    free(a);
    free(b);
}

/* ---- paths, messages, locks, temp files ---- */

static void setenv_or_unset(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static void test_default_path(void **state)
{
    char out[PATH_MAX], *home = getenv("HOME"), *xdg = getenv("XDG_DATA_HOME");
    char saved_home[PATH_MAX], saved_xdg[PATH_MAX];
    snprintf(saved_home, sizeof saved_home, "%s", home ? home : "");
    snprintf(saved_xdg, sizeof saved_xdg, "%s", xdg ? xdg : "");
    setenv("HOME", "/home/agent", 1);
    setenv("XDG_DATA_HOME", "/srv/data", 1);
    assert_status(vault_default_path(out, sizeof out), VAULT_OK);
    assert_string_equal(out, "/srv/data/hubdesk/vault");
    setenv("XDG_DATA_HOME", "/srv/data//", 1);
    assert_status(vault_default_path(out, sizeof out), VAULT_OK);
    assert_string_equal(out, "/srv/data/hubdesk/vault");
    unsetenv("XDG_DATA_HOME");
    assert_status(vault_default_path(out, sizeof out), VAULT_OK);
    assert_string_equal(out, "/home/agent/.local/share/hubdesk/vault");
    setenv("XDG_DATA_HOME", "relative/data", 1); /* invalid per the XDG spec: ignored */
    assert_status(vault_default_path(out, sizeof out), VAULT_OK);
    assert_string_equal(out, "/home/agent/.local/share/hubdesk/vault");
    setenv("XDG_DATA_HOME", "", 1);
    assert_status(vault_default_path(out, sizeof out), VAULT_OK);
    assert_string_equal(out, "/home/agent/.local/share/hubdesk/vault");
    assert_status(vault_default_path(out, 20), VAULT_ERR_PATH);
    assert_string_equal(out, "");
    setenv_or_unset("HOME", home ? saved_home : NULL);
    setenv_or_unset("XDG_DATA_HOME", xdg ? saved_xdg : NULL);
}

static void test_status_messages_and_kinds(void **state)
{
    for (int i = 0; i < VAULT_STATUS_COUNT; i++) {
        const char *m = vault_status_message((vault_status)i);
        assert_non_null(m);
        assert_true(strlen(m) > 3);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(m, vault_status_message((vault_status)j));
    }
    assert_non_null(vault_status_message((vault_status)999));
    assert_describe_has(VAULT_ERR_TRUNCATED, "/x/vault", 0, "/x/vault");
    assert_describe_has(VAULT_ERR_IO, "/x/vault", ENOSPC, strerror(ENOSPC));
    assert_describe_has(VAULT_ERR_NO_SPACE, "/x/vault", 0, "disk full");
    assert_describe_has(VAULT_ERR_NO_SPACE, "/x/vault", 0, "/x/vault was not changed");
    char tiny[8];
    vault_describe(VAULT_ERR_UNSAFE_FILE, "/a/very/long/path/vault", 0, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), 7);
    for (int k = VAULT_KIND_API_TOKEN; k <= VAULT_KIND_WEBHOOK_SECRET; k++)
        assert_int_equal(vault_kind_from_name(vault_kind_name((vault_kind)k)), k);
    assert_string_equal(vault_kind_name(VAULT_KIND_WEBHOOK_SECRET), "webhook-secret");
    assert_string_equal(vault_kind_name((vault_kind)9), "?");
    assert_int_equal(vault_kind_from_name("nope"), 0);
}

static void test_lock_held_elsewhere_times_out(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX], lock[PATH_MAX + 8];
    size_t len;
    vault *v;
    case_paths("lock", dir, path);
    make_small(path);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    unsigned char *before = read_bytes(path, &len);
    /* flock locks belong to the open file description: a second open conflicts in-process. */
    snprintf(lock, sizeof lock, "%s.lock", path);
    int fd = open(lock, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    vault_set_lock_timeout(v, 150);
    double t0 = now_s();
    assert_status(vault_put(v, "x", VAULT_KIND_API_TOKEN, "", "x", 1, VAULT_PUT_ADD),
                  VAULT_ERR_LOCKED);
    assert_true(now_s() - t0 >= 0.14);
    assert_file_is(path, before, len);
    close(fd);
    assert_status(vault_put(v, "x", VAULT_KIND_API_TOKEN, "", "x", 1, VAULT_PUT_ADD), VAULT_OK);
    vault_close(v);
    free(before);
}

static void test_stale_temp_files_are_ignored_then_removed(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX + 32];
    vault *v;
    case_paths("stale", dir, path);
    make_small(path);
    snprintf(tmp, sizeof tmp, "%s.tmp-999999-deadbeef", path);
    write_bytes(tmp, (const unsigned char *)"half a vault", 12);
    snprintf(tmp, sizeof tmp, "%s.tmp-1-0", path);
    write_bytes(tmp, (const unsigned char *)"", 0);
    assert_int_equal(count_temps(dir), 2);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    put_str(v, "new", VAULT_KIND_API_TOKEN, "", "n");
    vault_close(v);
    assert_int_equal(count_temps(dir), 0);
}

/* ---- the pure format ---- */

static vault_fmt_entry fmt_entry(const char *name, const char *secret)
{
    vault_fmt_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.meta.name, sizeof e.meta.name, "%s", name);
    snprintf(e.meta.owner, sizeof e.meta.owner, "owner");
    e.meta.kind = VAULT_KIND_API_TOKEN;
    e.meta.created = 1700000000;
    e.meta.updated = -1; /* any 64-bit value survives */
    e.meta.secret_len = strlen(secret);
    e.secret = (const unsigned char *)secret;
    return e;
}

static void test_format_body_round_trip_and_rejects(void **state)
{
    vault_fmt_entry in[3] = {fmt_entry("a", "one"), fmt_entry("b", "two"), fmt_entry("c", "3")};
    unsigned char buf[512], again[512];
    vault_fmt_entry *out;
    size_t n, size = vault_fmt_body_size(in, 3);
    assert_status(vault_fmt_body_write(in, 3, buf, size), VAULT_OK);
    assert_status(vault_fmt_body_write(in, 3, buf, size - 1), VAULT_ERR_INVALID);
    assert_status(vault_fmt_body_parse(buf, size, &out, &n), VAULT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(out[1].meta.name, "b");
    assert_int_equal(out[1].meta.updated, -1);
    assert_memory_equal(out[1].secret, "two", 3);
    assert_status(vault_fmt_body_write(out, n, again, sizeof again), VAULT_OK);
    assert_memory_equal(buf, again, size);
    free(out);
    /* Every strict prefix and a trailing byte are refused; nothing is read out of bounds. */
    for (size_t cut = 0; cut < size; cut++)
        assert_status(vault_fmt_body_parse(buf, cut, &out, &n), VAULT_ERR_TAMPERED);
    buf[size] = 0;
    assert_status(vault_fmt_body_parse(buf, size + 1, &out, &n), VAULT_ERR_TAMPERED);
    assert_null(out);
    /* Unsorted or duplicate names cannot be written, nor parsed. */
    vault_fmt_entry swapped[2] = {in[1], in[0]}, dup[2] = {in[0], in[0]};
    assert_status(vault_fmt_body_write(swapped, 2, buf, sizeof buf), VAULT_ERR_INVALID);
    assert_status(vault_fmt_body_write(dup, 2, buf, sizeof buf), VAULT_ERR_INVALID);
    assert_status(vault_fmt_body_write(in, 1, buf, sizeof buf), VAULT_OK);
    buf[4] = 9; /* kind */
    assert_status(vault_fmt_body_parse(buf, vault_fmt_body_size(in, 1), &out, &n),
                  VAULT_ERR_TAMPERED);
    static const unsigned char huge_count[8] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    assert_status(vault_fmt_body_parse(huge_count, sizeof huge_count, &out, &n),
                  VAULT_ERR_TAMPERED);
    static const unsigned char empty[4] = {0};
    assert_status(vault_fmt_body_parse(empty, 4, &out, &n), VAULT_OK);
    assert_int_equal(n, 0);
}

static void test_format_header_round_trip(void **state)
{
    vault_fmt_header h = {.version = 1, .kdf_alg = 1, .opslimit = 3, .memlimit = 1 << 20,
                          .body_len = 20};
    vault_fmt_header back;
    unsigned char buf[VAULT_FMT_HEADER_LEN + 20] = {0};
    memset(h.salt, 0x5a, sizeof h.salt);
    memset(h.nonce, 0xa5, sizeof h.nonce);
    vault_fmt_header_write(&h, buf);
    assert_memory_equal(buf, "HDVAULT\0\x01\x00\x01\x00\x03\0\0\0\0\0\0\0", 20);
    assert_status(vault_fmt_header_parse(buf, sizeof buf, &back), VAULT_OK);
    assert_int_equal(back.memlimit, 1 << 20);
    assert_memory_equal(back.nonce, h.nonce, sizeof h.nonce);
    assert_int_equal(back.body_len, 20);
    assert_status(vault_fmt_header_parse(NULL, 0, &back), VAULT_ERR_TRUNCATED);
    assert_status(vault_fmt_header_parse((const unsigned char *)"HDV", 3, &back),
                  VAULT_ERR_TRUNCATED);
    assert_status(vault_fmt_header_parse((const unsigned char *)"{\"json\"", 7, &back),
                  VAULT_ERR_TAMPERED);
}

/* ---- child processes: crash safety and concurrency ---- */

static void writer_path(char *out)
{
    const char *dir = getenv("HUBDESK_TEST_TOOLS");
    snprintf(out, PATH_MAX, "%s/vault_writer", dir && dir[0] ? dir : "build/tests");
    if (access(out, X_OK) != 0)
        fail_msg("%s not found: build it, or set HUBDESK_TEST_TOOLS", out);
}

/*
 * Starts vault_writer with argv; its stdout goes to *out_fd. With pass_fd >= 0 the
 * passphrase pipe becomes the child's descriptor 3 (--passphrase-fd 3 in argv).
 */
static pid_t spawn_writer(char *const argv[], int pass_fd, int *out_fd)
{
    int out[2];
    char tool[PATH_MAX];
    writer_path(tool);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        if (pass_fd >= 0 && pass_fd != 3)
            dup2(pass_fd, 3);
        else if (pass_fd == 3)
            fcntl(3, F_SETFD, 0);
        execv(tool, argv);
        _exit(127);
    }
    close(out[1]);
    *out_fd = out[0];
    return pid;
}

/* A pipe already holding the passphrase, for --passphrase-fd. */
static int passphrase_pipe(void)
{
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    assert_int_equal(write(p[1], PASS "\n", strlen(PASS) + 1), (ssize_t)strlen(PASS) + 1);
    close(p[1]);
    return p[0];
}

/*
 * Appends fd's output to buf: everything until EOF (to_eof), or else one read once something
 * arrives within wait_ms (a writer that never stops writing must not keep us here).
 */
static void drain(int fd, char *buf, size_t cap, size_t *len, int wait_ms, int to_eof)
{
    struct pollfd p = {fd, POLLIN, 0};
    for (int reads = 0; (to_eof || reads < 1) && poll(&p, 1, wait_ms) > 0; reads++) {
        char tmp[4096];
        ssize_t r = read(fd, tmp, sizeof tmp);
        if (r <= 0)
            break;
        /* Keep the tail only: the last line is all the crash test needs. */
        if (*len + (size_t)r >= cap) {
            memmove(buf, buf + *len / 2, *len - *len / 2);
            *len -= *len / 2;
        }
        memcpy(buf + *len, tmp, (size_t)r);
        *len += (size_t)r;
        buf[*len] = '\0';
    }
}

/* The last complete line's number, or fallback if no line was written. */
static long last_value(const char *buf, size_t len, long fallback)
{
    if (len == 0)
        return fallback;
    assert_int_equal(buf[len - 1], '\n'); /* reports are single write(2)s: never cut */
    const char *p = buf + len - 1;
    while (p > buf && p[-1] != '\n')
        p--;
    return strtol(p, NULL, 10);
}

static int wait_child(pid_t pid, int timeout_s)
{
    int status;
    for (int i = 0; i < timeout_s * 100; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    fail_msg("vault_writer %ld did not finish in %d s", (long)pid, timeout_s);
    return -1;
}

/* counter = 0 and padding big enough that a kill often lands in the middle of a write. */
static void make_crash_vault(const char *path, unsigned char *pad, size_t padlen)
{
    vault *v;
    assert_status(vault_create_with_params(path, PASS, &cheap, &v), VAULT_OK);
    put_str(v, "counter", VAULT_KIND_API_TOKEN, "counter", "0");
    for (int i = 0; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "pad-%02d", i);
        assert_status(vault_put(v, name, VAULT_KIND_APP_SECRET, "", pad, padlen, VAULT_PUT_ADD),
                      VAULT_OK);
    }
    vault_close(v);
}

/* Opens after a kill: 13 entries, padding intact, and the counter's value returned. */
static long check_after_kill(const char *path, const unsigned char *pad, size_t padlen, int deep)
{
    vault *v;
    unsigned char *s;
    size_t n, len;
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    vault_entries(v, &n);
    assert_int_equal(n, 13);
    assert_status(vault_get(v, "counter", &s, &len), VAULT_OK);
    long value = strtol((char *)s, NULL, 10);
    vault_secret_free(s);
    if (deep) {
        assert_status(vault_get(v, "pad-07", &s, &len), VAULT_OK);
        assert_int_equal(len, padlen);
        assert_memory_equal(s, pad, padlen);
        vault_secret_free(s);
    }
    vault_close(v);
    return value;
}

/* Kills one counter writer at a random moment; returns the vault's counter afterwards. */
static long kill_one_writer(const char *path, long before)
{
    static char out[1 << 16];
    char *argv[] = {"vault_writer", "--passphrase-fd", "3", (char *)path, "counter", "counter",
                    NULL};
    size_t len = 0;
    int pass = passphrase_pipe(), fd;
    pid_t pid = spawn_writer(argv, pass, &fd);
    close(pass);
    /* Mostly after the first commit, sometimes while it is still starting up. */
    if (rand() % 8 != 0) {
        drain(fd, out, sizeof out - 1, &len, 5000, 0);
        usleep((useconds_t)(rand() % 6000));
    }
    kill(pid, SIGKILL);
    int status = wait_child(pid, 30);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
        fail_msg("vault_writer ended by itself (status %d): see its stderr above", status);
    drain(fd, out, sizeof out - 1, &len, -1, 1);
    close(fd);
    return last_value(out, len, before);
}

static void test_sigkill_during_writes_keeps_old_or_new_state(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX];
    unsigned char pad[4096];
    const char *seed_env = getenv("VAULT_TEST_SEED");
    unsigned seed = seed_env ? (unsigned)atoi(seed_env) : (unsigned)time(NULL) ^ (unsigned)getpid();
    int newer = 0;
    case_paths("crash", dir, path);
    randombytes_buf(pad, sizeof pad);
    make_crash_vault(path, pad, sizeof pad);
    srand(seed);
    long value = 0;
    double t0 = now_s();
    for (int k = 0; k < CRASH_KILLS; k++) {
        long reported = kill_one_writer(path, value);
        long now = check_after_kill(path, pad, sizeof pad, k % 10 == 0);
        /* The last value the writer reported is committed; one more may be too. */
        if (now != reported && now != reported + 1)
            fail_msg("kill %d (seed %u): vault holds %ld, writer last reported %ld", k, seed, now,
                     reported);
        assert_true(now >= value);
        newer += now == reported + 1;
        value = now;
    }
    int stale = count_temps(dir);
    printf("vault: %d SIGKILLs in %.1f s (seed %u): counter reached %ld, %d kills landed "
           "between rename and report, %d stale temp files\n",
           CRASH_KILLS, now_s() - t0, seed, value, newer, stale);
    assert_true(value > CRASH_KILLS / 2); /* the writer did make progress */
    vault *v;
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    put_str(v, "counter", VAULT_KIND_API_TOKEN, "counter", "final");
    vault_close(v);
    assert_int_equal(count_temps(dir), 0);
}

static void test_two_writers_lose_no_update(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX], passfile[PATH_MAX + 8], count[16], out[2][256];
    vault *v;
    size_t n, len[2] = {0, 0};
    int fd[2];
    pid_t pid[2];
    case_paths("race", dir, path);
    make_small(path);
    snprintf(passfile, sizeof passfile, "%s/pass", dir);
    write_bytes(passfile, (const unsigned char *)PASS "\n", strlen(PASS) + 1);
    snprintf(count, sizeof count, "%d", RACE_ENTRIES);
    setenv("HUBDESK_PASSPHRASE_FILE", passfile, 1);
    for (int i = 0; i < 2; i++) {
        char *argv[] = {"vault_writer", path, "add", i ? "B" : "A", count, NULL};
        pid[i] = spawn_writer(argv, -1, &fd[i]);
    }
    unsetenv("HUBDESK_PASSPHRASE_FILE");
    double t0 = now_s();
    for (int i = 0; i < 2; i++) {
        int status = wait_child(pid[i], 60);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        drain(fd[i], out[i], sizeof out[i] - 1, &len[i], -1, 1);
        close(fd[i]);
        assert_string_equal(out[i], "done 100\n");
    }
    printf("vault: two writers added %d entries each in %.2f s\n", RACE_ENTRIES, now_s() - t0);
    assert_status(vault_open(path, PASS, &v), VAULT_OK);
    vault_entries(v, &n);
    assert_int_equal(n, 2 * RACE_ENTRIES + 2);
    for (int i = 0; i < RACE_ENTRIES; i++) {
        char a[16], b[16];
        snprintf(a, sizeof a, "A-%d", i);
        snprintf(b, sizeof b, "B-%d", i);
        assert_non_null(vault_find(v, a));
        assert_non_null(vault_find(v, b));
    }
    assert_secret(v, "B-99", "B-99-secret");
    assert_secret(v, "whapi", "tok-1234");
    vault_close(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_default_kdf),
        cmocka_unit_test(test_wrong_passphrase_changes_nothing),
        cmocka_unit_test(test_every_bit_flip_is_damage),
        cmocka_unit_test(test_every_truncation_is_detected),
        cmocka_unit_test(test_format1_file_is_read_and_upgraded),
        cmocka_unit_test(test_future_version_is_refused),
        cmocka_unit_test(test_hostile_kdf_parameters_are_capped),
        cmocka_unit_test(test_unsafe_file_modes_are_refused),
        cmocka_unit_test(test_unsafe_directory_is_refused),
        cmocka_unit_test(test_rename_remove_replace),
        cmocka_unit_test(test_change_passphrase),
        cmocka_unit_test(test_other_process_passphrase_change_is_noticed),
        cmocka_unit_test(test_reset_and_create),
        cmocka_unit_test(test_invalid_input_is_refused),
        cmocka_unit_test(test_binary_and_large_secrets),
        cmocka_unit_test(test_every_write_has_a_new_nonce),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_status_messages_and_kinds),
        cmocka_unit_test(test_lock_held_elsewhere_times_out),
        cmocka_unit_test(test_stale_temp_files_are_ignored_then_removed),
        cmocka_unit_test(test_format_body_round_trip_and_rejects),
        cmocka_unit_test(test_format_header_round_trip),
        cmocka_unit_test(test_sigkill_during_writes_keeps_old_or_new_state),
        cmocka_unit_test(test_two_writers_lose_no_update),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
