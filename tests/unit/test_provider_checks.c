/* test_provider_checks.c: the checks drivers make before sending (E.164, digits, UUID, each
 * channel kind's recipient, webhook URL) and how hub error bodies become words and form
 * fields (provider_error_text, provider_field_errors), with good and bad input for each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "provider.h"
#include "secret.h"
#include "text.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* HD_OK, and `why` left untouched. */
#define OK(call_with_why)                                                                          \
    do {                                                                                           \
        strcpy(why, "untouched");                                                                  \
        assert_int_equal((call_with_why), HD_OK);                                                  \
        assert_string_equal(why, "untouched");                                                     \
    } while (0)

/* HD_ERR_USAGE with a clean sentence holding `word`. */
#define BAD(call_with_why, word)                                                                   \
    do {                                                                                           \
        why[0] = '\0';                                                                             \
        assert_int_equal((call_with_why), HD_ERR_USAGE);                                           \
        assert_true(strlen(why) > 10);                                                             \
        assert_true(text_is_clean(why));                                                           \
        if (!strstr(why, (word)))                                                                  \
            fail_msg("\"%s\" does not say \"%s\"", why, (word));                                   \
    } while (0)

static char why[300];

/* ---- E.164, digits, UUID ------------------------------------------------------------------ */

static void test_e164(void **state)
{
    OK(provider_e164_check("+5511944574999", why, sizeof why));
    OK(provider_e164_check("+12345678", why, sizeof why));               /* 8 digits: the least */
    OK(provider_e164_check("+123456789012345", why, sizeof why));        /* 15: the most */
    BAD(provider_e164_check("5511944574999", why, sizeof why), "E.164"); /* the + is needed */
    BAD(provider_e164_check("", why, sizeof why), "E.164");
    BAD(provider_e164_check(NULL, why, sizeof why), "E.164");
    BAD(provider_e164_check("+", why, sizeof why), "digits only");
    BAD(provider_e164_check("+55 11 94457-4999", why, sizeof why), "digits only");
    BAD(provider_e164_check("+55119445749x9", why, sizeof why), "digits only");
    BAD(provider_e164_check("++5511944574999", why, sizeof why), "digits only");
    BAD(provider_e164_check("+1234567", why, sizeof why), "8 to 15");
    BAD(provider_e164_check("+1234567890123456", why, sizeof why), "8 to 15");
    BAD(provider_e164_check("+05511944574999", why, sizeof why), "never starts with 0");
    /* A NULL `why` is allowed: only the status comes back. */
    assert_int_equal(provider_e164_check("x", NULL, 0), HD_ERR_USAGE);
}

static void test_digits(void **state)
{
    OK(provider_digits_check("12345", "WABA id", why, sizeof why));
    OK(provider_digits_check("106540352242922", "phone number id", why, sizeof why));
    OK(provider_digits_check("12345678901234567890123456789012", "WABA id", why, sizeof why));
    BAD(provider_digits_check("", "WABA id", why, sizeof why), "enter the WABA id");
    BAD(provider_digits_check(NULL, "WABA id", why, sizeof why), "enter the WABA id");
    BAD(provider_digits_check("1234", "WABA id", why, sizeof why), "5 to 32");
    BAD(provider_digits_check("123456789012345678901234567890123", "WABA id", why, sizeof why),
        "5 to 32");
    BAD(provider_digits_check("12345a", "phone number id", why, sizeof why),
        "phone number id is digits only");
    BAD(provider_digits_check("-12345", "WABA id", why, sizeof why), "digits only");
    BAD(provider_digits_check(" 12345", "WABA id", why, sizeof why), "digits only");
    BAD(provider_digits_check("+12345", "WABA id", why, sizeof why), "digits only");
}

