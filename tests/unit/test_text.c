/* test_text.c: sanitizing of strings bound for the terminal, secret masking, status table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "status.h"
#include "text.h"

static void test_sanitize_strips_escape_sequences(void **state)
{
    char out[128];
    text_sanitize("ok\x1b[2J\x1b]0;title\x07" "end", out, sizeof out);
    assert_null(strchr(out, 0x1b));
    assert_null(strchr(out, 0x07));
    assert_string_equal(out, "ok?[2J?]0;title?end");
}

static void test_sanitize_c1_bidi_and_invalid_utf8(void **state)
{
    char out[128];
    /* U+009B (CSI in C1), U+202E (right-to-left override), a lone continuation byte,
       an overlong encoding of '/', and a surrogate. */
    text_sanitize("a\xc2\x9b" "b\xe2\x80\xae" "c\x80" "d\xc0\xaf" "e\xed\xa0\x80" "f", out, sizeof out);
    assert_true(text_is_clean(out));
    /* Every byte of a refused sequence becomes one '?': nothing is silently dropped. */
    assert_string_equal(out, "a??b???c?d??e???f");
}

static void test_sanitize_keeps_unicode_and_turns_newlines_to_spaces(void **state)
{
    char out[128];
    text_sanitize("S\xc3\xa3o Paulo\nCanal \xf0\x9f\x93\xb1\t1", out, sizeof out);
    assert_string_equal(out, "S\xc3\xa3o Paulo Canal \xf0\x9f\x93\xb1 1");
    assert_true(text_is_clean(out));
}

static void test_sanitize_truncates_on_character_boundary(void **state)
{
    char out[5];
    text_sanitize("ab\xe2\x82\xac" "cd", out, sizeof out); /* the euro sign needs 3 bytes */
    assert_string_equal(out, "ab");
    text_sanitize(NULL, out, sizeof out);
    assert_string_equal(out, "");
    char tiny[1] = {'x'};
    text_sanitize("abc", tiny, sizeof tiny);
    assert_int_equal(tiny[0], '\0');
}

static void test_is_clean_rejects_controls(void **state)
{
    assert_true(text_is_clean("plain text \xc3\xa9"));
    assert_false(text_is_clean("tab\there"));
    assert_false(text_is_clean("del\x7f"));
    assert_false(text_is_clean("bad\xff"));
}

static void test_mask_shows_only_last_four(void **state)
{
    char out[64];
    text_mask_secret("kbai_pk_canary_secret_1234", out, sizeof out);
    assert_null(strstr(out, "canary"));
    size_t n = strlen(out);
    assert_true(n >= 4);
    assert_string_equal(out + n - 4, "1234");
    text_mask_secret("short", out, sizeof out); /* too short to show any of it */
    assert_null(strstr(out, "hort"));
    text_mask_secret("abcdefghijkl\x1b[31m", out, sizeof out);
    assert_null(strchr(out, 0x1b));
}

static void test_token_safety(void **state)
{
    assert_true(secret_is_token_safe("kbai_pk_abc.DEF-123~"));
    assert_false(secret_is_token_safe(""));
    assert_false(secret_is_token_safe(NULL));
    assert_false(secret_is_token_safe("abc\r\nX-Injected: 1"));
    assert_false(secret_is_token_safe("two words"));
    assert_false(secret_is_token_safe("caf\xc3\xa9"));
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(secret_is_token_safe(big));
    char *buf = secret_alloc(32);
    assert_non_null(buf);
    assert_int_equal(buf[0] | buf[31], 0);
    memcpy(buf, "secret", 7);
    secret_wipe(buf, 32);
    assert_int_equal(buf[0], 0);
    secret_free(buf);
    assert_null(secret_alloc(0));
    char *copy = secret_dup("tok");
    assert_string_equal(copy, "tok");
    secret_free(copy);
    assert_null(secret_dup(NULL));
}

static void test_status_table(void **state)
{
    assert_int_equal(hd_status_exit_code(HD_OK), 0);
    assert_int_equal(hd_status_exit_code(HD_ERR_USAGE), 2);
    assert_int_equal(hd_status_exit_code(HD_ERR_AUTH), 3);
    assert_int_equal(hd_status_exit_code(HD_ERR_EXPIRED), 4);
    assert_int_equal(hd_status_exit_code(HD_ERR_CANCELLED), 4);
    assert_int_equal(hd_status_exit_code(HD_ERR_NETWORK), 5);
    assert_int_equal(hd_status_exit_code(HD_ERR_SERVER), 5);
    assert_int_equal(hd_status_exit_code(HD_ERR_PROTOCOL), 1);
    assert_string_equal(hd_status_name(HD_ERR_RATE_LIMITED), "rate_limited");
    assert_string_equal(hd_status_name(HD_OK), "ok");
    assert_int_equal(hd_status_exit_code((hd_status)999), 1);
    assert_non_null(hd_status_message((hd_status)-1));
}

