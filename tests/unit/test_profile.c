/* test_profile.c: profiles on disk: round trip, and every kind of bad file left untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "profile.h"

static char dir[256], path[300];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/hd-profile-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/sub/profiles.json", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static profile make(const char *name, const char *url)
{
    profile p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.provider, sizeof p.provider, "keebai");
    snprintf(p.base_url, sizeof p.base_url, "%s", url);
    snprintf(p.label, sizeof p.label, "Acme Chile");
    snprintf(p.secret, sizeof p.secret, "%s-token", name);
    return p;
}

/* The whole list as the new content, for profile_transact. */
static int replace_all(profile_list *cur, void *arg, char *err, size_t errsz)
{
    const profile_list *want = arg;
    profile_list_free(cur);
    for (size_t i = 0; i < want->n; i++)
        if (profile_add(cur, &want->items[i], err, errsz) < 0)
            return -1;
    return 0;
}

/* Writes l through profile_transact, the only writer. */
static int save(const profile_list *l, char *err, size_t errsz)
{
    int rc = profile_transact(path, &(profile_change){replace_all, NULL, (void *)l}, err, errsz);
    if (rc != 0)
        print_message("save: %s\n", err);
    return rc;
}

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_missing_file_is_an_empty_list(void **state)
{
    profile_list l;
    char err[256];
    assert_int_equal(profile_load(path, &l, err, sizeof err), 0);
    assert_int_equal(l.n, 0);
}

static void test_round_trip(void **state)
{
    profile_list l = {0}, back;
    char err[256];
    profile a = make("acme", "https://api.keebai.com"), b = make("lab", "http://127.0.0.1:9/keebai");
    assert_int_equal(profile_add(&l, &a, err, sizeof err), 0);
    assert_int_equal(profile_add(&l, &b, err, sizeof err), 0);
    assert_int_equal(profile_add(&l, &a, err, sizeof err), -1); /* name taken */
    assert_int_equal(save(&l, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(profile_load(path, &back, err, sizeof err), 0);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.items[1].base_url, "http://127.0.0.1:9/keebai");
    assert_string_equal(back.items[0].secret, "acme-token");
    assert_int_equal(profile_rename(&back, "lab", "workshop", err, sizeof err), 0);
    assert_int_equal(profile_rename(&back, "nope", "x", err, sizeof err), -1);
    assert_int_equal(profile_rename(&back, "acme", "has space", err, sizeof err), -1);
    assert_int_equal(profile_rename(&back, "acme", "workshop", err, sizeof err), -1);
    assert_int_equal(profile_remove(&back, "acme"), 0);
    assert_int_equal(profile_remove(&back, "acme"), -1);
    assert_int_equal(back.n, 1);
    assert_string_equal(back.items[0].name, "workshop");
    profile_list_free(&l);
    profile_list_free(&back);
}

static void test_validation(void **state)
{
    char err[256];
    profile p = make("x", "http://api.keebai.com");
    assert_int_equal(profile_validate(&p, err, sizeof err), -1); /* plain http off-machine */
    p = make("x", "https://a.example");
    snprintf(p.provider, sizeof p.provider, "whatsnot");
    assert_int_equal(profile_validate(&p, err, sizeof err), -1);
    p = make("bad name", "https://a.example");
    assert_int_equal(profile_validate(&p, err, sizeof err), -1);
    p = make("x", "https://a.example");
    snprintf(p.label, sizeof p.label, "evil\x1b[2J");
    assert_int_equal(profile_validate(&p, err, sizeof err), -1);
}

/* Each bad file is refused with a message and left byte for byte as it was. */
static void test_bad_files_are_refused_and_kept(void **state)
{
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"profiles\": {}}",
        "{\"profiles\": [42]}",
        "{\"profiles\": [{\"name\":\"a\",\"provider\":\"keebai\"}]}",
        "{\"profiles\": [{\"name\":\"a\",\"provider\":\"keebai\",\"base_url\":\"http://evil.example\"}]}",
        "{\"profiles\": [{\"name\":\"a\\u0000b\",\"provider\":\"keebai\",\"base_url\":\"https://x\"}]}",
        "{\"profiles\": [{\"name\":\"a\",\"provider\":\"keebai\",\"base_url\":\"https://x\"},"
        "{\"name\":\"a\",\"provider\":\"keebai\",\"base_url\":\"https://y\"}]}",
        "{\"profiles\": [], \"profiles\": []}",
        "{\"profiles\": [{\"name\":\"a\",\"provider\":\"keebai\",\"base_url\":\"https://x\",\"label\":7}]}",
    };
    char err[512];
    mkdir(dir, 0700);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0700);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        profile_list l;
        write_file(bad[i]);
        err[0] = '\0';
        assert_int_equal(profile_load(path, &l, err, sizeof err), -1);
        assert_true(strlen(err) > 10);
        assert_int_equal(l.n, 0);
        FILE *f = fopen(path, "r");
        char back[512] = "";
        size_t n = fread(back, 1, sizeof back - 1, f);
        fclose(f);
        back[n] = '\0';
        assert_string_equal(back, bad[i]);
    }
}

