/* test_duration.c: server-supplied durations: huge, negative, NaN, inf, LONG_MAX, far dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "duration.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_seconds_as_double(void **state)
{
    assert_int_equal(duration_ms_from_s(1.5, DURATION_MAX_MS), 1500);
    assert_int_equal(duration_ms_from_s(0, DURATION_MAX_MS), 0);
    assert_int_equal(duration_ms_from_s(-0.0, DURATION_MAX_MS), 0);
    assert_int_equal(duration_ms_from_s(0.0004, DURATION_MAX_MS), 0);
    assert_int_equal(duration_ms_from_s(-1, DURATION_MAX_MS), -1);
    assert_int_equal(duration_ms_from_s(-1e300, DURATION_MAX_MS), -1);
    assert_int_equal(duration_ms_from_s(NAN, DURATION_MAX_MS), -1);
    assert_int_equal(duration_ms_from_s(-INFINITY, DURATION_MAX_MS), -1);
    assert_int_equal(duration_ms_from_s(INFINITY, DURATION_MAX_MS), DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_s(1e300, DURATION_MAX_MS), DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_s(DBL_MAX, DURATION_MAX_MS), DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_s(9.223372036854775807e18, DURATION_MAX_MS),
                     DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_s(86400, DURATION_MAX_MS), 86400000);
    assert_int_equal(duration_ms_from_s(60, DURATION_QR_MAX_MS), 60000);
    assert_int_equal(duration_ms_from_s(301, DURATION_QR_MAX_MS), DURATION_QR_MAX_MS);
    /* a maximum out of range is the one-day ceiling */
    assert_int_equal(duration_ms_from_s(1e9, LONG_MAX), DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_s(1e9, -5), DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_s(2, 0), 0);
}

static void test_whole_seconds_and_ms(void **state)
{
    assert_int_equal(duration_ms_from_whole_s(LLONG_MAX, DURATION_MAX_MS), DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_whole_s(LLONG_MIN, DURATION_MAX_MS), -1);
    assert_int_equal(duration_ms_from_whole_s(-1, DURATION_MAX_MS), -1);
    assert_int_equal(duration_ms_from_whole_s(0, DURATION_MAX_MS), 0);
    assert_int_equal(duration_ms_from_whole_s(86400, DURATION_MAX_MS), 86400000);
    assert_int_equal(duration_ms_from_whole_s(86401, DURATION_MAX_MS), DURATION_MAX_MS);
    /* the products that overflowed a long before: 2^63/1000 + 1 and 2^64/1000 + 1 */
    assert_int_equal(duration_ms_from_whole_s(9223372036854776LL, DURATION_MAX_MS),
                     DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_whole_s(18446744073709552LL, DURATION_MAX_MS),
                     DURATION_MAX_MS);
    assert_int_equal(duration_ms_from_whole_s(1, 1500), 1000);
    assert_int_equal(duration_ms_from_whole_s(2, 1500), 1500);
    assert_int_equal(duration_ms_from_whole_s(5, LONG_MAX), 5000);
    assert_int_equal(duration_clamp_ms(LLONG_MAX, DURATION_SSE_RETRY_MAX_MS),
                     DURATION_SSE_RETRY_MAX_MS);
    assert_int_equal(duration_clamp_ms(2147483647, DURATION_SSE_RETRY_MAX_MS),
                     DURATION_SSE_RETRY_MAX_MS);
    assert_int_equal(duration_clamp_ms(1500, DURATION_SSE_RETRY_MAX_MS), 1500);
    assert_int_equal(duration_clamp_ms(-1, DURATION_SSE_RETRY_MAX_MS), -1);
    assert_int_equal(duration_clamp_ms(LLONG_MIN, DURATION_SSE_RETRY_MAX_MS), -1);
    assert_int_equal(duration_clamp_ms(LLONG_MAX, LONG_MAX), DURATION_MAX_MS);
}

