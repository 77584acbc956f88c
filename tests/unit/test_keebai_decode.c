/* test_keebai_decode.c: Keebai answers and stream events, good, odd and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "keebai_decode.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_qr_event_json(void **state)
{
    kb_qr q;
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"2@abc,def\",\"expires_in\":60,\"attempt\":1}"), &q), 0);
    assert_string_equal(q.qr, "2@abc,def");
    assert_int_equal(q.attempt, 1);
    assert_int_equal(q.expires_in_ms, 60000);
}

static void test_qr_event_liberal_forms(void **state)
{
    kb_qr q;
    assert_int_equal(keebai_decode_qr(S("2@raw,string"), &q), 0); /* raw data */
    assert_string_equal(q.qr, "2@raw,string");
    assert_int_equal(q.attempt, 0);
    assert_int_equal(keebai_decode_qr(S("\"2@quoted\""), &q), 0); /* a JSON string */
    assert_string_equal(q.qr, "2@quoted");
    assert_int_equal(keebai_decode_qr(S("{\"code\":\"2@alt\"}"), &q), 0);
    assert_string_equal(q.qr, "2@alt");
    assert_int_equal(keebai_decode_qr(S("2@first line\nsecond"), &q), 0);
    assert_string_equal(q.qr, "2@first line");
}

static void test_qr_event_bad_input(void **state)
{
    kb_qr q;
    char big[3000];
    memset(big, 'A', sizeof big);
    assert_int_equal(keebai_decode_qr(S(""), &q), -1);
    assert_int_equal(keebai_decode_qr(S("{}"), &q), -1);
    assert_int_equal(keebai_decode_qr(S("{\"qr\":42}"), &q), -1);
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"\"}"), &q), -1);
    assert_int_equal(keebai_decode_qr(S("[1,2,3]"), &q), -1);
    assert_int_equal(keebai_decode_qr(S("null"), &q), -1);
    assert_int_equal(keebai_decode_qr(big, sizeof big, &q), -1); /* longer than any QR holds */
    assert_int_equal(keebai_decode_qr(S("\0hidden"), &q), -1);
    /* absurd numbers are dropped, the QR is kept */
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"2@x\",\"expires_in\":-5,\"attempt\":1e9}"), &q), 0);
    assert_int_equal(q.expires_in_ms, 0);
    assert_int_equal(q.attempt, 0);
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"2@x\",\"expires_in\":\"60\",\"attempt\":\"2\"}"), &q), 0);
    assert_int_equal(q.expires_in_ms, 0);
}

static void test_connected_event(void **state)
{
    kb_connected c;
    keebai_decode_connected(S("{\"channel_id\":\"ch_1\",\"phone_number\":\"+5511\",\"name\":\"Ventas\"}"), &c);
    assert_string_equal(c.channel_id, "ch_1");
    assert_string_equal(c.phone, "+5511");
    assert_string_equal(c.name, "Ventas");
    keebai_decode_connected(S("{\"channel\":{\"id\":\"ch_2\",\"phone_number\":\"+56\",\"name\":\"N\"}}"), &c);
    assert_string_equal(c.channel_id, "ch_2");
    assert_string_equal(c.phone, "+56");
}

static void test_connected_event_hostile(void **state)
{
    kb_connected c;
    keebai_decode_connected(S("{\"channel_id\":\"ch_\\u001b[2Jevil\",\"name\":\"\\u009b31m\"}"), &c);
    assert_null(strchr(c.channel_id, 0x1b));
    assert_null(strstr(c.name, "\xc2\x9b"));
    keebai_decode_connected(S("not json"), &c);
    assert_string_equal(c.channel_id, "?");
    assert_string_equal(c.phone, "");
    keebai_decode_connected(S("{\"channel_id\":7}"), &c);
    assert_string_equal(c.channel_id, "?");
}

static void test_error_and_expired_events(void **state)
{
    char msg[100];
    assert_int_equal(keebai_decode_error(S("{\"code\":\"UNAUTHORIZED\",\"message\":\"bad token\"}"), msg, sizeof msg), HD_ERR_AUTH);
    assert_string_equal(msg, "UNAUTHORIZED: bad token");
    assert_int_equal(keebai_decode_error(S("{\"error\":{\"code\":\"THROTTLED\",\"message\":\"slow\"}}"), msg, sizeof msg), HD_ERR_RATE_LIMITED);
    assert_int_equal(keebai_decode_error(S("garbage\x1b"), msg, sizeof msg), HD_ERR_REJECTED);
    assert_string_equal(msg, "ERROR: ");
    keebai_decode_expired(S("{\"reason\":\"qr_attempts_exhausted\"}"), msg, sizeof msg);
    assert_string_equal(msg, "qr_attempts_exhausted");
    keebai_decode_expired(S("{\"reason\":\"a\\nb\\u0007\"}"), msg, sizeof msg);
    assert_string_equal(msg, "a b?");
    keebai_decode_expired(S("[]"), msg, sizeof msg);
    assert_string_equal(msg, "");
}

static void test_start_answer(void **state)
{
    char url[64];
    assert_int_equal(keebai_decode_start(S("{\"session_id\":\"cs_1\",\"stream_url\":\"https://a/s\"}"), url, sizeof url), 0);
    assert_string_equal(url, "https://a/s");
    assert_int_equal(keebai_decode_start(S("{\"session_id\":\"cs_1\"}"), url, sizeof url), -1);
    assert_int_equal(keebai_decode_start(S("{\"stream_url\":\"\"}"), url, sizeof url), -1);
    assert_int_equal(keebai_decode_start(S("{\"stream_url\":\"https://a/\\r\\nX: y\"}"), url, sizeof url), -1);
    assert_int_equal(keebai_decode_start(S("<html>502</html>"), url, sizeof url), -1);
    assert_int_equal(keebai_decode_start(S("{\"stream_url\":\"https://a-very-long-host.example/and/a/long/path/that/goes/well/beyond/sixty-four/bytes\"}"), url, sizeof url), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_event_json),
        cmocka_unit_test(test_qr_event_liberal_forms),
        cmocka_unit_test(test_qr_event_bad_input),
        cmocka_unit_test(test_connected_event),
        cmocka_unit_test(test_connected_event_hostile),
        cmocka_unit_test(test_error_and_expired_events),
        cmocka_unit_test(test_start_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
