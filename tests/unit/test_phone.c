/* test_phone.c: phone numbers as agents type them (international, national with the profile's
 * country, the digits the hubs take), the ambiguities that warn without rewriting, and hostile
 * input (empty, letters, unicode digits, control characters, too many digits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "phone.h"
#include "text.h"

/* typed (with country cc) gives these E.164 digits and exactly these warnings. */
static void good(const char *typed, const char *cc, const char *e164, unsigned warnings)
{
    phone_number p;
    char why[300] = "untouched";
    hd_status st = phone_parse(typed, cc, &p, why, sizeof why);
    if (st != HD_OK)
        fail_msg("'%s' (%s) refused: %s", typed, cc ? cc : "-", why);
    assert_string_equal(p.e164, e164);
    assert_int_equal(p.warnings, warnings);
    assert_string_equal(why, "");
}

/* typed is refused with a clean sentence holding word, and no digits out. */
static void bad(const char *typed, const char *cc, const char *word)
{
    phone_number p;
    char why[300] = "";
    memset(&p, 'x', sizeof p);
    assert_int_equal(phone_parse(typed, cc, &p, why, sizeof why), HD_ERR_USAGE);
    if (!strstr(why, word))
        fail_msg("'%s': expected '%s' in: %s", typed ? typed : "(null)", word, why);
    assert_true(text_is_clean(why));
    assert_string_equal(p.e164, "");
}

static void test_international_forms(void **state)
{
    good("+55 11 98765-4321", NULL, "5511987654321", 0);
    good("+55 (11) 98765-4321", "AR", "5511987654321", 0);
    good("  +55.11.98765.4321", NULL, "5511987654321", 0);
    good("0055 11 98765 4321", NULL, "5511987654321", 0);
    good("5511987654321", NULL, "5511987654321", 0); /* the form the hubs always took */
    good("5511987654321", "BR", "5511987654321", 0);
    good("+1 (212) 555-0123", NULL, "12125550123", 0);
    good("+34 612 34 56 78", NULL, "34612345678", 0);
    good("+351 912 345 678", "BR", "351912345678", 0);
    good("+57 300 123 4567", NULL, "573001234567", 0);
    good("+56 9 8765 4321", NULL, "56987654321", 0);
    good("+51 987 654 321", NULL, "51987654321", 0);
    good("+44 7911 123456", NULL, "447911123456", 0); /* unknown rules: plain E.164 */
    good("+61400111222", NULL, "61400111222", 0);
}

static void test_national_forms_with_country(void **state)
{
    good("(11) 98765-4321", "BR", "5511987654321", 0);
    good("(11) 98765-4321", "br", "5511987654321", 0);
    good("011 98765-4321", "BR", "5511987654321", 0);
    good("11 98765 4321", "BR", "5511987654321", 0);
    good("(55) 99876-5432", "BR", "5555998765432", 0); /* area code 55 is not +55 */
    good("(212) 555-0123", "US", "12125550123", 0);
    good("1 212 555 0123", "US", "12125550123", 0);
    good("612 34 56 78", "ES", "34612345678", 0);
    good("912 345 678", "PT", "351912345678", 0);
    good("55 1234 5678", "MX", "525512345678", 0);
    good("300 123 4567", "CO", "573001234567", 0);
    good("01 234 5678", "PE", "5112345678", 0);
    good("011 2345-6789", "AR", "541123456789", PHONE_WARN_AR_NINE);
    good("+54 9 11 2345-6789", "AR", "5491123456789", 0);
}

static void test_brazil_ninth_digit_warns(void **state)
{
    good("+55 11 8765-4321", NULL, "551187654321", PHONE_WARN_BR_NINTH);
    good("(21) 9876-5432", "BR", "552198765432", PHONE_WARN_BR_NINTH);
    good("+55 11 3456-7890", NULL, "551134567890", 0); /* a landline: no 9 to add */
}

static void test_mexico_one_warns(void **state)
{
    good("+52 1 55 1234 5678", NULL, "5215512345678", PHONE_WARN_MX_ONE);
    good("+52 55 1234 5678", NULL, "525512345678", 0);
    bad("+52 2 55 1234 5678", NULL, "+52");
}

static void test_argentina_nine_and_fifteen_warn(void **state)
{
    good("+54 11 2345-6789", NULL, "541123456789", PHONE_WARN_AR_NINE);
    good("+54 9 11 2345-6789", NULL, "5491123456789", 0);
    good("011 15 2345-6789", "AR", "54111523456789", PHONE_WARN_AR_15);
    good("+54 9 11 15 2345-6789", NULL, "549111523456789", PHONE_WARN_AR_15);
    good("15 2345-6789", "AR", "541523456789", PHONE_WARN_AR_15);
}

static void test_warning_text_and_display(void **state)
{
    char w[600], d[64];
    phone_number p;
    assert_string_equal(phone_warnings_text(0, w, sizeof w), "");
    assert_non_null(strstr(phone_warnings_text(PHONE_WARN_BR_NINTH, w, sizeof w), "9"));
    phone_warnings_text(PHONE_WARN_AR_NINE | PHONE_WARN_MX_ONE, w, sizeof w);
    assert_non_null(strstr(w, "+52"));
    assert_non_null(strstr(w, "+54"));
    phone_warnings_text(~0u, w, 10); /* truncated, still a string */
    assert_true(strlen(w) < 10);
    assert_int_equal(phone_parse("(11) 98765-4321", "BR", &p, NULL, 0), HD_OK);
    assert_string_equal(phone_display(&p, d, sizeof d), "+55 11 98765-4321");
    assert_int_equal(phone_parse("+54 9 11 2345 6789", NULL, &p, NULL, 0), HD_OK);
    assert_string_equal(phone_display(&p, d, sizeof d), "+54 9 1123456789");
    assert_int_equal(phone_parse("+447911123456", NULL, &p, NULL, 0), HD_OK);
    assert_string_equal(phone_display(&p, d, sizeof d), "+447911123456");
    assert_int_equal(phone_parse("+34612345678", NULL, &p, NULL, 0), HD_OK);
    assert_string_equal(phone_display(&p, d, sizeof d), "+34 612345678");
}