static void test_uuid(void **state)
{
    OK(provider_uuid_check("497f6eca-6276-4993-bfeb-53cbbbba6f08", "instance", why, sizeof why));
    OK(provider_uuid_check("497F6ECA-6276-4993-BFEB-53CBBBBA6F08", "instance", why, sizeof why));
    OK(provider_uuid_check("00000000-0000-0000-0000-000000000000", "instance", why, sizeof why));
    BAD(provider_uuid_check("", "channel id", why, sizeof why), "enter the channel id");
    BAD(provider_uuid_check(NULL, "channel id", why, sizeof why), "enter the channel id");
    BAD(provider_uuid_check("497f6eca-6276-4993-bfeb-53cbbbba6f0", "channel id", why, sizeof why),
        "channel id is a UUID"); /* 35 characters */
    BAD(provider_uuid_check("497f6eca-6276-4993-bfeb-53cbbbba6f088", "x", why, sizeof why),
        "UUID"); /* 37 */
    BAD(provider_uuid_check("497f6eca62764993bfeb53cbbbba6f08", "x", why, sizeof why), "UUID");
    BAD(provider_uuid_check("497f6eca-6276-4993-bfeb-53cbbbba6f0g", "x", why, sizeof why), "UUID");
    BAD(provider_uuid_check("497f6eca+6276-4993-bfeb-53cbbbba6f08", "x", why, sizeof why), "UUID");
    BAD(provider_uuid_check("497f6ec-a6276-4993-bfeb-53cbbbba6f08", "x", why, sizeof why), "UUID");
    BAD(provider_uuid_check("{97f6eca-6276-4993-bfeb-53cbbbba6f0}", "x", why, sizeof why), "UUID");
    BAD(provider_uuid_check("497f6eca-6276-4993-bfeb-53cbbbba6f\n8", "x", why, sizeof why), "UUID");
}

/* ---- recipients per channel kind ---------------------------------------------------------- */

static void test_recipient_whatsapp(void **state)
{
    OK(provider_recipient_check("whatsapp", "5511993986082", why, sizeof why));
    OK(provider_recipient_check("WhatsApp", "5511993986082", why, sizeof why)); /* any case */
    BAD(provider_recipient_check("whatsapp", "+5511993986082", why, sizeof why), "without +");
    BAD(provider_recipient_check("whatsapp", "", why, sizeof why), "enter the recipient");
    BAD(provider_recipient_check("whatsapp", NULL, why, sizeof why), "(sent without +)");
    BAD(provider_recipient_check("whatsapp", "55 11 99398 6082", why, sizeof why), "digits only");
    BAD(provider_recipient_check("whatsapp", "1234567", why, sizeof why), "8 to 15");
    BAD(provider_recipient_check("whatsapp", "1234567890123456", why, sizeof why), "8 to 15");
    BAD(provider_recipient_check("whatsapp", "05511993986082", why, sizeof why), "not 0");
}

static void test_recipient_sms(void **state)
{
    OK(provider_recipient_check("sms", "+5511944574999", why, sizeof why));
    OK(provider_recipient_check("SMS", "+5511944574999", why, sizeof why));
    BAD(provider_recipient_check("sms", "5511944574999", why, sizeof why), "E.164");
    BAD(provider_recipient_check("sms", "", why, sizeof why), "(sent with +)");
    BAD(provider_recipient_check("sms", "+55-11-944574999", why, sizeof why), "digits only");
    BAD(provider_recipient_check("sms", "+0511944574999", why, sizeof why), "never starts with 0");
    BAD(provider_recipient_check("sms", "+123", why, sizeof why), "8 to 15");
}

static void test_recipient_numeric_ids(void **state)
{
    OK(provider_recipient_check("telegram", "8568649397", why, sizeof why));
    OK(provider_recipient_check("telegram", "-1001234567890", why, sizeof why)); /* a group */
    OK(provider_recipient_check("telegram", "-42", why, sizeof why));
    OK(provider_recipient_check("instagram", "847495124317323", why, sizeof why));
    OK(provider_recipient_check("messenger", "26203292189261166", why, sizeof why));
    OK(provider_recipient_check("messenger", "12345678901234567890123456789012", why, sizeof why));
    BAD(provider_recipient_check("telegram", "-", why, sizeof why), "Telegram takes a numeric id");
    BAD(provider_recipient_check("telegram", "--42", why, sizeof why), "numeric id");
    BAD(provider_recipient_check("telegram", "+8568649397", why, sizeof why), "numeric id");
    BAD(provider_recipient_check("telegram", "@mybot", why, sizeof why), "numeric id");
    BAD(provider_recipient_check("telegram", "42-", why, sizeof why), "numeric id");
    BAD(provider_recipient_check("telegram", "", why, sizeof why), "enter the recipient");
    /* Only Telegram has negative (group) ids. */
    BAD(provider_recipient_check("instagram", "-847495124317323", why, sizeof why),
        "Instagram takes a numeric id");
    BAD(provider_recipient_check("messenger", "-26203292189261166", why, sizeof why),
        "Messenger takes a numeric id");
    BAD(provider_recipient_check("instagram", "john.doe", why, sizeof why), "IGSID");
    BAD(provider_recipient_check("messenger", "2620 3292", why, sizeof why), "PSID");
    BAD(provider_recipient_check("messenger", "123456789012345678901234567890123", why, sizeof why),
        "numeric id"); /* 33 digits */
    BAD(provider_recipient_check("instagram", NULL, why, sizeof why), "enter the recipient");
}

