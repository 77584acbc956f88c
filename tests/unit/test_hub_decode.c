/* test_hub_decode.c: HubMessage and HydraCore answers, good, odd and hostile, and the form
 * helpers both drivers share (checks per field, secrets kept out of the hub's words). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubform.h"
#include "hubmessage_decode.h"
#include "hydracore_decode.h"
#include "secret.h"
#include "text.h"

static json_t *J(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    return j;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    assert_non_null(s);
    return s;
}

/* ---- hubform ----------------------------------------------------------------------------- */

static void test_form_gathers_fields(void **state)
{
    hubform f = {0};
    assert_int_equal(hubform_check(&f, "a", HD_OK, "never"), HD_OK);
    assert_false(f.failed);
    assert_null(f.fields);
    assert_int_equal(hubform_refuse(&f, "waba_id", "the id is digits only"), HD_ERR_USAGE);
    assert_int_equal(hubform_check(&f, "code", HD_ERR_USAGE, "enter the code"), HD_ERR_USAGE);
    hubform_refuse(&f, "code", "second sentence for code: dropped");
    hubform_refuse(&f, "bad", "esc \x1b[2J here\n");
    assert_true(f.failed);
    assert_int_equal(json_object_size(f.fields), 3);
    assert_string_equal(jstr(f.fields, "code"), "enter the code");
    assert_null(strchr(jstr(f.fields, "bad"), 0x1b));
    assert_non_null(strstr(f.message, "the id is digits only; enter the code; esc"));
    assert_null(strstr(f.message, "dropped"));
    hubform_clear(&f);
    assert_null(f.fields);
    assert_string_equal(f.message, "");
    /* Many long sentences: the line is cut, each field keeps its own. */
    char big[380];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    hubform_refuse(&f, "one", big);
    hubform_refuse(&f, "two", big);
    hubform_refuse(&f, NULL, "no field");
    assert_true(strlen(f.message) < HUBFORM_MSG_MAX);
    assert_int_equal(strlen(jstr(f.fields, "two")), sizeof big - 1);
    assert_string_equal(jstr(f.fields, ""), "no field");
    hubform_clear(&f);
}

/* The joined message is cut on a character boundary, never inside one (found by fuzzing). */
static void test_form_cut_on_character(void **state)
{
    hubform f = {0};
    char first[HUBFORM_MSG_MAX - 3], second[200] = "";
    memset(first, 'x', sizeof first - 1);
    first[sizeof first - 1] = '\0'; /* 396 bytes: "; " and one byte of the next fit */
    for (int i = 0; i < 20; i++)
        strcat(second, "\xc3\xa3"); /* "ã": two bytes each */
    hubform_refuse(&f, "a", first);
    hubform_refuse(&f, "b", second);
    assert_true(text_is_clean(f.message));
    assert_int_equal(strlen(f.message), sizeof first - 1 + 2);
    hubform_clear(&f);
    /* Room for one whole character: it is kept. */
    first[sizeof first - 2] = '\0';
    hubform_refuse(&f, "a", first);
    hubform_refuse(&f, "b", second);
    assert_true(text_is_clean(f.message));
    assert_int_equal(strlen(f.message), sizeof first - 2 + 2 + 2);
    hubform_clear(&f);
}

static void test_form_text_len(void **state)
{
    assert_int_equal(hubform_text_len("", 0), 0);
    assert_int_equal(hubform_text_len("Ukindo", 0), 6);
    assert_int_equal(hubform_text_len("São Paulo ✓", 0), 11); /* characters, not bytes */
    assert_int_equal(hubform_text_len(NULL, 0), -1);
    assert_int_equal(hubform_text_len("a\nb", 0), -1);
    assert_int_equal(hubform_text_len("a\nb\tc", 1), 5);
    assert_int_equal(hubform_text_len("a\rb", 1), -1);
    assert_int_equal(hubform_text_len("a\x1b[2J", 1), -1);
    assert_int_equal(hubform_text_len("\x7f", 0), -1);
    assert_int_equal(hubform_text_len("bad \xc3", 0), -1);     /* cut UTF-8 */
    assert_int_equal(hubform_text_len("bad \x80 x", 0), -1);   /* stray continuation */
    assert_int_equal(hubform_text_len("\xc0\xaf", 0), -1);     /* overlong '/' */
    assert_int_equal(hubform_text_len("\xed\xa0\x80", 0), -1); /* a surrogate */
}

