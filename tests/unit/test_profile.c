/* test_profile.c: profiles on disk: round trip, and every kind of bad file left untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    assert_int_equal(profile_save(path, &l, err, sizeof err), 0);
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
    assert_int_equal(profile_save(path, &l, err, sizeof err), 0);

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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