static void test_recipient_webchatt(void **state)
{
    char id[202];
    OK(provider_recipient_check("webchatt", "visitor-7f3a", why, sizeof why));
    OK(provider_recipient_check("webchatt", "v_\xc3\xa9t\xc3\xa9", why, sizeof why)); /* UTF-8 */
    memset(id, 'v', 200);
    id[200] = '\0';
    OK(provider_recipient_check("webchatt", id, why, sizeof why));
    id[200] = 'v';
    id[201] = '\0';
    BAD(provider_recipient_check("webchatt", id, why, sizeof why), "at most 200");
    BAD(provider_recipient_check("webchatt", "two words", why, sizeof why), "one word");
    BAD(provider_recipient_check("webchatt", "tab\there", why, sizeof why), "one word");
    BAD(provider_recipient_check("webchatt", "esc\x1b[2J", why, sizeof why), "one word");
    BAD(provider_recipient_check("webchatt", "bad\xff", why, sizeof why), "one word");
    BAD(provider_recipient_check("webchatt", "", why, sizeof why), "visitor id");
}

static void test_recipient_unknown_kind(void **state)
{
    BAD(provider_recipient_check("signal", "5511993986082", why, sizeof why),
        "unknown channel kind");
    BAD(provider_recipient_check(NULL, "5511993986082", why, sizeof why), "unknown channel kind");
    BAD(provider_recipient_check("", "5511993986082", why, sizeof why), "unknown channel kind");
    assert_int_equal(provider_recipient_check("whatsapp", "+1", NULL, 0), HD_ERR_USAGE);
}

/* The kind table: every kind has a label and a hint, lookups are case-insensitive. */
static void test_kind_table(void **state)
{
    const char *const *k = provider_channel_kinds();
    size_t n = 0;
    for (; k[n]; n++) {
        assert_true(strlen(provider_recipient_hint(k[n])) > 5);
        assert_string_not_equal(provider_channel_kind_label(k[n]), k[n]);
    }
    assert_int_equal(n, 6);
    assert_string_equal(provider_channel_kind_label("webchatt"), "Web Chatt");
    assert_string_equal(provider_channel_kind_label("SMS"), "SMS");
    assert_string_equal(provider_channel_kind_label("fax"), "fax"); /* unknown: itself */
    assert_string_equal(provider_channel_kind_label(NULL), "");
    assert_string_equal(provider_recipient_hint("fax"), "");
}

/* ---- webhook URL -------------------------------------------------------------------------- */

static void test_webhook_url(void **state)
{
    char longurl[2100];
    OK(provider_webhook_url_check("https://example.com/hooks/chatt2me", why, sizeof why));
    OK(provider_webhook_url_check("HTTPS://Example.com:8443/h?x=1#f", why, sizeof why));
    OK(provider_webhook_url_check("https://127.0.0.1/h", why, sizeof why));
    BAD(provider_webhook_url_check("", why, sizeof why), "enter the webhook URL");
    BAD(provider_webhook_url_check(NULL, why, sizeof why), "enter the webhook URL");
    BAD(provider_webhook_url_check("http://example.com/h", why, sizeof why), "https://");
    BAD(provider_webhook_url_check("ftp://example.com/h", why, sizeof why), "https://");
    BAD(provider_webhook_url_check("example.com/h", why, sizeof why), "https://");
    BAD(provider_webhook_url_check("https://exa mple.com/h", why, sizeof why), "spaces");
    BAD(provider_webhook_url_check("https://example.com/a\tb", why, sizeof why), "spaces");
    BAD(provider_webhook_url_check("https://example.com/\x1b[2J", why, sizeof why), "spaces");
    BAD(provider_webhook_url_check("https://example.com/<script>", why, sizeof why), "spaces");
    BAD(provider_webhook_url_check("https://example.com/\"q\"", why, sizeof why), "spaces");
    BAD(provider_webhook_url_check("https://example.com/\xff", why, sizeof why), "spaces");
    BAD(provider_webhook_url_check("https://", why, sizeof why), "no host");
    BAD(provider_webhook_url_check("https:///path", why, sizeof why), "no host");
    BAD(provider_webhook_url_check("https://:443/p", why, sizeof why), "no host");
    BAD(provider_webhook_url_check("https://?q", why, sizeof why), "no host");
    BAD(provider_webhook_url_check("https://example.com:99999/h", why, sizeof why), "not valid");
    memcpy(longurl, "https://example.com/", 20);
    memset(longurl + 20, 'a', 1981);
    longurl[2001] = '\0';
    BAD(provider_webhook_url_check(longurl, why, sizeof why), "2000");
    longurl[2000] = '\0';
    OK(provider_webhook_url_check(longurl, why, sizeof why));
}

