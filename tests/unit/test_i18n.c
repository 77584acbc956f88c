/* test_i18n.c: --lang in argv, language names, yes answers, and UTF-8 text under LANG=C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define ARGV(...) char *argv[] = {"hubdesk", __VA_ARGS__, NULL}; int argc = (int)(sizeof argv / sizeof *argv) - 1

static void test_take_lang_arg(void **state)
{
    int missing;
    {
        ARGV("--lang", "es", "channel", "list");
        assert_string_equal(i18n_take_lang_arg(&argc, argv, &missing), "es");
        assert_int_equal(missing, 0);
        assert_int_equal(argc, 3);
        assert_string_equal(argv[1], "channel");
        assert_string_equal(argv[2], "list");
        assert_null(argv[3]);
    }
    {
        ARGV("channel", "list", "--lang=pt_BR", "--json");
        assert_string_equal(i18n_take_lang_arg(&argc, argv, &missing), "pt_BR");
        assert_int_equal(argc, 4);
        assert_string_equal(argv[3], "--json");
    }
    { /* after "--" it is an operand, and a missing value is reported */
        ARGV("send", "--", "--lang", "es");
        assert_null(i18n_take_lang_arg(&argc, argv, &missing));
        assert_int_equal(argc, 5);
        assert_string_equal(argv[3], "--lang");
    }
    {
        ARGV("connect", "--lang");
        assert_null(i18n_take_lang_arg(&argc, argv, &missing));
        assert_int_equal(missing, 1);
        assert_int_equal(argc, 2);
    }
    { /* the last one wins, as with other options; a prefix is not --lang */
        ARGV("--lang", "es", "--lang=en", "--lan", "x");
        assert_string_equal(i18n_take_lang_arg(&argc, argv, &missing), "en");
        assert_int_equal(argc, 3);
        assert_string_equal(argv[1], "--lan");
    }
}

static void test_language_code(void **state)
{
    assert_string_equal(i18n_language_code("es"), "es");
    assert_string_equal(i18n_language_code("es_AR.UTF-8"), "es");
    assert_string_equal(i18n_language_code("ES-mx"), "es");
    assert_string_equal(i18n_language_code("pt_BR"), "pt_BR");
    assert_string_equal(i18n_language_code("pt-br"), "pt_BR");
    assert_string_equal(i18n_language_code("pt"), "pt_BR");
    assert_string_equal(i18n_language_code("pt_PT.UTF-8@euro"), "pt_BR");
    assert_string_equal(i18n_language_code("en"), "en");
    assert_string_equal(i18n_language_code("en_GB"), "en");
    assert_string_equal(i18n_language_code("C"), "en");
    assert_null(i18n_language_code(""));
    assert_null(i18n_language_code(NULL));
    assert_null(i18n_language_code("esperanto"));
    assert_null(i18n_language_code("e"));
    assert_null(i18n_language_code("ptx"));
    assert_null(i18n_language_code("fr"));
    assert_null(i18n_language_code("es\x1b[31m"));
    assert_null(i18n_language_code("\xc3\xa9s"));
}

static void test_yes_answers(void **state)
{
    assert_true(i18n_is_yes_key(L'y'));
    assert_true(i18n_is_yes_key(L'Y'));
    assert_false(i18n_is_yes_key(L'n'));
    assert_false(i18n_is_yes_key(L'\n'));
    assert_false(i18n_is_yes_key(0));
    assert_true(i18n_is_yes_line("y\n"));
    assert_true(i18n_is_yes_line("YES\r\n"));
    assert_false(i18n_is_yes_line("\n"));
    assert_false(i18n_is_yes_line("yess\n"));
    assert_false(i18n_is_yes_line("no\n"));
    assert_false(i18n_is_yes_line("y|yes\n"));
    assert_false(i18n_is_yes_line("|\n"));
    assert_false(i18n_is_yes_line(""));
}