static void test_hub_form(void **state)
{
    char out[20], warn[600], why[300];
    assert_int_equal(phone_hub_form("+55 11 98765-4321", NULL, 0, out, sizeof out, warn,
                                    sizeof warn, why, sizeof why),
                     HD_OK);
    assert_string_equal(out, "5511987654321");
    assert_string_equal(warn, "");
    assert_int_equal(phone_hub_form("(11) 98765-4321", "BR", 1, out, sizeof out, warn, sizeof warn,
                                    why, sizeof why),
                     HD_OK);
    assert_string_equal(out, "+5511987654321");
    assert_int_equal(phone_hub_form("+52 1 55 1234 5678", NULL, 0, out, sizeof out, warn,
                                    sizeof warn, why, sizeof why),
                     HD_OK);
    assert_string_equal(out, "5215512345678"); /* warned, not rewritten */
    assert_true(warn[0]);
    assert_int_equal(phone_hub_form("12ab", NULL, 0, out, sizeof out, NULL, 0, why, sizeof why),
                     HD_ERR_USAGE);
    assert_string_equal(out, "");
    assert_int_equal(phone_hub_form("+5511987654321", NULL, 1, out, 5, NULL, 0, why, sizeof why),
                     HD_ERR_USAGE); /* no room: refused, never cut */
}

static void test_hostile_input(void **state)
{
    bad(NULL, NULL, "enter the phone");
    bad("", "BR", "enter the phone");
    bad("+", NULL, "no digits");
    bad("   ", NULL, "no digits");
    bad("(-.)", "BR", "no digits");
    bad("+0 11 98765-4321", NULL, "never starts with 0");
    bad("+00 5511987654321", NULL, "never starts with 0");
    bad("000 55 11 98765-4321", NULL, "never starts with 0");
    bad("1234567890123456789012345678901234567890", NULL, "too many digits");
    bad("12345678901234567890123456789012345678901234567890", "BR", "too many digits");
    bad("+1234567890123456", NULL, "too many digits");
    bad("+5511", NULL, "too few digits");
    bad("12ab", NULL, "letters");
    bad("+55 11 98765-4321 ext 2", NULL, "letters");
    bad("+55 11 98765\xd9\xa4\xd9\xa3", NULL, "0-9");    /* Arabic-Indic digits */
    bad("+55 11 \xef\xbc\x99\xef\xbc\x98", NULL, "0-9"); /* fullwidth digits */
    bad("+55 11 98765\n4321", NULL, "0-9");
    bad("+55 11 98765\x1b[2J4321", NULL, "0-9");
    bad("+55\t11 98765 4321", NULL, "0-9");
    bad("55+11987654321", NULL, "only at the start");
    bad("++5511987654321", NULL, "only at the start");
    char longer[PHONE_TYPED_MAX + 2];
    memset(longer, ' ', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    bad(longer, NULL, "64");
}

static void test_national_without_country(void **state)
{
    bad("(11) 98765-4321", NULL, "--country");
    bad("011 98765-4321", "", "--country");
    bad("011 98765-4321", "ZZ", "ZZ");        /* a country whose rules are not known */
    bad("(11) 98765-4321", "B", "--country"); /* not a country: as none */
    bad("11987654321", NULL, "country");      /* not +1 198...: NANP areas start 2..9 */
    bad("(11) 98765-43210", "BR", "+55");     /* national, one digit too many */
    bad("0 612 34 56 78", "ES", "do not start with 0");
}

static void test_country_norm(void **state)
{
    char cc[3];
    assert_int_equal(phone_country_norm("br", cc), 0);
    assert_string_equal(cc, "BR");
    assert_int_equal(phone_country_norm("", cc), 0);
    assert_string_equal(cc, "");
    assert_int_equal(phone_country_norm(NULL, cc), 0);
    assert_int_equal(phone_country_norm("BRA", cc), -1);
    assert_string_equal(cc, "");
    assert_int_equal(phone_country_norm("B", cc), -1);
    assert_int_equal(phone_country_norm("B1", cc), -1);
    assert_int_equal(phone_country_norm("\xc3\x9f"
                                        "",
                                        cc),
                     -1);
    assert_int_equal(phone_country_norm("@[", cc), -1);
    assert_true(phone_country_known("ar"));
    assert_true(phone_country_known("PT"));
    assert_false(phone_country_known("ZZ"));
    assert_false(phone_country_known("xyz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_international_forms),
        cmocka_unit_test(test_national_forms_with_country),
        cmocka_unit_test(test_brazil_ninth_digit_warns),
        cmocka_unit_test(test_mexico_one_warns),
        cmocka_unit_test(test_argentina_nine_and_fifteen_warn),
        cmocka_unit_test(test_warning_text_and_display),
        cmocka_unit_test(test_hub_form),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_national_without_country),
        cmocka_unit_test(test_country_norm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