/* ---- error bodies in words ---------------------------------------------------------------- */

/* provider_error_text on an answer with this code and body (NULL = empty). */
static const char *err_text(long code, const char *body, char *out, size_t n)
{
    http_response r = {.status = HD_OK,
                       .code = code,
                       .body = body ? body : "",
                       .body_len = body ? strlen(body) : 0,
                       .retry_after_s = -1};
    return provider_error_text(&r, out, n);
}

static void test_error_text_envelopes(void **state)
{
    char out[400];
    err_text(404,
             "{\"error\":{\"code\":\"CHANNEL_NOT_FOUND\",\"message\":\"no such channel\","
             "\"details\":{}}}",
             out, sizeof out);
    assert_string_equal(out, "CHANNEL_NOT_FOUND: no such channel");
    err_text(404, "{\"error\":{\"code\":404,\"message\":\"Channel not found\",\"details\":\"x\"}}",
             out, sizeof out);
    assert_string_equal(out, "404: Channel not found");
    err_text(400, "{\"error\":{\"message\":\"only a message\"}}", out, sizeof out);
    assert_string_equal(out, "only a message");
    err_text(400, "{\"error\":\"plain string\"}", out, sizeof out);
    assert_string_equal(out, "plain string");
    err_text(401, "{\"errorCode\":\"UNAUTHORIZED\",\"errorMessage\":\"Invalid API key\"}", out,
             sizeof out);
    assert_string_equal(out, "UNAUTHORIZED: Invalid API key");
    err_text(400, "{\"errorMessage\":\"just words\"}", out, sizeof out);
    assert_string_equal(out, "just words");
    err_text(400, "{\"errorCode\":\"INVALID_PAYLOAD\"}", out, sizeof out);
    assert_string_equal(out, "INVALID_PAYLOAD");
    err_text(404, "{\"detail\":\"Instance not found\"}", out, sizeof out);
    assert_string_equal(out, "Instance not found");
    err_text(422,
             "{\"detail\":[{\"loc\":[\"path\",\"instance_id\"],\"msg\":\"Input should be a "
             "valid UUID\",\"type\":\"uuid_parsing\"},{\"loc\":[\"body\",\"app_secret\"],"
             "\"msg\":\"Field required\",\"type\":\"missing\"}]}",
             out, sizeof out);
    assert_string_equal(out,
                        "instance_id: Input should be a valid UUID; app_secret: Field required");
}

static void test_error_text_without_envelope(void **state)
{
    char out[400];
    err_text(502, "<html><body>Bad Gateway</body></html>", out, sizeof out);
    assert_non_null(strstr(out, "HTTP 502"));
    assert_null(strstr(out, "html"));
    err_text(500, NULL, out, sizeof out);
    assert_non_null(strstr(out, "HTTP 500"));
    err_text(404, "{}", out, sizeof out);
    assert_non_null(strstr(out, "HTTP 404"));
    err_text(400, "[1,2]", out, sizeof out);
    assert_non_null(strstr(out, "HTTP 400"));
    err_text(422, "{\"detail\":[]}", out, sizeof out);
    assert_non_null(strstr(out, "HTTP 422"));
    err_text(422, "{\"detail\":[{\"loc\":[\"body\",\"x\"]}]}", out, sizeof out); /* no msg */
    assert_non_null(strstr(out, "HTTP 422"));
    err_text(400, "{\"error\":{\"code\":7}}", out, sizeof out); /* a code says nothing alone */
    assert_non_null(strstr(out, "HTTP 400"));
    /* No answer at all: the transport's own line. */
    http_response r = {.status = HD_ERR_NETWORK, .body = "", .retry_after_s = -1};
    snprintf(r.error, sizeof r.error, "could not connect to 127.0.0.1");
    provider_error_text(&r, out, sizeof out);
    assert_string_equal(out, "could not connect to 127.0.0.1");
}