/* LANG=C: text stays UTF-8 (so "São" survives) while the terminal is still taken as ASCII. */
static void test_c_locale_text_is_utf8(void **state)
{
    char err[256];
    setenv("LC_ALL", "C", 1);
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), 0);
    assert_false(i18n_terminal_utf8());
    assert_true(i18n_text_utf8());
    assert_string_equal(i18n_locale_name(), "C");
    wchar_t w[8];
    assert_int_equal(mbstowcs(w, "S\xc3\xa3o", 8), 3);
    assert_int_equal(w[1], 0xE3);
    /* a language whose catalog is missing: a message, and English */
    assert_int_equal(i18n_setup("es", "/nonexistent", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent"));
    assert_string_equal(_("[y/N]"), "[y/N]");
    setenv("LC_ALL", "C.UTF-8", 1);
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), 0);
    assert_true(i18n_terminal_utf8());
    assert_string_equal(err, "");
    unsetenv("LC_ALL");
}

/* A locale that is named but not installed: its language and its UTF-8 are still taken. */
static void test_missing_locale(void **state)
{
    char err[256];
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LC_CTYPE");
    unsetenv("LANGUAGE");
    setenv("LANG", "xx_NOPE.UTF-8", 1);
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), 0);
    assert_true(i18n_terminal_utf8());
    assert_true(i18n_text_utf8());
    setenv("LANG", "es_ZZ.UTF-8", 1); /* no such country: never installed */
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), -1);
    assert_non_null(strstr(err, "no es translation"));
    assert_true(i18n_terminal_utf8());
    unsetenv("LANGUAGE"); /* i18n_setup set it, for gettext */
    setenv("LANG", "pt_ZZ", 1); /* no codeset named: the terminal is not taken as UTF-8 */
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), -1);
    assert_non_null(strstr(err, "no pt_BR translation"));
    assert_false(i18n_terminal_utf8());
    assert_true(i18n_text_utf8());
    setenv("LANGUAGE", "es:pt_BR", 1);
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), -1);
    assert_non_null(strstr(err, "no es translation"));
    setenv("LANGUAGE", "\x1b[2J", 1); /* junk: the locale's language */
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), -1);
    assert_non_null(strstr(err, "no pt_BR translation"));
    setenv("LANG", "fr_ZZ.UTF-8", 1); /* a language hubdesk does not have: English, no error */
    unsetenv("LANGUAGE");
    assert_int_equal(i18n_setup(NULL, "/nonexistent", err, sizeof err), 0);
    unsetenv("LANG");
}

/* The customer's language: endonyms, and lookups that fall back to the msgid, never NULL. */
static void test_customer_language(void **state)
{
    char err[256];
    setenv("LC_ALL", "C.UTF-8", 1);
    unsetenv("LANGUAGE");
    i18n_setup(NULL, "/nonexistent", err, sizeof err);
    assert_string_equal(i18n_language_endonym("es"), "Espa\xC3\xB1ol");
    assert_string_equal(i18n_language_endonym("pt-BR"), "Portugu\xC3\xAAs (Brasil)");
    assert_string_equal(i18n_language_endonym("en"), "English");
    assert_null(i18n_language_endonym("fr"));
    assert_null(i18n_language_endonym(NULL));
    assert_string_equal(i18n_agent_language(), "en"); /* no catalog */
    const char *m = "Settings > Linked devices > Link a device";
    assert_string_equal(i18n_gettext_in("es", m), m);
    assert_string_equal(i18n_gettext_in("en", m), m);
    assert_string_equal(i18n_gettext_in("", m), m);
    assert_string_equal(i18n_gettext_in(NULL, m), m);
    assert_string_equal(i18n_gettext_in("\x1b]52;c;x\a", m), m);
    assert_null(getenv("LANGUAGE")); /* put back as it was: unset */
    setenv("LANGUAGE", "pt_BR", 1);
    i18n_gettext_in("es", m);
    assert_string_equal(getenv("LANGUAGE"), "pt_BR");
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_lang_arg),
        cmocka_unit_test(test_language_code),
        cmocka_unit_test(test_yes_answers),
        cmocka_unit_test(test_c_locale_text_is_utf8),
        cmocka_unit_test(test_missing_locale),
        cmocka_unit_test(test_customer_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