static void test_digits(void **state)
{
    assert_int_equal(duration_parse_digits(S("0000000010"), 100), 10);
    assert_int_equal(duration_parse_digits(S("99999999999"), 60000), 60000);
    assert_int_equal(duration_parse_digits(S("9223372036854775807"), LONG_MAX), LONG_MAX);
    assert_int_equal(duration_parse_digits(S("9223372036854775808"), LONG_MAX), LONG_MAX);
    assert_int_equal(duration_parse_digits(S("99999999999999999999999999"), LONG_MAX), LONG_MAX);
    assert_int_equal(duration_parse_digits(S("123xyz") - 3, 1000), 123);
    assert_int_equal(duration_parse_digits(S(""), 100), -1);
    assert_int_equal(duration_parse_digits(S("12a"), 100), -1);
    assert_int_equal(duration_parse_digits(S("+7"), 100), -1);
    assert_int_equal(duration_parse_digits(S("-7"), 100), -1);
    assert_int_equal(duration_parse_digits(S(" 1"), 100), -1);
    assert_int_equal(duration_parse_digits(S("1.5"), 100), -1);
    assert_int_equal(duration_parse_digits(NULL, 3, 100), -1);
    char many[1001];
    memset(many, '9', 1000);
    many[1000] = '\0';
    assert_int_equal(duration_parse_digits(many, 1000, 2147483647L), 2147483647L);
}

static void test_retry_after(void **state)
{
    const time_t now = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */
    assert_int_equal(duration_retry_after_s("120", now, DURATION_MAX_S), 120);
    assert_int_equal(duration_retry_after_s(" 7 \t", now, DURATION_MAX_S), 7);
    assert_int_equal(duration_retry_after_s("0", now, DURATION_MAX_S), 0);
    assert_int_equal(duration_retry_after_s("9223372036854775807", now, DURATION_MAX_S),
                     DURATION_MAX_S);
    assert_int_equal(duration_retry_after_s("18446744073709552", now, DURATION_MAX_S),
                     DURATION_MAX_S);
    assert_int_equal(duration_retry_after_s("99999999999999999999999999999", now, DURATION_MAX_S),
                     DURATION_MAX_S);
    assert_int_equal(duration_retry_after_s("120", now, 10), 10);
    assert_int_equal(duration_retry_after_s("999999", now, LONG_MAX), DURATION_MAX_S);
    assert_int_equal(duration_retry_after_s("-5", now, DURATION_MAX_S), -1);
    assert_int_equal(duration_retry_after_s("1.5", now, DURATION_MAX_S), -1);
    assert_int_equal(duration_retry_after_s("soon", now, DURATION_MAX_S), -1);
    assert_int_equal(duration_retry_after_s("", now, DURATION_MAX_S), -1);
    assert_int_equal(duration_retry_after_s("  ", now, DURATION_MAX_S), -1);
    assert_int_equal(duration_retry_after_s(NULL, now, DURATION_MAX_S), -1);
    /* HTTP-dates: near, past, far past, far future */
    assert_int_equal(duration_retry_after_s("Tue, 14 Nov 2023 22:15:20 GMT", now, DURATION_MAX_S),
                     120);
    assert_int_equal(duration_retry_after_s("Tue, 14 Nov 2023 22:13:19 GMT", now, DURATION_MAX_S),
                     0);
    assert_int_equal(duration_retry_after_s("Sun, 06 Nov 1994 08:49:37 GMT", now, DURATION_MAX_S),
                     0);
    assert_int_equal(duration_retry_after_s("Thu, 01 Jan 1970 00:00:01 GMT", now, DURATION_MAX_S),
                     0);
    assert_int_equal(duration_retry_after_s("Fri, 31 Dec 9999 23:59:59 GMT", now, DURATION_MAX_S),
                     DURATION_MAX_S);
    assert_int_equal(duration_retry_after_s("Wed, 15 Nov 2023 22:13:21 GMT", now, DURATION_MAX_S),
                     DURATION_MAX_S);
    char long_text[300];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_int_equal(duration_retry_after_s(long_text, now, DURATION_MAX_S), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seconds_as_double),
        cmocka_unit_test(test_whole_seconds_and_ms),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