static void test_error_text_is_sanitized_and_bounded(void **state)
{
    char out[400], small[16], body[3000];
    err_text(400, "{\"errorCode\":\"BAD\",\"errorMessage\":\"a\\u001b[2Jb\\nc\\u0007\"}", out,
             sizeof out);
    assert_string_equal(out, "BAD: a?[2Jb c?");
    err_text(400, "{\"detail\":\"\\u009b31m red \\u202e\"}", out, sizeof out);
    assert_true(text_is_clean(out));
    assert_null(strstr(out, "\xc2\x9b"));
    snprintf(body, sizeof body, "{\"errorCode\":\"LONG\",\"errorMessage\":\"%02000d\"}", 0);
    err_text(400, body, out, sizeof out);
    assert_true(strlen(out) < sizeof out);
    assert_int_equal(strncmp(out, "LONG: 000", 9), 0);
    err_text(400, "{\"errorCode\":\"UNAUTHORIZED\",\"errorMessage\":\"Invalid API key\"}", small,
             sizeof small);
    assert_string_equal(small, "UNAUTHORIZED: I");
}

/* A hub's error words survive a \u0000 or bad UTF-8 in its body (jansson refused the whole
 * body, and only "HTTP 400: ..." was left). */
static void test_error_text_keeps_words_around_bad_bytes(void **state)
{
    char out[400];
    err_text(400, "{\"error\":{\"code\":\"BAD\",\"message\":\"no\\u0000such \xc3\x28phone\"}}",
             out, sizeof out);
    assert_string_equal(out, "BAD: no?such ?(phone");
    err_text(422, "{\"errorCode\":\"E\",\"errorMessage\":\"x\\udc00y\"}", out, sizeof out);
    assert_string_equal(out, "E: x?y");
}

/* ---- FastAPI 422 bodies as form fields ---------------------------------------------------- */

static json_t *fields_of(const char *body)
{
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    json_t *f = provider_field_errors(j);
    json_decref(j);
    return f;
}

static const char *field(const json_t *f, const char *key)
{
    const char *s = json_string_value(json_object_get(f, key));
    if (!s)
        fail_msg("no field \"%s\"", key);
    return s;
}

static void test_field_errors_several_and_repeated(void **state)
{
    json_t *f = fields_of(
        "{\"detail\":[{\"loc\":[\"body\",\"access_token\"],\"msg\":\"Field required\","
        "\"type\":\"missing\"},{\"loc\":[\"body\",\"phone_number_id\"],\"msg\":\"phone_number_id "
        "must be digits\",\"type\":\"value_error\"},{\"loc\":[\"body\",\"access_token\"],"
        "\"msg\":\"access_token looks truncated\",\"type\":\"value_error\"},"
        "{\"loc\":[\"path\",\"instance_id\"],\"msg\":\"Input should be a valid UUID\"}]}");
    assert_non_null(f);
    assert_int_equal(json_object_size(f), 3);
    assert_string_equal(field(f, "access_token"), "Field required; access_token looks truncated");
    assert_string_equal(field(f, "phone_number_id"), "phone_number_id must be digits");
    assert_string_equal(field(f, "instance_id"), "Input should be a valid UUID");
    json_decref(f);
}

static void test_field_errors_whole_body_and_odd_locs(void **state)
{
    json_t *f = fields_of("{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"JSON decode error\"},"
                          "{\"loc\":[],\"msg\":\"empty loc\"},{\"msg\":\"no loc\"},"
                          "{\"loc\":[\"body\",\"items\",0],\"msg\":\"bad item\"},"
                          "{\"loc\":[\"body\",\"body\"],\"msg\":\"a field named body\"}]}");
    assert_non_null(f);
    assert_string_equal(field(f, ""), "JSON decode error; empty loc; no loc; bad item");
    assert_string_equal(field(f, "body"), "a field named body");
    assert_int_equal(json_object_size(f), 2);
    json_decref(f);
}