static void test_form_secrets(void **state)
{
    const char *secrets[] = {"EAAG-secret-token", NULL, "abc", "app5ecret"};
    assert_true(hubform_quotes_secret("bad token EAAG-secret-token here", secrets, 4));
    assert_true(hubform_quotes_secret("app5ecret", secrets, 4));
    assert_false(hubform_quotes_secret("abc is too short to look for", secrets, 4));
    assert_false(hubform_quotes_secret("EAAG-secret", secrets, 4));
    assert_false(hubform_quotes_secret(NULL, secrets, 4));
    assert_false(hubform_quotes_secret("x", NULL, 0));
    json_t *f = J("{\"access_token\":\"EAAG-secret-token is wrong\",\"phone\":\"digits\",\"n\":3}");
    hubform_scrub_fields(f, secrets, 4);
    assert_null(strstr(jstr(f, "access_token"), "EAAG"));
    assert_non_null(strstr(jstr(f, "access_token"), "secret"));
    assert_string_equal(jstr(f, "phone"), "digits");
    json_decref(f);
    hubform_scrub_fields(NULL, secrets, 4);
}

/* ---- HubMessage --------------------------------------------------------------------------- */

static void test_hm_ids_and_keys(void **state)
{
    assert_true(hubmessage_id_ok("a1b2c3d4-e5f6-7890-abcd-ef1234567890"));
    assert_true(hubmessage_id_ok("ch_1.x~y"));
    static const char *const bad[] = {"", ".", "..", "a/b", "a?b", "a#b", "a b", "a%2F", "é",
                                      "a\nb", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(hubmessage_id_ok(bad[i]));
    char longid[HM_ID_MAX + 2];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    assert_false(hubmessage_id_ok(longid));
    longid[HM_ID_MAX] = '\0';
    assert_true(hubmessage_id_ok(longid));
    assert_true(hubmessage_is_public_key("hm_pk_sandbox"));
    assert_true(hubmessage_is_public_key("pk_live_1"));
    assert_false(hubmessage_is_public_key("hm_sk_sandbox"));
    assert_false(hubmessage_is_public_key("xpk_"));
    assert_false(hubmessage_is_public_key(NULL));
}

static void test_hm_created(void **state)
{
    json_t *j = J("{\"id\":\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\",\"extra\":1}");
    json_t *d = hubmessage_decode_created(j, "Bot \x1b[31mred");
    assert_string_equal(jstr(d, "id"), "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    assert_string_equal(jstr(d, "type"), "META_WHATSAPP");
    assert_true(json_is_false(json_object_get(d, "active")));
    assert_null(strchr(jstr(d, "name"), 0x1b));
    assert_int_equal(json_object_size(d), 4);
    json_decref(d);
    json_decref(j);
    static const char *const bad[] = {"{}", "{\"id\":7}", "{\"id\":\"\"}", "{\"id\":\"../x\"}",
                                      "{\"id\":\"a b\"}", "[]", "\"id\"", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = J(bad[i]);
        assert_null(hubmessage_decode_created(j, "n"));
        json_decref(j);
    }
    assert_null(hubmessage_decode_created(NULL, "n"));
}

static void test_hm_connected_and_sent(void **state)
{
    json_t *j = J("{\"success\":true}");
    assert_true(hubmessage_decode_connected(j));
    json_decref(j);
    j = J("{\"success\":false}");
    assert_false(hubmessage_decode_connected(j));
    json_decref(j);
    assert_true(hubmessage_decode_connected(NULL)); /* an empty 2xx is the hub's yes */
    j = J("{\"messageId\":\"m-1\"}");
    json_t *d = hubmessage_decode_sent(j);
    assert_string_equal(jstr(d, "message_id"), "m-1");
    assert_string_equal(jstr(d, "status"), "accepted");
    json_decref(d);
    json_decref(j);
    static const char *const odd[] = {"{}", "{\"messageId\":5}", "{\"messageId\":\"a\\u001bb\"}",
                                      "{\"messageId\":\"\"}"};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        j = J(odd[i]);
        d = hubmessage_decode_sent(j);
        assert_string_equal(jstr(d, "status"), "accepted");
        assert_null(json_object_get(d, "message_id"));
        json_decref(d);
        json_decref(j);
    }
    j = J("[\"messageId\"]");
    assert_null(hubmessage_decode_sent(j));
    json_decref(j);
    assert_null(hubmessage_decode_sent(NULL));
}

static void test_hm_status(void **state)
{
    json_t *j = J("{\"id\":\"x\",\"status\":\"CONNECTED\",\"wabaId\":\"428083093730937\","
                  "\"phoneId\":\"123456789012345\",\"coexistence\":true}");
    json_t *d = hubmessage_decode_status(j);
    assert_int_equal(json_integer_value(json_object_get(d, "code")), 0);
    assert_string_equal(jstr(d, "text"), "CONNECTED");
    assert_string_equal(jstr(d, "meaning"), hubmessage_status_meaning("CONNECTED"));
    assert_string_equal(jstr(d, "waba_id"), "428083093730937");
    assert_string_equal(jstr(d, "phone_id"), "123456789012345");
    assert_true(json_is_true(json_object_get(d, "coexistence")));
    json_decref(d);
    json_decref(j);
    j = J("{\"status\":\"WEIRD\\u001b[0m\",\"wabaId\":null,\"coexistence\":\"yes\"}");
    d = hubmessage_decode_status(j);
    assert_null(strchr(jstr(d, "text"), 0x1b));
    assert_non_null(strstr(jstr(d, "meaning"), "does not know"));
    assert_null(json_object_get(d, "waba_id"));
    assert_null(json_object_get(d, "coexistence"));
    json_decref(d);
    json_decref(j);
    assert_non_null(strstr(hubmessage_status_meaning("created"), "signup"));
    static const char *const bad[] = {"{}", "{\"status\":\"\"}", "{\"status\":1}", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = J(bad[i]);
        assert_null(hubmessage_decode_status(j));
        json_decref(j);
    }
    assert_null(hubmessage_decode_status(NULL));
    d = hubmessage_unknown_status();
    assert_string_equal(jstr(d, "text"), "UNKNOWN");
    assert_non_null(strstr(jstr(d, "meaning"), "send a test message"));
    json_decref(d);
}

static void test_hm_field_errors(void **state)
{
    static const struct {
        const char *body, *field, *msg;
    } cases[] = {
        {"{\"error\":{\"code\":\"INVALID_FIELD\",\"message\":\"wabaId must be digits\","
         "\"field\":\"wabaId\"}}", "waba_id", "INVALID_FIELD: wabaId must be digits"},
        {"{\"error\":{\"code\":\"INVALID_FIELD\",\"message\":\"m\",\"field\":\"phoneId\"}}",
         "phone_id", "INVALID_FIELD: m"},
        {"{\"error\":{\"code\":\"INVALID_CODE\",\"message\":\"authorization code expired\"}}",
         "code", "INVALID_CODE: authorization code expired"},
        {"{\"error\":{\"message\":\"no code\",\"field\":\"wabaId\"}}", "waba_id", "no code"},
        {"{\"error\":{\"code\":\"INVALID_FIELD\",\"field\":\"recipient.identifier\"}}", "to",
         "INVALID_FIELD"},
        {"{\"error\":{\"code\":\"INVALID_FIELD\",\"message\":\"x\",\"field\":\"we\\u001bird\"}}",
         "we?ird", "INVALID_FIELD: x"},
        {"{\"error\":{\"code\":\"OUT\\u001b[2J\",\"message\":\"y\",\"field\":\"code\"}}",
         "code", "OUT?[2J: y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *j = J(cases[i].body), *f = hubmessage_field_errors(j);
        assert_int_equal(json_object_size(f), 1);
        assert_string_equal(jstr(f, cases[i].field), cases[i].msg);
        json_decref(f);
        json_decref(j);
    }
    static const char *const none[] = {
        "{\"error\":{\"code\":\"CHANNEL_NOT_FOUND\",\"message\":\"no\"}}",
        "{\"error\":\"flat\"}", "{\"detail\":\"x\"}", "[]", "{\"error\":{\"field\":\"\"}}"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        json_t *j = J(none[i]);
        assert_null(hubmessage_field_errors(j));
        json_decref(j);
    }
    assert_null(hubmessage_field_errors(NULL));
}

/* ---- HydraCore ---------------------------------------------------------------------------- */

static void test_hc_channel(void **state)
{
    json_t *j = J("{\"display_phone\":\"+61400111222\",\"enabled\":true,\"phone_number_id\":"
                  "\"123456789012345\",\"status\":\"pending_verification\",\"webhook_url\":"
                  "\"https://h.example/hydracore/webhooks/whatsapp/x\"}");
    json_t *d = hydracore_decode_channel(j);
    assert_string_equal(jstr(d, "id"), "whatsapp");
    assert_string_equal(jstr(d, "type"), "whatsapp");
    assert_string_equal(jstr(d, "name"), "WhatsApp");
    assert_string_equal(jstr(d, "phone"), "+61400111222");
    assert_string_equal(jstr(d, "display_phone"), "+61400111222");
    assert_string_equal(jstr(d, "phone_number_id"), "123456789012345");
    assert_string_equal(jstr(d, "status"), "pending_verification");
    assert_true(json_is_true(json_object_get(d, "active")));
    assert_true(json_is_true(json_object_get(d, "enabled")));
    assert_non_null(strstr(jstr(d, "webhook_url"), "/webhooks/whatsapp/"));
    json_decref(d);
    d = hydracore_decode_status(j);
    assert_int_equal(json_integer_value(json_object_get(d, "code")), 0);
    assert_string_equal(jstr(d, "text"), "pending_verification");
    assert_non_null(strstr(jstr(d, "meaning"), "verify token"));
    json_decref(d);
    json_decref(j);
    /* nulls and odd types become "" / false; controls are replaced */
    j = J("{\"display_phone\":null,\"enabled\":\"yes\",\"status\":\"conn\\u001bected\","
          "\"webhook_url\":7}");
    d = hydracore_decode_status(j);
    assert_string_equal(jstr(d, "display_phone"), "");
    assert_string_equal(jstr(d, "phone_number_id"), "");
    assert_string_equal(jstr(d, "webhook_url"), "");
    assert_true(json_is_false(json_object_get(d, "enabled")));
    assert_null(strchr(jstr(d, "text"), 0x1b));
    assert_non_null(strstr(jstr(d, "meaning"), "does not know"));
    json_decref(d);
    json_decref(j);
    assert_non_null(strstr(hydracore_status_meaning("CONNECTED"), "verified"));
    static const char *const bad[] = {"{}", "{\"status\":3}", "[]", "\"connected\"",
                                      "{\"enabled\":true}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = J(bad[i]);
        assert_null(hydracore_decode_channel(j));
        assert_null(hydracore_decode_status(j));
        assert_null(hydracore_decode_setup(j, "x"));
        json_decref(j);
    }
    assert_null(hydracore_decode_channel(NULL));
}

static void test_hc_setup_verify_token(void **state)
{
    static const struct {
        const char *back, *sent, *token, *source;
    } cases[] = {
        {"\"hc_vt_0123\"", NULL, "hc_vt_0123", "hub"}, /* made by the hub */
        {"\"hc_vt_0123\"", "", "hc_vt_0123", "hub"},
        {"\"mine\"", "mine", "mine", "sent"},           /* echoed */
        {"null", "mine", "mine", "sent"},               /* not echoed */
        {"\"theirs\"", "mine", "theirs", "hub"},        /* the hub chose another */
        {"null", NULL, "", "unknown"},                  /* kept to itself */
        {"\"a b\"", NULL, "", "unknown"},               /* unusable: as if absent */
        {"\"a\\u001bb\"", "mine", "mine", "sent"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[200];
        snprintf(text, sizeof text, "{\"status\":\"pending_verification\",\"verify_token\":%s}",
                 cases[i].back);
        json_t *j = J(text), *d = hydracore_decode_setup(j, cases[i].sent);
        assert_string_equal(jstr(d, "verify_token"), cases[i].token);
        assert_string_equal(jstr(d, "verify_token_source"), cases[i].source);
        json_decref(d);
        json_decref(j);
    }
    char longtok[HC_VERIFY_MAX + 2];
    memset(longtok, 'v', sizeof longtok - 1);
    longtok[sizeof longtok - 1] = '\0';
    assert_false(hydracore_verify_token_ok(longtok));
    longtok[HC_VERIFY_MAX] = '\0';
    assert_true(hydracore_verify_token_ok(longtok));
    assert_false(hydracore_verify_token_ok(""));
    assert_false(hydracore_verify_token_ok(NULL));
}

static void test_hc_errors(void **state)
{
    json_t *j = J("{\"detail\":[{\"loc\":[\"body\",\"access_token\"],\"msg\":\"looks truncated\","
                  "\"type\":\"value_error\"},{\"loc\":[\"body\",\"app_secret\"],\"msg\":\"32 hex\"},"
                  "{\"loc\":[\"path\",\"instance_id\"],\"msg\":\"not a UUID\"}]}");
    json_t *f = hydracore_field_errors(j);
    assert_int_equal(json_object_size(f), 3);
    assert_string_equal(jstr(f, "access_token"), "looks truncated");
    assert_string_equal(jstr(f, "app_secret"), "32 hex");
    assert_string_equal(jstr(f, "instance"), "not a UUID");
    assert_null(json_object_get(f, "instance_id"));
    json_decref(f);
    json_decref(j);
    static const char *const none[] = {"{\"detail\":\"Not authenticated\"}", "{}", "[]",
                                       "{\"detail\":7}"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        j = J(none[i]);
        assert_null(hydracore_field_errors(j));
        assert_false(hydracore_instance_missing(j));
        json_decref(j);
    }
    assert_null(hydracore_field_errors(NULL));
    j = J("{\"detail\":\"Instance not found\"}");
    assert_true(hydracore_instance_missing(j));
    json_decref(j);
    j = J("{\"detail\":\"WhatsApp channel not configured\"}");
    assert_false(hydracore_instance_missing(j));
    json_decref(j);
    assert_false(hydracore_instance_missing(NULL));
    char path[80];
    assert_int_equal(hydracore_path(path, sizeof path, "497f6eca-6276-4993-bfeb-53cbbbba6f08"), 0);
    assert_string_equal(path, "/v1/instances/497f6eca-6276-4993-bfeb-53cbbbba6f08/channels/whatsapp");
    assert_int_equal(hydracore_path(path, 20, "497f6eca-6276-4993-bfeb-53cbbbba6f08"), -1);
}

int main(void)
{
    secret_harden_json();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_gathers_fields),
        cmocka_unit_test(test_form_cut_on_character),
        cmocka_unit_test(test_form_text_len),
        cmocka_unit_test(test_form_secrets),
        cmocka_unit_test(test_hm_ids_and_keys),
        cmocka_unit_test(test_hm_created),
        cmocka_unit_test(test_hm_connected_and_sent),
        cmocka_unit_test(test_hm_status),
        cmocka_unit_test(test_hm_field_errors),
        cmocka_unit_test(test_hc_channel),
        cmocka_unit_test(test_hc_setup_verify_token),
        cmocka_unit_test(test_hc_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
