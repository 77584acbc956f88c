/* test_keebai_decode.c: Keebai answers and stream events, good, odd and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "keebai_decode.h"
#include "secret.h"

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

/* A QR string is what the phone scans: printable text. Control characters (C0, DEL, C1),
 * bidi overrides and invalid UTF-8 are refused in every form the decoder accepts, and the
 * refusal is told apart from "no QR" so the driver can stop with a protocol error (issue 15). */
static void test_qr_event_unprintable(void **state)
{
    static const struct {
        const char *data;
        size_t len;
    } bad[] = {
        {S("{\"qr\":\"2@a\\u001b[2Jb\"}")}, /* ESC, JSON-escaped */
        {S("{\"qr\":\"2@a\\u009b2Jb\"}")},  /* C1 CSI */
        {S("{\"qr\":\"2@a\\u007fb\"}")},    /* DEL */
        {S("{\"qr\":\"2@a\\u202eb\"}")},    /* right-to-left override */
        {S("{\"qr\":\"2@a\\tb\"}")},        /* a tab is a control too */
        {S("{\"code\":\"2@a\\u0007b\"}")},  /* BEL, in the alternative field */
        {S("\"2@a\\u001bb\"")},             /* a bare JSON string */
        {S("2@a\x1b]0;pwned\x07b")},        /* raw: OSC title, BEL */
        {S("2@a\xff\xfe,b")},               /* raw: invalid UTF-8 */
        {S("2@a\xc2\x9b"
           "2J")},              /* raw: C1 CSI in UTF-8 */
        {S("2@a\xc0\xaf")},     /* raw: overlong encoding */
        {S("2@a\xed\xa0\x80")}, /* raw: a surrogate */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kb_qr q;
        memset(&q, 'x', sizeof q);
        assert_int_equal(keebai_decode_qr(bad[i].data, bad[i].len, &q), KB_QR_UNPRINTABLE);
        assert_string_equal(q.qr, "");
    }
    kb_qr q;
    /* Printable non-ASCII text is still text. */
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"2@\u00e9t\u00e9,\u4e2d\"}"), &q), 0);
    assert_string_equal(q.qr, "2@\u00e9t\u00e9,\u4e2d");
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
    /* a lifetime too long for a QR is clamped to the stated maximum (duration.h) */
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"2@x\",\"expires_in\":1e300}"), &q), 0);
    assert_int_equal(q.expires_in_ms, DURATION_QR_MAX_MS);
    assert_int_equal(keebai_decode_qr(S("{\"qr\":\"2@x\",\"expires_in\":9223372036854775807}"), &q), 0);
    assert_int_equal(q.expires_in_ms, DURATION_QR_MAX_MS);
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
    assert_string_equal(msg, "ERROR: garbage?"); /* not JSON: the words themselves */
    keebai_decode_expired(S("{\"reason\":\"qr_attempts_exhausted\"}"), msg, sizeof msg);
    assert_string_equal(msg, "qr_attempts_exhausted");
    keebai_decode_expired(S("{\"reason\":\"a\\nb\\u0007\"}"), msg, sizeof msg);
    assert_string_equal(msg, "a b?");
    keebai_decode_expired(S("[]"), msg, sizeof msg);
    assert_string_equal(msg, "");
}

/* The hub's words survive a \u0000, a lone surrogate, a raw control byte or bad UTF-8 in
 * an error event: each becomes '?', the rest stays (jansson refused the whole event, and
 * the console showed "ERROR: " alone). */
