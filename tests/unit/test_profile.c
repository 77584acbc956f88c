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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