static void mkdir_sub(void)
{
    char sub[300];
    mkdir(dir, 0700);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0700);
}

/* api_key_secret and remembered lists survive a save and a load; add deep-copies. */
static void test_remembered_round_trip(void **state)
{
    profile_list l = {0}, back;
    char err[256];
    profile p = make("hc", "http://127.0.0.1:9/hydracore");
    snprintf(p.provider, sizeof p.provider, "hydracore");
    snprintf(p.api_key_secret, sizeof p.api_key_secret, "hc-apikey");
    assert_null(profile_remembered(&p, "instances"));
    assert_int_equal(profile_remember(&p, "instances", "497f6eca-6276-4993-bfeb-53cbbbba6f08",
                                      "Shop", NULL, err, sizeof err), 0);
    assert_int_equal(profile_remember(&p, "channels", "ch-1", NULL, "SMS", err, sizeof err), 0);
    assert_int_equal(profile_remember(&p, "channels", "ch-2", "Caf\xc3\xa9", "whatsapp", err,
                                      sizeof err), 0);
    /* same id: an update, not a second item; NULL name and kind keep what was there */
    assert_int_equal(profile_remember(&p, "channels", "ch-1", "Texts", NULL, err, sizeof err), 0);
    json_t *ch = profile_remembered(&p, "channels");
    assert_int_equal(json_array_size(ch), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 0), "kind")), "sms");
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 0), "name")), "Texts");
    assert_int_equal(profile_remember(&p, "channels", "ch-1", NULL, NULL, err, sizeof err), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 0), "name")), "Texts");

    assert_int_equal(profile_add(&l, &p, err, sizeof err), 0);
    /* the list holds its own copy: changing or freeing the original leaves it alone */
    assert_int_equal(profile_forget(&p, "channels", "ch-2"), 0);
    profile_clear(&p);
    assert_null(p.remembered);
    assert_int_equal(json_array_size(profile_remembered(&l.items[0], "channels")), 2);
    profile k = make("kb", "https://api.keebai.com"); /* no new fields: written as before */
    assert_int_equal(profile_add(&l, &k, err, sizeof err), 0);
    unlink(path); /* a bad file from an earlier case: a write never goes over one */
    assert_int_equal(save(&l, err, sizeof err), 0);

    FILE *f = fopen(path, "r");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "\"api_key_secret\": \"hc-apikey\""));
    assert_int_equal(strstr(strstr(text, "\"kb\""), "remembered") == NULL, 1);
    assert_int_equal(strstr(strstr(text, "\"kb\""), "api_key_secret") == NULL, 1);

    assert_int_equal(profile_load(path, &back, err, sizeof err), 0);
    assert_int_equal(back.n, 2);
    profile *h = &back.items[0];
    assert_string_equal(h->api_key_secret, "hc-apikey");
    assert_null(back.items[1].remembered);
    json_t *inst = profile_remembered(h, "instances");
    assert_int_equal(json_array_size(inst), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(inst, 0), "name")), "Shop");
    ch = profile_remembered(h, "channels");
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 1), "name")), "Caf\xc3\xa9");
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 1), "kind")), "whatsapp");

    /* a copy is deep too */
    profile c;
    assert_int_equal(profile_copy(&c, h), 0);
    assert_int_equal(profile_forget(&c, "channels", "ch-1"), 0);
    assert_int_equal(profile_forget(&c, "channels", "ch-1"), -1);
    assert_int_equal(profile_forget(&c, "nothing", "ch-2"), -1);
    assert_int_equal(json_array_size(profile_remembered(h, "channels")), 2);
    assert_int_equal(profile_forget(&c, "channels", "ch-2"), 0);
    assert_null(profile_remembered(&c, "channels")); /* empty is NULL */
    profile_clear(&c);

    /* removing frees it (ASan would tell) */
    assert_int_equal(profile_remove(&back, "hc"), 0);
    assert_int_equal(back.n, 1);
    profile_list_free(&l);
    profile_list_free(&back);
}

