/* test_chatt2me_decode.c: Chatt2.me's answers, good, odd and hostile, into normalised JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "chatt2me_decode.h"
#include "secret.h"

static json_t *J(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    return j;
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void test_sent(void **state)
{
    json_t *j = J("{\"messageId\":\"9307b9ab-5fab-4151-b7c2-b00c2a8a6e8e\",\"status\":\"sent\"}");
    json_t *d = chatt2me_decode_sent(j);
    assert_string_equal(jstr(d, "message_id"), "9307b9ab-5fab-4151-b7c2-b00c2a8a6e8e");
    assert_string_equal(jstr(d, "status"), "sent");
    assert_int_equal(json_object_size(d), 2);
    json_decref(d);
    json_decref(j);
    /* Hostile strings are sanitized; an id without a word is "accepted". */
    j = J("{\"messageId\":\"m\\u001b[2J1\",\"status\":\"error\",\"errorCode\":\"X\\u0007\","
          "\"errorMessage\":\"line\\nbreak\"}");
    d = chatt2me_decode_sent(j);
    assert_string_equal(jstr(d, "message_id"), "m?[2J1");
    assert_string_equal(jstr(d, "status"), "error");
    assert_string_equal(jstr(d, "error_code"), "X?");
    assert_string_equal(jstr(d, "error_message"), "line break");
    json_decref(d);
    json_decref(j);
    j = J("{\"messageId\":\"m2\",\"status\":7}");
    d = chatt2me_decode_sent(j);
    assert_string_equal(jstr(d, "status"), "accepted");
    json_decref(d);
    json_decref(j);
    /* Nothing understood: NULL. */
    static const char *const none[] = {"{\"ok\":true}", "{\"messageId\":5}", "[]", "\"sent\""};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        j = J(none[i]);
        assert_null(chatt2me_decode_sent(j));
        json_decref(j);
    }
    assert_null(chatt2me_decode_sent(NULL));
}

static void test_hook_id(void **state)
{
    char id[8] = "keep";
    json_t *j = J("{\"id\":\"h\\u001b1\",\"eventType\":\"Message\"}");
    assert_ptr_equal(chatt2me_decode_hook_id(j, id, sizeof id), id);
    assert_string_equal(id, "h?1");
    json_decref(j);
    j = J("{\"id\":\"0123456789abcdef\"}"); /* cut to fit */
    assert_string_equal(chatt2me_decode_hook_id(j, id, sizeof id), "0123456");
    json_decref(j);
    strcpy(id, "keep");
    j = J("{\"id\":42}");
    assert_null(chatt2me_decode_hook_id(j, id, sizeof id));
    assert_string_equal(id, "keep");
    json_decref(j);
    assert_null(chatt2me_decode_hook_id(NULL, id, sizeof id));
}

static void test_error_field(void **state)
{
    static const char *const cases[][2] = {
        {"INVALID_RECIPIENT", "to"},
        {"CHANNEL_NOT_FOUND", "channel_id"},
        {"CHANNEL_KIND_MISMATCH", "kind"},
        {"INVALID_ENDPOINT", "url"},
        {"ENDPOINT_VERIFICATION_FAILED", "url"},
        {"INVALID_EVENT_TYPE", "events"},
    };
    char text[120];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(text, sizeof text, "{\"errorCode\":\"%s\",\"errorMessage\":\"no\"}", cases[i][0]);
        json_t *j = J(text);
        assert_string_equal(chatt2me_error_field(j), cases[i][1]);
        json_decref(j);
    }
    static const char *const none[] = {"{\"errorCode\":\"UNAUTHORIZED\"}",
                                       "{\"errorCode\":\"invalid_recipient\"}", "{\"errorCode\":1}",
                                       "{\"error\":{\"code\":\"x\"}}", "[]"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        json_t *j = J(none[i]);
        assert_null(chatt2me_error_field(j));
        json_decref(j);
    }
    assert_null(chatt2me_error_field(NULL));
}

int main(void)
{
    secret_harden_json();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sent),
        cmocka_unit_test(test_hook_id),
        cmocka_unit_test(test_error_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