static void test_error_event_words_survive(void **state)
{
    char msg[100];
    assert_int_equal(keebai_decode_error(S("{\"code\":\"UNAUTHORIZED\",\"message\":\"bad\\u0000token\"}"),
                                         msg, sizeof msg),
                     HD_ERR_AUTH);
    assert_string_equal(msg, "UNAUTHORIZED: bad?token");
    keebai_decode_error(S("{\"error\":{\"code\":\"X\",\"message\":\"caf\xe9 down\\ud800!\"}}"), msg,
                        sizeof msg);
    assert_string_equal(msg, "X: caf? down?!");
    keebai_decode_error(S("{\"code\":\"X\",\"message\":\"two\nlines\x01 and \x00 nul\"}"), msg,
                        sizeof msg);
    assert_string_equal(msg, "X: two lines? and ? nul");
    /* a well-formed pair and an escaped backslash are left alone */
    keebai_decode_error(S("{\"code\":\"X\",\"message\":\"\\ud83d\\udcf1 \\\\u0000\"}"), msg,
                        sizeof msg);
    assert_string_equal(msg, "X: \xf0\x9f\x93\xb1 \\u0000");
    keebai_decode_error(S("\"just a string\""), msg, sizeof msg);
    assert_string_equal(msg, "ERROR: just a string");
    keebai_decode_expired(S("{\"reason\":\"qr\\u0000gone \xff\"}"), msg, sizeof msg);
    assert_string_equal(msg, "qr?gone ?");
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

/* The REST decoders take parsed JSON: NULL stands for an answer that was not JSON. */
static json_t *J(const char *text)
{
    return json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

static void test_session_id_and_type_filter(void **state)
{
    char long_id[200];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_true(keebai_session_id_ok("cs_01HXYZ"));
    assert_true(keebai_session_id_ok("a-b.c_d~e"));
    const char *bad[] = {"", "cs/../x", "a?b", "a#b", "a%2f", "a b", "a\tb", "\xc3\xa9", ".", "..",
                         long_id};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(keebai_session_id_ok(bad[i]));
    assert_false(keebai_session_id_ok(NULL));
    long_id[128] = '\0';
    assert_true(keebai_session_id_ok(long_id));
    assert_true(keebai_type_filter_ok("whatsapp_qr"));
    assert_true(keebai_type_filter_ok("sms2"));
    const char *badt[] = {"", "WhatsApp", "a b", "a&b=c", "whats-app", "x%00", NULL};
    for (size_t i = 0; i < sizeof badt / sizeof *badt; i++)
        assert_false(keebai_type_filter_ok(badt[i]));
}

static void test_signup_answer(void **state)
{
    kb_signup su;
    char why[200];
    json_t *j = J("{\"session_id\":\"cs_1\","
                  "\"verification_uri\":\"https://app.keebai.com/c?s=cs_1\","
                  "\"expires_in\":900,\"poll_interval\":5}");
    assert_int_equal(keebai_decode_signup(j, &su, why, sizeof why), HD_OK);
    assert_string_equal(su.session_id, "cs_1");
    assert_string_equal(su.verification_uri, "https://app.keebai.com/c?s=cs_1");
    assert_int_equal(su.expires_in_s, 900);
    assert_int_equal(su.poll_interval_s, 5);
    json_decref(j);
    /* loopback http is the sandbox; absent numbers get the documented defaults */
    j = J("{\"data\":{\"session_id\":\"cs_2\",\"verification_uri\":\"http://127.0.0.1:9/p\"}}");
    assert_int_equal(keebai_decode_signup(j, &su, why, sizeof why), HD_OK);
    assert_int_equal(su.expires_in_s, 900);
    assert_int_equal(su.poll_interval_s, 5);
    json_decref(j);
}

static void test_signup_answer_bad_input(void **state)
{
    kb_signup su;
    char why[200];
    const char *bad[] = {
        "[]", "\"cs_1\"", "{}", "{\"session_id\":5,\"verification_uri\":\"https://a/\"}",
        "{\"session_id\":\"cs/1\",\"verification_uri\":\"https://a/\"}",
        "{\"session_id\":\"cs_1\"}",
        "{\"session_id\":\"cs_1\",\"verification_uri\":\"http://portal.example.com/x\"}",
        "{\"session_id\":\"cs_1\",\"verification_uri\":\"javascript:alert(1)\"}",
        "{\"session_id\":\"cs_1\",\"verification_uri\":\"ftp://a/\"}",
        "{\"session_id\":\"cs_1\",\"verification_uri\":\"https://a/\\u001b[2J\"}",
        "{\"session_id\":\"cs_1\",\"verification_uri\":\"https://a/x y\"}",
        "{\"session_id\":\"cs_1\",\"verification_uri\":[\"https://a/\"]}",
    };
    assert_int_equal(keebai_decode_signup(NULL, &su, why, sizeof why), HD_ERR_PROTOCOL);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *j = J(bad[i]);
        assert_non_null(j);
        why[0] = '\0';
        assert_int_equal(keebai_decode_signup(j, &su, why, sizeof why), HD_ERR_PROTOCOL);
        assert_true(strlen(why) > 0);
        json_decref(j);
    }
    json_t *j = J("{\"session_id\":\"cs_1\",\"verification_uri\":\"http://example.com/\"}");
    keebai_decode_signup(j, &su, why, sizeof why);
    assert_non_null(strstr(why, "https://"));
    json_decref(j);
}

static void test_signup_numbers_clamped(void **state)
{
    kb_signup su;
    char why[200];
    const struct {
        const char *text;
        long expires, poll;
    } cases[] = {
        {"\"expires_in\":1e12,\"poll_interval\":100000", KB_SIGNUP_MAX_S, KB_POLL_MAX_S},
        {"\"expires_in\":9223372036854775807,\"poll_interval\":0.2", KB_SIGNUP_MAX_S, 1},
        {"\"expires_in\":-5,\"poll_interval\":-1", KB_SIGNUP_DEFAULT_S, KB_POLL_DEFAULT_S},
        {"\"expires_in\":\"900\",\"poll_interval\":null", KB_SIGNUP_DEFAULT_S, KB_POLL_DEFAULT_S},
        {"\"expires_in\":0,\"poll_interval\":true", KB_SIGNUP_DEFAULT_S, KB_POLL_DEFAULT_S},
        {"\"expires_in\":30.9,\"poll_interval\":2", 30, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[300];
        snprintf(text, sizeof text,
                 "{\"session_id\":\"cs_1\",\"verification_uri\":\"https://a/\",%s}", cases[i].text);
        json_t *j = J(text);
        assert_non_null(j);
        assert_int_equal(keebai_decode_signup(j, &su, why, sizeof why), HD_OK);
        assert_int_equal(su.expires_in_s, cases[i].expires);
        assert_int_equal(su.poll_interval_s, cases[i].poll);
        json_decref(j);
    }
}

static void test_signup_poll(void **state)
{
    json_t *ch;
    char word[64];
    json_t *j = J("{\"status\":\"completed\",\"channel\":{\"id\":\"ch_1\",\"name\":\"Soporte\","
                  "\"type\":\"whatsapp\",\"is_active\":true,\"phone_number\":\"+56987654321\","
                  "\"phone_number_id\":\"123\",\"business_account_id\":987}}");
    assert_int_equal(keebai_decode_signup_poll(j, &ch, word, sizeof word), KB_SIGNUP_COMPLETED);
    assert_string_equal(json_string_value(json_object_get(ch, "id")), "ch_1");
    assert_string_equal(json_string_value(json_object_get(ch, "phone")), "+56987654321");
    assert_true(json_is_true(json_object_get(ch, "active")));
    assert_string_equal(json_string_value(json_object_get(ch, "business_account_id")), "987");
    json_decref(ch);
    json_decref(j);
    const struct {
        const char *text;
        kb_signup_state st;
    } cases[] = {
        {"{\"status\":\"pending\"}", KB_SIGNUP_PENDING},
        {"{\"status\":\"expired\"}", KB_SIGNUP_EXPIRED},
        {"{\"status\":\"CANCELLED\"}", KB_SIGNUP_CANCELLED},
        {"{\"status\":\"canceled\"}", KB_SIGNUP_CANCELLED},
        {"{\"status\":\"frobbed\"}", KB_SIGNUP_UNKNOWN},
        {"{\"status\":7}", KB_SIGNUP_UNKNOWN},
        {"{}", KB_SIGNUP_UNKNOWN},
        {"[\"pending\"]", KB_SIGNUP_UNKNOWN},
        {"\"pending\"", KB_SIGNUP_UNKNOWN},
        {"{\"status\":\"completed\"}", KB_SIGNUP_COMPLETED},
        {"{\"status\":\"completed\",\"channel\":{\"name\":\"no id\"}}", KB_SIGNUP_COMPLETED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        j = J(cases[i].text);
        assert_int_equal(keebai_decode_signup_poll(j, &ch, word, sizeof word), cases[i].st);
        assert_null(ch); /* no usable channel in any of these */
        json_decref(j);
    }
    assert_int_equal(keebai_decode_signup_poll(NULL, &ch, word, sizeof word), KB_SIGNUP_UNKNOWN);
    j = J("{\"status\":\"x\\u001b]0;owned\\u0007\"}");
    keebai_decode_signup_poll(j, &ch, word, sizeof word);
    assert_null(strchr(word, 0x1b));
    assert_null(strchr(word, 0x07));
    json_decref(j);
}

static void test_channels(void **state)
{
    json_t *j = J("{\"data\":[{\"id\":\"ch_1\",\"name\":\"A\",\"type\":\"whatsapp\","
                  "\"is_active\":true,\"phone_number\":\"+1\",\"phone_number_id\":\"11\","
                  "\"business_account_id\":\"22\"},"
                  "{\"id\":\"ch_2\",\"type\":\"whatsapp_qr\"},"
                  "{\"name\":\"no id\"}, 5, null, \"ch_3\", {\"id\":\"\"},"
                  "{\"id\":42,\"name\":\"\\u001b[31mred\\u009b\",\"is_active\":\"yes\","
                  "\"phone_number\":1}]}");
    json_t *list = keebai_decode_channels(j);
    assert_int_equal(json_array_size(list), 3);
    json_t *a = json_array_get(list, 0), *b = json_array_get(list, 1), *c = json_array_get(list, 2);
    assert_string_equal(json_string_value(json_object_get(a, "phone")), "+1");
    assert_string_equal(json_string_value(json_object_get(a, "phone_number_id")), "11");
    assert_string_equal(json_string_value(json_object_get(a, "business_account_id")), "22");
    assert_true(json_is_true(json_object_get(a, "active")));
    /* absent fields: empty strings and false, Keebai extras left out */
    assert_string_equal(json_string_value(json_object_get(b, "name")), "");
    assert_string_equal(json_string_value(json_object_get(b, "phone")), "");
    assert_true(json_is_false(json_object_get(b, "active")));
    assert_null(json_object_get(b, "phone_number_id"));
    /* wrong types are not trusted, escapes are defused */
    assert_string_equal(json_string_value(json_object_get(c, "id")), "42");
    assert_null(strchr(json_string_value(json_object_get(c, "name")), 0x1b));
    assert_null(strstr(json_string_value(json_object_get(c, "name")), "\xc2\x9b"));
    assert_true(json_is_false(json_object_get(c, "active")));
    json_decref(list);
    json_decref(j);
    j = J("[{\"id\":\"bare\"}]");
    list = keebai_decode_channels(j);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    json_decref(j);
    const char *bad[] = {"{}", "{\"data\":{}}", "{\"data\":\"x\"}", "\"x\"", "3"};
    assert_null(keebai_decode_channels(NULL));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = J(bad[i]);
        assert_null(keebai_decode_channels(j));
        json_decref(j);
    }
}

static void test_me(void **state)
{
    json_t *j = J("{\"id\":\"usr_1\",\"company\":{\"id\":\"co_1\",\"name\":\"Sandbox Co\"},"
                  "\"scopes\":[\"channels:read\",5,\"webhooks:write\"]}");
    json_t *me = keebai_decode_me(j);
    assert_string_equal(json_string_value(json_object_get(me, "account")), "usr_1");
    assert_string_equal(json_string_value(json_object_get(me, "company")), "Sandbox Co");
    assert_int_equal(json_array_size(json_object_get(me, "scopes")), 2);
    json_decref(me);
    json_decref(j);
    j = J("{\"user\":{\"email\":\"a@b.c\"},\"company\":\"Acme\\u001b[2J\",\"scope\":\"a b,c\"}");
    me = keebai_decode_me(j);
    assert_string_equal(json_string_value(json_object_get(me, "account")), "a@b.c");
    assert_null(strchr(json_string_value(json_object_get(me, "company")), 0x1b));
    assert_int_equal(json_array_size(json_object_get(me, "scopes")), 3);
    json_decref(me);
    json_decref(j);
    j = J("{\"id\":[1],\"company\":7.5,\"scopes\":{}}"); /* wrong types: keys left out */
    me = keebai_decode_me(j);
    assert_non_null(me);
    assert_null(json_object_get(me, "account"));
    assert_null(json_object_get(me, "company"));
    assert_int_equal(json_array_size(json_object_get(me, "scopes")), 0);
    json_decref(me);
    json_decref(j);
    assert_null(keebai_decode_me(NULL));
    j = J("[\"usr_1\"]");
    assert_null(keebai_decode_me(j));
    json_decref(j);
}

static void test_webhook(void **state)
{
    char *secret;
    int bad;
    json_t *j = J("{\"id\":\"wh_1\",\"name\":\"hubdesk\",\"url\":\"https://h.example/k\","
                  "\"events\":[\"whatsapp.channel.connected\",3],\"secret\":\"whsec_abc\"}");
    json_t *d = keebai_decode_webhook(j, &secret, &bad);
    assert_string_equal(secret, "whsec_abc");
    assert_int_equal(bad, 0);
    assert_null(json_object_get(d, "secret"));
    assert_string_equal(json_string_value(json_object_get(d, "id")), "wh_1");
    assert_int_equal(json_array_size(json_object_get(d, "events")), 1);
    char *dump = json_dumps(j, 0); /* the parsed answer no longer holds the secret */
    assert_null(strstr(dump, "whsec_abc"));
    free(dump);
    secret_free(secret);
    json_decref(d);
    json_decref(j);
    /* no secret: fine; a secret that cannot be stored as is: flagged, not altered */
    const char *cases[] = {"{\"id\":\"wh_2\"}", "{\"id\":\"wh_3\",\"secret\":\"a b\\u001b\"}",
                           "{\"id\":\"wh_4\",\"secret\":\"ab\\u0000cd\"}", "{\"secret\":7}"};
    int bads[] = {0, 1, 1, 0};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        j = J(cases[i]);
        d = keebai_decode_webhook(j, &secret, &bad);
        assert_non_null(d);
        assert_null(secret);
        assert_int_equal(bad, bads[i]);
        json_decref(d);
        json_decref(j);
    }
    assert_null(keebai_decode_webhook(NULL, &secret, &bad));
    assert_null(secret);
    j = J("\"whsec_abc\"");
    assert_null(keebai_decode_webhook(j, &secret, &bad));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_event_json),
        cmocka_unit_test(test_qr_event_liberal_forms),
        cmocka_unit_test(test_qr_event_unprintable),
        cmocka_unit_test(test_qr_event_bad_input),
        cmocka_unit_test(test_connected_event),
        cmocka_unit_test(test_connected_event_hostile),
        cmocka_unit_test(test_error_and_expired_events),
        cmocka_unit_test(test_error_event_words_survive),
        cmocka_unit_test(test_start_answer),
        cmocka_unit_test(test_session_id_and_type_filter),
        cmocka_unit_test(test_signup_answer),
        cmocka_unit_test(test_signup_answer_bad_input),
        cmocka_unit_test(test_signup_numbers_clamped),
        cmocka_unit_test(test_signup_poll),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_me),
        cmocka_unit_test(test_webhook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