#define S(lit) lit, sizeof(lit) - 1

/* text_json_lossy on n bytes, compared with what it should give (same length). */
static void lossy_is(const char *in, size_t n, const char *want)
{
    char *out = text_json_lossy(in, n);
    assert_non_null(out);
    assert_int_equal(strlen(want), n);
    assert_memory_equal(out, want, n);
    assert_int_equal(out[n], '\0');
    free(out);
}

static void test_json_lossy(void **state)
{
    lossy_is(S("{\"a\":\"ok\"}"), "{\"a\":\"ok\"}");
    lossy_is(S("\"a\\u0000b\""), "\"a\\u003fb\"");
    lossy_is(S("\"\\ud800x\""), "\"\\u003fx\"");         /* lone high surrogate */
    lossy_is(S("\"\\uDC00\""), "\"\\u003f\"");           /* lone low surrogate */
    lossy_is(S("\"\\ud800\\ud800\""), "\"\\u003f\\u003f\""); /* two highs */
    lossy_is(S("\"\\ud83d\\udcf1\""), "\"\\ud83d\\udcf1\""); /* a pair stays */
    lossy_is(S("\"\\\\u0000\""), "\"\\\\u0000\"");       /* an escaped backslash */
    lossy_is(S("\"a\x00" "b\x01\n\t\r\""), "\"a?b?   \"");
    lossy_is(S("\"caf\xe9\xc3\xa9\xc2\x9b\xe2\x80\xae\""), "\"caf?\xc3\xa9?????\"");
    lossy_is(S("\"cut\xe2\x80"), "\"cut??");                  /* a sequence cut by the end */
    lossy_is(S("\"\\u00"), "\"\\u00");                     /* an escape cut by the end */
    lossy_is(S("\"\\u0000"), "\"\\u003f");
    lossy_is(S("\\"), "\\");
    lossy_is(S("\\\x00"), "\\?");
    lossy_is(S(""), "");
    assert_null(text_json_lossy(NULL, 3));
    /* what comes out loads, with the words kept */
    char *t = text_json_lossy(S("{\"m\":\"x\\u0000y \xff z\\udfff\"}"));
    json_t *j = json_loads(t, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "m")), "x?y ? z?");
    json_decref(j);
    free(t);
}

static void hint_is(const char *hints, int w, const char *want)
{
    char out[256];
    int got = text_hint_fit(hints, w, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(got, text_cols(want));
}

/* The key bar drops whole entries from the middle, right to left, the way back (Esc) last;
   never cuts one. */
static void test_hint_fit_drops_middle_entries(void **state)
{
    (void)state;
    const char *bar = "Enter escolher  Cima/Baixo mover  n novo  Esc voltar  ? ajuda  q sair";
    hint_is(bar, 200, bar);
    hint_is(bar, text_cols(bar), bar);
    hint_is(bar, text_cols(bar) - 1,
            "Enter escolher  Cima/Baixo mover  Esc voltar  ? ajuda  q sair");
    hint_is(bar, 50, "Enter escolher  Esc voltar  ? ajuda  q sair");
    hint_is(bar, 40, "Enter escolher  ? ajuda  q sair");
    /* the first entry goes only when first, help and quit do not fit */
    hint_is(bar, 20, "? ajuda  q sair");
    hint_is(bar, 10, "q sair");
    hint_is(bar, 3, "q sair"); /* the last entry is never dropped: ui_put cuts it visibly */
    /* gaps of more than two spaces, leading and trailing spaces; accented letters */
    hint_is("  Enter elegir   Esc atr\xc3\xa1s  ? ayuda  q salir  ", 30,
            "Enter elegir  ? ayuda  q salir");
    hint_is("q quit", 80, "q quit");
    hint_is("", 80, "");
    hint_is("Enter choose  q quit", 10, "q quit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_strips_escape_sequences),
        cmocka_unit_test(test_sanitize_c1_bidi_and_invalid_utf8),
        cmocka_unit_test(test_sanitize_keeps_unicode_and_turns_newlines_to_spaces),
        cmocka_unit_test(test_sanitize_truncates_on_character_boundary),
        cmocka_unit_test(test_is_clean_rejects_controls),
        cmocka_unit_test(test_mask_shows_only_last_four),
        cmocka_unit_test(test_token_safety),
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_json_lossy),
        cmocka_unit_test(test_hint_fit_drops_middle_entries),
    };
    setlocale(LC_CTYPE, "C.UTF-8"); /* text_cols counts columns of UTF-8 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