static void test_field_errors_missing_msg_and_not_a_list(void **state)
{
    json_t *f = fields_of("{\"detail\":[{\"loc\":[\"body\",\"a\"],\"type\":\"missing\"},"
                          "{\"loc\":[\"body\",\"b\"],\"msg\":\"b is wrong\"},"
                          "{\"loc\":[\"body\",\"c\"],\"msg\":42},\"not an object\"]}");
    assert_non_null(f);
    assert_int_equal(json_object_size(f), 2); /* c has no words; a has its type */
    assert_string_equal(field(f, "a"), "missing");
    assert_string_equal(field(f, "b"), "b is wrong");
    json_decref(f);
    assert_null(fields_of("{\"detail\":[{\"loc\":[\"body\",\"a\"]}]}")); /* no msg at all */
    assert_null(fields_of("{\"detail\":\"Not authenticated\"}"));
    assert_null(fields_of("{\"detail\":{\"loc\":[\"body\",\"a\"],\"msg\":\"m\"}}"));
    assert_null(fields_of("{\"detail\":[]}"));
    assert_null(fields_of("{\"errorCode\":\"INVALID_PAYLOAD\",\"errorMessage\":\"x\"}"));
    assert_null(fields_of("[{\"loc\":[\"body\",\"a\"],\"msg\":\"m\"}]"));
    assert_null(provider_field_errors(NULL));
}

static void test_field_errors_sanitized(void **state)
{
    json_t *f = fields_of(
        "{\"detail\":[{\"loc\":[\"body\",\"display_phone\"],\"msg\":\"bad\\u001b[31m red\\nline"
        "\\u0007\"},{\"loc\":[\"body\",\"x\\u001by\"],\"msg\":\"odd \\u202efield\"}]}");
    assert_non_null(f);
    assert_string_equal(field(f, "display_phone"), "bad?[31m red line?");
    const char *key;
    json_t *v;
    json_object_foreach(f, key, v)
    {
        assert_true(text_is_clean(key));
        assert_true(text_is_clean(json_string_value(v)));
    }
    assert_non_null(json_object_get(f, "x?y"));
    json_decref(f);
}

/* A field name with a control character, or longer than the key buffer, is stored under its
 * sanitized name: its second message must join the first there, not replace it. */
static void test_field_errors_repeated_odd_field(void **state)
{
    char name[200], body[1200];
    memset(name, 'f', 150);
    name[150] = '\0';
    snprintf(body, sizeof body,
             "{\"detail\":[{\"loc\":[\"body\",\"a\\u0001b\"],\"msg\":\"first\"},"
             "{\"loc\":[\"body\",\"a\\u0001b\"],\"msg\":\"second\"},"
             "{\"loc\":[\"body\",\"%s\"],\"msg\":\"one\"},{\"loc\":[\"body\",\"%s\"],"
             "\"msg\":\"two\"}]}",
             name, name);
    json_t *f = fields_of(body);
    assert_non_null(f);
    assert_int_equal(json_object_size(f), 2);
    assert_string_equal(field(f, "a?b"), "first; second");
    const char *key;
    json_t *v;
    json_object_foreach(f, key, v)
    {
        if (strcmp(key, "a?b"))
            assert_string_equal(json_string_value(v), "one; two");
    }
    json_decref(f);
}

/* Many long messages for one field: the joined text is cut on a character boundary (a split
 * character once made the field silently stop at its third message), valid UTF-8, first kept. */
static void test_field_errors_long_join(void **state)
{
    char msg[700], body[4000];
    size_t used = 0;
    for (int i = 0; i < 100; i++) /* 100 x U+00E9: 200 bytes */
        used += (size_t)snprintf(msg + used, sizeof msg - used, "\xc3\xa9");
    used = (size_t)snprintf(body, sizeof body, "{\"detail\":[");
    for (int i = 0; i < 6; i++)
        used +=
            (size_t)snprintf(body + used, sizeof body - used,
                             "%s{\"loc\":[\"body\",\"f\"],\"msg\":\"%d%s\"}", i ? "," : "", i, msg);
    snprintf(body + used, sizeof body - used, "]}");
    json_t *f = fields_of(body);
    assert_non_null(f);
    const char *s = field(f, "f");
    assert_true(text_is_clean(s));
    assert_int_equal(s[0], '0');
    assert_non_null(strstr(s, "; 1"));
    assert_non_null(strstr(s, "; 3\xc3\xa9")); /* the fourth, cut */
    assert_true(strlen(s) >= 600 && strlen(s) < 620);
    json_decref(f);
}