static void test_remember_refuses_bad_items(void **state)
{
    char err[256], id[200];
    profile p = make("x", "https://a.example");
    snprintf(p.provider, sizeof p.provider, "chatt2me");
    const char *bad_ids[] = {"", "has space", "tab\tid", "\x1b[2J", "caf\xc3\xa9", NULL};
    for (size_t i = 0; i < 6; i++) {
        err[0] = '\0';
        assert_int_equal(profile_remember(&p, "channels", bad_ids[i], "n", NULL, err, sizeof err), -1);
        assert_true(strlen(err) > 10);
    }
    memset(id, 'a', 129);
    id[129] = '\0';
    assert_int_equal(profile_remember(&p, "channels", id, NULL, NULL, err, sizeof err), -1);
    id[128] = '\0';
    assert_int_equal(profile_remember(&p, "channels", id, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(profile_remember(&p, "channels", "c1", "evil\x1b[31m", NULL, err, sizeof err), -1);
    assert_int_equal(profile_remember(&p, "channels", "c1", "c1\xc2\x9b", NULL, err, sizeof err), -1);
    assert_int_equal(profile_remember(&p, "channels", "c1", "bad\xff", NULL, err, sizeof err), -1);
    assert_int_equal(profile_remember(&p, "channels", "c1", "n", "fax", err, sizeof err), -1);
    assert_non_null(strstr(err, "fax"));
    assert_non_null(strstr(err, "webchatt"));
    assert_int_equal(profile_remember(&p, "instances", "i1", "n", "sms", err, sizeof err), -1);
    assert_int_equal(profile_remember(&p, "projects", "i1", "n", NULL, err, sizeof err), -1);
    char name[140 * 2 + 1] = "";
    for (int i = 0; i < 128; i++)
        strcat(name, "\xc3\xa9"); /* 128 characters, 256 bytes: fine */
    assert_int_equal(profile_remember(&p, "channels", "c1", name, NULL, err, sizeof err), 0);
    strcat(name, "e");
    assert_int_equal(profile_remember(&p, "channels", "c1", name, NULL, err, sizeof err), -1);
    for (int i = 2; i < PROFILE_REMEMBER_MAX; i++) { /* two are there already */
        snprintf(id, sizeof id, "id-%d", i);
        assert_int_equal(profile_remember(&p, "channels", id, NULL, "sms", err, sizeof err), 0);
    }
    assert_int_equal(json_array_size(profile_remembered(&p, "channels")), PROFILE_REMEMBER_MAX);
    assert_int_equal(profile_remember(&p, "channels", "one-more", NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "200"));
    assert_int_equal(profile_remember(&p, "channels", "id-5", "renamed", NULL, err, sizeof err), 0);
    assert_int_equal(profile_remember(&p, "instances", "one-more", NULL, NULL, err, sizeof err), 0);
    profile_clear(&p);
    p = make("y", "https://a.example");
    snprintf(p.api_key_secret, sizeof p.api_key_secret, "has space");
    assert_int_equal(profile_validate(&p, err, sizeof err), -1);
}

/* Bad api_key_secret and remembered contents: refused on load, the file left as it was. */
static void test_bad_remembered_files_are_refused_and_kept(void **state)
{
#define P(extra) "{\"profiles\": [{\"name\":\"a\",\"provider\":\"hydracore\",\"base_url\":\"https://x\"," extra "}]}"
    static const char *const bad[] = {
        P("\"api_key_secret\": 5"),
        P("\"api_key_secret\": \"two words\""),
        P("\"api_key_secret\": \"\\u001b[2J\""),
        P("\"remembered\": []"),
        P("\"remembered\": \"x\""),
        P("\"remembered\": {\"projects\": []}"),
        P("\"remembered\": {\"instances\": {}}"),
        P("\"remembered\": {\"instances\": [\"i1\"]}"),
        P("\"remembered\": {\"instances\": [{\"name\": \"no id\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": 7}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"a b\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"a\\u0000b\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"i1\", \"name\": 3}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"i1\", \"name\": \"bell\\u0007\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"i1\", \"name\": \"csi\\u009b\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"i1\", \"kind\": \"sms\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"i1\", \"secret\": \"x\"}]}"),
        P("\"remembered\": {\"instances\": [{\"id\": \"i1\"}, {\"id\": \"i1\"}]}"),
        P("\"remembered\": {\"channels\": [{\"id\": \"c1\", \"kind\": \"fax\"}]}"),
        P("\"remembered\": {\"channels\": [{\"id\": \"c1\", \"kind\": \"SMS\"}]}"),
        P("\"remembered\": {\"channels\": [{\"id\": \"c1\", \"kind\": 1}]}"),
        P("\"remembered\": {\"channels\": [{\"id\": \"c1\"}], \"channels\": []}"),
    };
    char err[512];
    mkdir_sub();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        profile_list l;
        write_file(bad[i]);
        err[0] = '\0';
        if (profile_load(path, &l, err, sizeof err) != -1)
            fail_msg("case %zu was accepted: %s", i, bad[i]);
        assert_true(strlen(err) > 10);
        assert_null(strchr(err, '\x1b'));
        assert_int_equal(l.n, 0);
        FILE *f = fopen(path, "r");
        char back[1024] = "";
        size_t n = fread(back, 1, sizeof back - 1, f);
        fclose(f);
        back[n] = '\0';
        assert_string_equal(back, bad[i]);
    }
    /* 201 instances: too many; 200: fine */
    char *big = malloc(64 * 1024);
    assert_non_null(big);
    for (int count = 200; count <= 201; count++) {
        size_t used = (size_t)sprintf(big, "{\"profiles\": [{\"name\":\"a\",\"provider\":\"hydracore\","
                                           "\"base_url\":\"https://x\",\"remembered\":{\"instances\":[");
        for (int i = 0; i < count; i++)
            used += (size_t)sprintf(big + used, "%s{\"id\":\"i%d\",\"name\":\"n\"}", i ? "," : "", i);
        sprintf(big + used, "]}}]}");
        write_file(big);
        profile_list l;
        assert_int_equal(profile_load(path, &l, err, sizeof err), count == 200 ? 0 : -1);
        if (count == 200)
            assert_int_equal(json_array_size(profile_remembered(&l.items[0], "instances")), 200);
        else
            assert_non_null(strstr(err, "200"));
        profile_list_free(&l);
    }
    free(big);
    /* null lists and a null remembered are the same as none */
    write_file(P("\"remembered\": {\"instances\": null, \"channels\": []}"));
    profile_list l;
    assert_int_equal(profile_load(path, &l, err, sizeof err), 0);
    assert_null(profile_remembered(&l.items[0], "instances"));
    assert_null(profile_remembered(&l.items[0], "channels"));
    profile_list_free(&l);
#undef P
}

static void test_default_path_follows_xdg(void **state)
{
    char out[512];
    setenv("XDG_CONFIG_HOME", "/x/conf", 1);
    assert_int_equal(profile_default_path(out, sizeof out), 0);
    assert_string_equal(out, "/x/conf/hubdesk/profiles.json");
    setenv("XDG_CONFIG_HOME", "relative/conf", 1); /* invalid per the XDG spec: ignored */
    setenv("HOME", "/home/agent", 1);
    assert_int_equal(profile_default_path(out, sizeof out), 0);
    assert_string_equal(out, "/home/agent/.config/hubdesk/profiles.json");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    assert_int_equal(profile_default_path(out, sizeof out), -1);
    assert_int_equal(profile_default_path(out, 8), -1);
}

/* The file's text, for "it was not changed" checks. */
static char *slurp(const char *p)
{
    FILE *f = fopen(p, "r");
    char *text = calloc(1, 65536);
    assert_non_null(f);
    assert_non_null(text);
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* An empty sub/ for the next case: the group shares one temp dir. */
static void fresh_sub(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/sub'", dir);
    assert_int_equal(system(cmd), 0);
    mkdir_sub();
}

/* A fresh sub/ holding a file with one profile, "acme", written the normal way. */
static void write_acme(void)
{
    profile_list l = {0};
    char err[512];
    profile a = make("acme", "https://api.keebai.com");
    fresh_sub();
    assert_int_equal(profile_add(&l, &a, err, sizeof err), 0);
    assert_int_equal(save(&l, err, sizeof err), 0);
    profile_list_free(&l);
}

static int add_one(profile_list *l, void *arg, char *err, size_t errsz)
{
    profile p = make(arg, "https://api.keebai.com");
    return profile_add(l, &p, err, errsz);
}

/* Refused with a message holding `want`; the file is left as it was, and so is a write. */
static void assert_refused(const char *want)
{
    profile_list l;
    char err[2048];
    char *before = slurp(path);
    assert_int_equal(profile_load(path, &l, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("\"%s\" not in \"%s\"", want, err);
    assert_int_equal(l.n, 0);
    assert_int_equal(profile_transact(path, &(profile_change){add_one, NULL, "new"}, err, sizeof err), -1);
    char *after = slurp(path);
    assert_string_equal(after, before);
    free(after);
    free(before);
}

/*
 * The file says where vault tokens go: if another user can write it, or replace it in its
 * directory, it is refused with the exact command that fixes it.
 */
static void test_file_others_can_write_is_refused(void **state)
{
    static const mode_t bad[] = {0666, 0620, 0602, 0660, 0622};
    char want[700], sub[300];
    profile_list l;
    char err[2048];
    write_acme();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(chmod(path, bad[i]), 0);
        snprintf(want, sizeof want, "Fix it with: chmod 600 %s", path);
        assert_refused(want);
        assert_refused("decides where your hub tokens are sent");
    }
    assert_int_equal(chmod(path, 0644), 0); /* readable is fine: no secret in it */
    assert_int_equal(profile_load(path, &l, err, sizeof err), 0);
    profile_list_free(&l);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(chmod(sub, 0777), 0);
    snprintf(want, sizeof want, "the directory %s can be changed by another user", sub);
    assert_refused(want);
    snprintf(want, sizeof want, "Fix it with: chmod 700 %s", sub);
    assert_refused(want);
    assert_int_equal(chmod(sub, 0755), 0);
    assert_int_equal(profile_load(path, &l, err, sizeof err), 0);
    profile_list_free(&l);
}

/*
 * Another owner can rewrite it whatever its mode. Run as root, "another user" is any uid but
 * 0: a user's file must not steer root's tokens; the fix is a chown to us.
 */
static void test_file_of_another_user_is_refused(void **state)
{
    char want[700], sub[300];
    struct passwd *me = getpwuid(geteuid());
    write_acme();
    if (chown(path, 12345, (gid_t)-1) != 0)
        skip(); /* not root: we cannot give a file away to test this */
    snprintf(want, sizeof want, "Fix it with: chown %s %s", me ? me->pw_name : "?", path);
    assert_refused("owner uid 12345");
    assert_refused(want);
    assert_int_equal(chmod(path, 0666), 0);
    snprintf(want, sizeof want, "Fix it with: chown %s %s && chmod 600 %s", me ? me->pw_name : "?",
             path, path);
    assert_refused(want);
    assert_int_equal(chown(path, geteuid(), (gid_t)-1), 0);
    assert_int_equal(chmod(path, 0600), 0);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(chown(sub, 12345, (gid_t)-1), 0);
    assert_refused("the directory");
    assert_int_equal(chown(sub, geteuid(), (gid_t)-1), 0);
}

/* A FIFO or a directory where the file should be: refused at once, never hung on. */
static void test_not_a_regular_file_is_refused(void **state)
{
    profile_list l;
    char err[2048];
    fresh_sub();
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(profile_load(path, &l, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    unlink(path);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(profile_load(path, &l, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    rmdir(path);
}

static int undo_calls;

static void count_undo(void *arg)
{
    undo_calls++;
}

/* When the file cannot be written, undo runs (a vault entry stored by apply goes) and the
   file stays as it was; when it is written, undo does not run. */
static void test_failed_write_undoes_the_change(void **state)
{
    char tmp[400], err[512];
    write_acme();
    char *before = slurp(path);
    /* The writer's temp file is PATH.tmp.PID: a directory there makes its creation fail. */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(mkdir(tmp, 0700), 0);
    undo_calls = 0;
    profile_change c = {add_one, count_undo, "lab"};
    assert_int_equal(profile_transact(path, &c, err, sizeof err), -1);
    assert_int_equal(undo_calls, 1);
    assert_non_null(strstr(err, "cannot write"));
    char *after = slurp(path);
    assert_string_equal(after, before);
    free(after);
    rmdir(tmp);
    assert_int_equal(profile_transact(path, &c, err, sizeof err), 0);
    assert_int_equal(undo_calls, 1);
    /* a refused change writes nothing and has nothing to undo */
    assert_int_equal(profile_transact(path, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "already exists"));
    assert_int_equal(undo_calls, 1);
    free(before);
}

#define WRITERS 8
#define ADDS 15

/* WRITERS processes each add ADDS profiles at once: none of the 120 is lost. */
static void test_concurrent_writers_lose_nothing(void **state)
{
    pid_t pids[WRITERS];
    char err[512];
    fresh_sub();
    for (int w = 0; w < WRITERS; w++) {
        if ((pids[w] = fork()) == 0) {
            int bad = 0;
            for (int i = 0; i < ADDS; i++) {
                char name[32];
                snprintf(name, sizeof name, "w%d-p%d", w, i);
                bad |= profile_transact(path, &(profile_change){add_one, NULL, name}, err,
                                        sizeof err) != 0;
            }
            _exit(bad);
        }
        assert_true(pids[w] > 0);
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    profile_list l;
    assert_int_equal(profile_load(path, &l, err, sizeof err), 0);
    assert_int_equal(l.n, WRITERS * ADDS);
    profile_list_free(&l);
}

/* The decoder works on a buffer: what serialize writes, parse reads back; no NUL needed. */
static void test_parse_from_a_buffer(void **state)
{
    profile_list l = {0}, back;
    char err[512];
    profile a = make("acme", "https://api.keebai.com");
    assert_int_equal(profile_remember(&a, "channels", "c1", "Caf\xc3\xa9", "sms", err, sizeof err), 0);
    assert_int_equal(profile_add(&l, &a, err, sizeof err), 0);
    profile_clear(&a);
    char *text = profile_serialize(&l);
    assert_non_null(text);
    size_t n = strlen(text);
    char *exact = malloc(n); /* no terminating NUL: parse must not read past len */
    memcpy(exact, text, n);
    assert_int_equal(profile_parse(exact, n, "mem", &back, err, sizeof err), 0);
    assert_int_equal(back.n, 1);
    assert_string_equal(back.items[0].label, "Acme Chile");
    assert_int_equal(json_array_size(profile_remembered(&back.items[0], "channels")), 1);
    profile_list_free(&back);
    assert_int_equal(profile_parse(exact, n - 3, "mem", &back, err, sizeof err), -1);
    assert_non_null(strstr(err, "mem is not valid JSON"));
    assert_int_equal(back.n, 0);
    assert_int_equal(profile_parse("{}", PROFILE_FILE_MAX + 1, "big", &back, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than 1 MiB"));
    free(exact);
    free(text);
    profile_list_free(&l);
}

/* The optional country: kept when set, absent from files that have none, "br" read as "BR",
   anything but two letters refused. */
static void test_country_field(void **state)
{
#define C(extra) "{\"profiles\": [{\"name\":\"a\",\"provider\":\"keebai\",\"base_url\":\"https://x\"" extra "}]}"
    profile_list l;
    char err[512];
    assert_int_equal(profile_parse(C(""), strlen(C("")), "mem", &l, err, sizeof err), 0);
    assert_string_equal(l.items[0].country, "");
    char *text = profile_serialize(&l);
    assert_null(strstr(text, "country")); /* old files stay as they were */
    free(text);
    profile_list_free(&l);
    assert_int_equal(profile_parse(C(",\"country\":\"br\""), strlen(C(",\"country\":\"br\"")), "mem",
                                   &l, err, sizeof err), 0);
    assert_string_equal(l.items[0].country, "BR");
    text = profile_serialize(&l);
    assert_non_null(strstr(text, "\"country\": \"BR\""));
    free(text);
    profile_list_free(&l);
    static const char *const bad[] = {C(",\"country\":\"BRA\""), C(",\"country\":\"B\""),
                                      C(",\"country\":\"1A\""), C(",\"country\":5"),
                                      C(",\"country\":\"\\u001b[\"")};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (profile_parse(bad[i], strlen(bad[i]), "mem", &l, err, sizeof err) != -1)
            fail_msg("accepted: %s", bad[i]);
    profile p = make("y", "https://a.example");
    snprintf(p.country, sizeof p.country, "ar");
    assert_int_equal(profile_validate(&p, err, sizeof err), -1); /* upper case only in memory */
    assert_non_null(strstr(err, "two letters"));
    snprintf(p.country, sizeof p.country, "AR");
    assert_int_equal(profile_validate(&p, err, sizeof err), 0);
#undef C
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file_is_an_empty_list),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_bad_files_are_refused_and_kept),
        cmocka_unit_test(test_default_path_follows_xdg),
        cmocka_unit_test(test_remembered_round_trip),
        cmocka_unit_test(test_remember_refuses_bad_items),
        cmocka_unit_test(test_bad_remembered_files_are_refused_and_kept),
        cmocka_unit_test(test_file_others_can_write_is_refused),
        cmocka_unit_test(test_file_of_another_user_is_refused),
        cmocka_unit_test(test_not_a_regular_file_is_refused),
        cmocka_unit_test(test_failed_write_undoes_the_change),
        cmocka_unit_test(test_concurrent_writers_lose_nothing),
        cmocka_unit_test(test_parse_from_a_buffer),
        cmocka_unit_test(test_country_field),
    };
    umask(022); /* the files the tests write are 0644: readable, not writable, by others */
    return cmocka_run_group_tests(tests, setup, teardown);
}