/* Advice is per operation and per code: the same code under another operation says nothing. */
static void test_error_advice(void **state)
{
    (void)state;
    const char *a = provider_error_advice(HUB_OP_SEND_TEST, "OUTSIDE_WINDOW: not written");
    assert_non_null(a);
    assert_non_null(strstr(a, "24"));
    a = provider_error_advice(HUB_OP_WEBHOOK_SET, "ENDPOINT_VERIFICATION_FAILED: no answer");
    assert_non_null(a);
    assert_non_null(strstr(a, "2xx"));
    assert_non_null(provider_error_advice(HUB_OP_CONNECT, "INVALID_CODE: expired"));
    assert_null(provider_error_advice(HUB_OP_CONNECT, "OUTSIDE_WINDOW: x"));
    assert_null(provider_error_advice(HUB_OP_SEND_TEST, "the hub is down (HTTP 503)"));
    assert_null(provider_error_advice(HUB_OP_SEND_TEST, ""));
    assert_null(provider_error_advice(HUB_OP_SEND_TEST, NULL));
}

/* A test message's recipient as typed becomes each kind's form; ids stay as they are. */
static void test_recipient_form(void **state)
{
    char out[140], warn[600];
    assert_int_equal(provider_recipient_form(NULL, "+55 11 98765-4321", NULL, out, sizeof out,
                                             warn, sizeof warn, why, sizeof why), HD_OK);
    assert_string_equal(out, "5511987654321");
    assert_int_equal(provider_recipient_form("whatsapp", "(11) 98765-4321", "BR", out, sizeof out,
                                             warn, sizeof warn, why, sizeof why), HD_OK);
    assert_string_equal(out, "5511987654321");
    assert_int_equal(provider_recipient_form("sms", "5511944574999", NULL, out, sizeof out, NULL, 0,
                                             why, sizeof why), HD_OK);
    assert_string_equal(out, "+5511944574999");
    assert_int_equal(provider_recipient_form("WhatsApp", "+52 1 55 1234 5678", NULL, out,
                                             sizeof out, warn, sizeof warn, why, sizeof why),
                     HD_OK);
    assert_string_equal(out, "5215512345678"); /* warned, kept */
    assert_true(warn[0]);
    assert_int_equal(provider_recipient_form("telegram", "-100123", "BR", out, sizeof out, warn,
                                             sizeof warn, why, sizeof why), HD_OK);
    assert_string_equal(out, "-100123");
    assert_int_equal(provider_recipient_form("telegram", "+55 11", NULL, out, sizeof out, NULL, 0,
                                             why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(provider_recipient_form("fax", "5511987654321", NULL, out, sizeof out, NULL,
                                             0, why, sizeof why), HD_ERR_USAGE);
    assert_non_null(strstr(why, "kind"));
    assert_int_equal(provider_recipient_form("", "5511987654321", NULL, out, sizeof out, NULL, 0,
                                             why, sizeof why), HD_ERR_USAGE);
    assert_int_equal(provider_recipient_form(NULL, "(11) 98765-4321", NULL, out, sizeof out, NULL,
                                             0, why, sizeof why), HD_ERR_USAGE);
    assert_non_null(strstr(why, "country"));
}

int main(void)
{
    secret_harden_json();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e164),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_recipient_whatsapp),
        cmocka_unit_test(test_recipient_sms),
        cmocka_unit_test(test_recipient_numeric_ids),
        cmocka_unit_test(test_recipient_webchatt),
        cmocka_unit_test(test_recipient_unknown_kind),
        cmocka_unit_test(test_kind_table),
        cmocka_unit_test(test_webhook_url),
        cmocka_unit_test(test_error_text_envelopes),
        cmocka_unit_test(test_error_text_without_envelope),
        cmocka_unit_test(test_error_text_is_sanitized_and_bounded),
        cmocka_unit_test(test_error_text_keeps_words_around_bad_bytes),
        cmocka_unit_test(test_field_errors_several_and_repeated),
        cmocka_unit_test(test_field_errors_whole_body_and_odd_locs),
        cmocka_unit_test(test_field_errors_missing_msg_and_not_a_list),
        cmocka_unit_test(test_field_errors_sanitized),
        cmocka_unit_test(test_field_errors_repeated_odd_field),
        cmocka_unit_test(test_field_errors_long_join),
        cmocka_unit_test(test_error_advice),
        cmocka_unit_test(test_recipient_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
