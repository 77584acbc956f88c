/* test_whapi_decode.c: Whapi.Cloud answers into structs and normalised JSON, good, odd and
 * hostile: not JSON, wrong types, missing fields, absurd numbers, terminal escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "whapi_decode.h"

/* Parses test input; NULL for text that is not JSON (what hubcall hands over then). */
static json_t *J(const char *text)
{
    return json_loads(text, JSON_DECODE_ANY, NULL);
}

static int health(const char *text, wh_health *h)
{
    json_t *j = J(text);
    int rc = whapi_decode_health(j, h);
    json_decref(j);
    return rc;
}

static int rowdata(const char *text, wh_rowdata *q)
{
    json_t *j = J(text);
    int rc = whapi_decode_rowdata(j, q);
    json_decref(j);
    return rc;
}

static int code(const char *text, char out[WH_CODE_SIZE])
{
    json_t *j = J(text);
    int rc = whapi_decode_code(j, out);
    json_decref(j);
    return rc;
}

static json_t *channel(const char *text)
{
    json_t *j = J(text), *c = whapi_decode_channel(j);
    json_decref(j);
    return c;
}

static json_t *channels(const char *text, const char *project)
{
    json_t *j = J(text), *c = whapi_decode_channels(j, project);
    json_decref(j);
    return c;
}

static json_t *projects(const char *text)
{
    json_t *j = J(text), *p = whapi_decode_projects(j);
    json_decref(j);
    return p;
}

static int error_text(const char *text, char *out, size_t n)
{
    json_t *j = J(text);
    int rc = whapi_decode_error(j, out, n);
    json_decref(j);
    return rc;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* No byte that could steer a terminal. */
static void assert_clean(const char *s)
{
    for (; *s; s++)
        assert_true((unsigned char)*s >= 0x20 && *s != 0x7f);
}

/* ---- health ----------------------------------------------------------------------------- */

static void test_health(void **state)
{
    wh_health h;
    assert_int_equal(health("{\"status\":{\"code\":4,\"text\":\"AUTH\"},\"user\":{\"id\":"
                            "\"5511987654321@s.whatsapp.net\",\"name\":\"Ana\"}}",
                            &h),
                     0);
    assert_int_equal(h.code, 4);
    assert_string_equal(h.text, "AUTH");
    assert_string_equal(h.phone, "5511987654321");
    assert_string_equal(h.name, "Ana");
    assert_int_equal(health("{\"status\":{\"code\":3,\"text\":\"QR\"}}", &h), 0);
    assert_string_equal(h.phone, "");
    assert_int_equal(health("{\"status\":\"LAUNCH\"}", &h), 0); /* liberal: a bare text */
    assert_string_equal(h.text, "LAUNCH");
    assert_int_equal(h.code, -1);
    assert_int_equal(
        health("{\"status\":{\"text\":\"QR\"},\"user\":{\"id\":\"551198765432:12@s\"}}", &h), 0);
    assert_string_equal(h.phone, "551198765432");
}

static void test_health_bad_input(void **state)
{
    wh_health h;
    static const char *const bad[] = {
        "not json",
        "",
        "null",
        "[]",
        "42",
        "{}",
        "{\"status\":{}}",
        "{\"status\":{\"text\":5}}",
        "{\"status\":{\"text\":\"\"}}",
        "{\"status\":[\"AUTH\"]}",
        "{\"code\":4,\"text\":\"AUTH\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(health(bad[i], &h), -1);
    assert_int_equal(whapi_decode_health(NULL, &h), -1);
    /* absurd numbers and odd users are dropped, the text is kept */
    assert_int_equal(
        health("{\"status\":{\"code\":1e300,\"text\":\"QR\"},\"user\":{\"id\":\"abc\"}}", &h), 0);
    assert_int_equal(h.code, -1);
    assert_string_equal(h.phone, "");
    assert_int_equal(
        health("{\"status\":{\"code\":-3,\"text\":\"QR\"},\"user\":{\"id\":5511}}", &h), 0);
    assert_int_equal(h.code, -1);
    assert_int_equal(health("{\"status\":{\"code\":\"4\",\"text\":\"QR\"},\"user\":{\"id\":"
                            "\"55119876543210000000000000\"}}",
                            &h),
                     0);
    assert_int_equal(h.code, -1);
    assert_string_equal(h.phone, ""); /* longer than any phone */
    static const char *const not_phones[] = {"12345", "5511987654321x", "5511987654321 @s", "@s"};
    char text[160];
    for (size_t i = 0; i < sizeof not_phones / sizeof *not_phones; i++) {
        snprintf(text, sizeof text, "{\"status\":\"AUTH\",\"user\":{\"id\":\"%s\"}}",
                 not_phones[i]);
        assert_int_equal(health(text, &h), 0);
        assert_string_equal(h.phone, "");
    }
    /* escape sequences in what the hub says are defused */
    assert_int_equal(health("{\"status\":{\"text\":\"\\u001b[2JAUTH\\u0007\"},\"user\":"
                            "{\"name\":\"\\u001b]0;pwned\\u0007Eve\"}}",
                            &h),
                     0);
    assert_clean(h.text);
    assert_clean(h.name);
    assert_null(strchr(h.text, 0x1b));
    assert_int_equal(whapi_health_phase(h.text), WH_PHASE_STARTING); /* not really AUTH */
    char long_text[200];
    snprintf(long_text, sizeof long_text, "{\"status\":{\"text\":\"%0150d\"}}", 7);
    assert_int_equal(health(long_text, &h), 0);
    assert_true(strlen(h.text) < sizeof h.text);
}

static void test_health_phases_and_meanings(void **state)
{
    static const struct {
        const char *text;
        wh_phase phase;
    } cases[] = {
        {"INIT", WH_PHASE_STARTING},
        {"LAUNCH", WH_PHASE_STARTING},
        {"QR", WH_PHASE_QR},
        {"AUTH", WH_PHASE_AUTH},
        {"ERROR", WH_PHASE_FAILED},
        {"STOP", WH_PHASE_FAILED},
        {"SYNC_ERROR", WH_PHASE_FAILED},
        {"auth", WH_PHASE_AUTH},
        {"WHATEVER", WH_PHASE_STARTING},
    };
    const char *unknown = whapi_health_meaning("WHATEVER");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(whapi_health_phase(cases[i].text), cases[i].phase);
        assert_true(strlen(whapi_health_meaning(cases[i].text)) > 10);
        if (i < 7) /* every known text has its own sentence */
            for (size_t k = 0; k < i; k++)
                assert_string_not_equal(whapi_health_meaning(cases[i].text),
                                        whapi_health_meaning(cases[k].text));
        if (i < 8)
            assert_string_not_equal(whapi_health_meaning(cases[i].text), unknown);
    }
    assert_non_null(strstr(whapi_health_meaning("AUTH"), "linked"));
    assert_non_null(strstr(whapi_health_meaning("QR"), "scan the QR code"));
    assert_non_null(strstr(whapi_health_meaning("STOP"), "start the channel again"));
    assert_string_equal(whapi_health_meaning(NULL), unknown);
    assert_string_equal(whapi_health_meaning(""), unknown);
    assert_int_equal(whapi_health_phase(NULL), WH_PHASE_STARTING);
}

/* ---- rowdata and pairing codes ---------------------------------------------------------- */

static void test_rowdata(void **state)
{
    wh_rowdata q;
    assert_int_equal(rowdata("{\"status\":\"OK\",\"rowdata\":\"2@abc,def\",\"expire\":20}", &q), 0);
    assert_string_equal(q.status, "OK");
    assert_string_equal(q.qr, "2@abc,def");
    assert_int_equal(q.qr_unprintable, 0);
    assert_int_equal(q.expires_in_ms, 20000);
    assert_int_equal(rowdata("{\"status\":\"WAITING\",\"expire\":1}", &q), 0);
    assert_string_equal(q.status, "WAITING");
    assert_string_equal(q.qr, "");
    assert_int_equal(rowdata("{\"rowdata\":\"2@x\",\"expire\":2.5}", &q), 0);
    assert_string_equal(q.status, "");
    assert_int_equal(q.expires_in_ms, 2500);
}

static void test_rowdata_bad_input(void **state)
{
    wh_rowdata q;
    static const char *const bad[] = {"not json", "", "null", "[]", "\"2@abc\"", "7"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(rowdata(bad[i], &q), -1);
    assert_int_equal(whapi_decode_rowdata(NULL, &q), -1);
    static const char *const dropped[] = {
        "{\"rowdata\":5}",
        "{\"rowdata\":\"\"}",
        "{\"rowdata\":null}",
        "{\"rowdata\":[\"2@a\"]}",
    };
    for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++) {
        assert_int_equal(rowdata(dropped[i], &q), 0);
        assert_string_equal(q.qr, "");
        assert_int_equal(q.qr_unprintable, 0); /* no QR: the driver keeps polling */
    }
    /* Not printable text: refused, and said so, so the driver stops (issue 15). */
    static const char *const unprintable[] = {
        "{\"rowdata\":\"2@a\\u001b[31mb\"}", "{\"rowdata\":\"2@a\\nb\"}",
        "{\"rowdata\":\"2@a\\u009b2Jb\"}",   "{\"rowdata\":\"2@a\\u007f\"}",
        "{\"rowdata\":\"2@\\u202eab\"}",
    };
    for (size_t i = 0; i < sizeof unprintable / sizeof *unprintable; i++) {
        assert_int_equal(rowdata(unprintable[i], &q), 0);
        assert_string_equal(q.qr, "");
        assert_int_equal(q.qr_unprintable, 1);
    }
    char *big = malloc(WH_QR_MAX + 64);
    int n = snprintf(big, WH_QR_MAX + 64, "{\"rowdata\":\"2@");
    memset(big + n, 'A', WH_QR_MAX);
    strcpy(big + n + WH_QR_MAX, "\"}");
    assert_int_equal(rowdata(big, &q), 0);
    assert_string_equal(q.qr, ""); /* longer than any QR holds */
    free(big);
    static const char *const absurd[] = {"-5", "0", "-1e300", "\"20\"", "true", "null"};
    char text[80];
    for (size_t i = 0; i < sizeof absurd / sizeof *absurd; i++) {
        snprintf(text, sizeof text, "{\"rowdata\":\"2@x\",\"expire\":%s}", absurd[i]);
        assert_int_equal(rowdata(text, &q), 0);
        assert_int_equal(q.expires_in_ms, 0);
        assert_string_equal(q.qr, "2@x");
    }
    /* too long for a QR: clamped to the stated maximum (duration.h) */
    static const char *const huge[] = {"1e300", "86400", "9223372036854775807", "301"};
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        snprintf(text, sizeof text, "{\"rowdata\":\"2@x\",\"expire\":%s}", huge[i]);
        assert_int_equal(rowdata(text, &q), 0);
        assert_int_equal(q.expires_in_ms, DURATION_QR_MAX_MS);
    }
    assert_int_equal(rowdata("{\"rowdata\":\"2@x\",\"expire\":20.5}", &q), 0);
    assert_int_equal(q.expires_in_ms, 20500);
    assert_int_equal(rowdata("{\"status\":\"\\u001b[2JOK\",\"rowdata\":\"2@x\"}", &q), 0);
    assert_clean(q.status);
}

static void test_code_normalise(void **state)
{
    char out[WH_CODE_SIZE];
    assert_int_equal(whapi_code_normalise("ABCD-EFGH", out), 0);
    assert_string_equal(out, "ABCD-EFGH");
    assert_int_equal(whapi_code_normalise("7K2MX9QZ", out), 0);
    assert_string_equal(out, "7K2M-X9QZ"); /* the dash is added */
    assert_int_equal(whapi_code_normalise("abcd-0123", out), 0);
    assert_string_equal(out, "ABCD-0123"); /* lower case is raised */
    static const char *const bad[] = {
        "",
        "ABCD-EFG",
        "ABCD-EFGHJ",
        "ABCDEFG",
        "ABCDEFGHJ",
        "ABCD EFGH",
        "ABC-DEFGH",
        "ABCD_EFGH",
        "ABCD*FGH",
        "ABCD FGH",
        "ABCD-EFG\x1b",
        "ABCD--FGH",
        "\xc3\x80"
        "BCDEFG",
        "-ABCDEFG",
        "ABCDEFG-",
        "ABCD-EF\nH",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(whapi_code_normalise(bad[i], out), -1);
    assert_int_equal(whapi_code_normalise(NULL, out), -1);
}

/* Real codes may use letters Crockford leaves out (Baileys' alphabet has an L): shown as sent. */
static void test_code_any_letter(void **state)
{
    char out[WH_CODE_SIZE];
    (void)state;
    assert_int_equal(whapi_code_normalise("abcdilou", out), 0);
    assert_string_equal(out, "ABCD-ILOU");
}

static void test_decode_code(void **state)
{
    char out[WH_CODE_SIZE];
    assert_int_equal(code("{\"code\":\"ABCD-EFGH\"}", out), 0);
    assert_string_equal(out, "ABCD-EFGH");
    assert_int_equal(code("{\"pairing_code\":\"wxyz1234\"}", out), 0);
    assert_string_equal(out, "WXYZ-1234");
    assert_int_equal(code("\"ABCDEFGH\"", out), 0);
    static const char *const bad[] = {
        "not json",
        "",
        "null",
        "{}",
        "[]",
        "{\"code\":12345678}",
        "{\"code\":null}",
        "{\"code\":\"AB*D-EFGH\"}",
        "{\"code\":\"\u00c9BCD-EFGH\"}",
        "{\"pairing_code\":\"\\u001b[2J\"}",
        "{\"code\":\"ABCD-EFGH-\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(code(bad[i], out), -1);
    assert_int_equal(whapi_decode_code(NULL, out), -1);
}

/* ---- channels and projects -------------------------------------------------------------- */

#define SEED                                                                                       \
    "{\"apiUrl\":\"https://gate.whapi.cloud/\",\"id\":\"SHAZAM-3HDYQ\",\"creationTS\":"            \
    "1712598267389,\"ownerId\":\"DdEBesOO62Ika8Q8d491Vse2kQp2\",\"activeTill\":1713116667448,"     \
    "\"token\":\"LK0tQ9qnb5pvfDDsj5NzeRFpnpApSEGb\",\"server\":6,\"stopped\":false,\"status\":"    \
    "\"active\",\"trial\":1713030267448,\"mode\":\"trial\",\"name\":\"Bot for Ukindo\","           \
    "\"projectId\":\"kpSv3OFq9PkP1W1Ogv7p\"}"

static void test_channel_seed(void **state)
{
    json_t *c = channel(SEED);
    assert_non_null(c);
    assert_string_equal(str(c, "id"), "SHAZAM-3HDYQ");
    assert_string_equal(str(c, "name"), "Bot for Ukindo");
    assert_string_equal(str(c, "type"), "whatsapp");
    assert_true(json_is_true(json_object_get(c, "active")));
    assert_string_equal(str(c, "mode"), "trial");
    assert_string_equal(str(c, "status"), "active");
    assert_true(json_is_false(json_object_get(c, "stopped")));
    assert_int_equal(json_integer_value(json_object_get(c, "active_till")), 1713116667448LL);
    assert_int_equal(json_integer_value(json_object_get(c, "trial")), 1713030267448LL);
    assert_int_equal(json_integer_value(json_object_get(c, "created")), 1712598267389LL);
    assert_string_equal(str(c, "project_id"), "kpSv3OFq9PkP1W1Ogv7p");
    assert_string_equal(str(c, "owner_id"), "DdEBesOO62Ika8Q8d491Vse2kQp2");
    assert_int_equal(json_integer_value(json_object_get(c, "server")), 6);
    assert_string_equal(str(c, "api_url"), "https://gate.whapi.cloud/");
    assert_null(json_object_get(c, "phone"));
    /* the token never travels with the channel */
    assert_null(json_object_get(c, "token"));
    char *dump = json_dumps(c, 0);
    assert_null(strstr(dump, "LK0tQ9qnb5pvfDDsj5NzeRFpnpApSEGb"));
    free(dump);
    json_decref(c);
    json_t *j = J(SEED);
    assert_string_equal(whapi_channel_token(j), "LK0tQ9qnb5pvfDDsj5NzeRFpnpApSEGb");
    json_decref(j);
}

static void test_channel_bad_input(void **state)
{
    static const char *const bad[] = {
        "not json",
        "",
        "null",
        "[]",
        "\"SHAZAM-1\"",
        "{}",
        "{\"id\":5}",
        "{\"id\":\"\"}",
        "{\"id\":null}",
        "{\"id\":\"SHAZAM\\u001b[2J\"}",
        "{\"id\":\"a\\nb\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(channel(bad[i]));
    assert_null(whapi_decode_channel(NULL));
    char long_id[300];
    snprintf(long_id, sizeof long_id, "{\"id\":\"%0200d\"}", 1);
    assert_null(channel(long_id)); /* not an id: refused rather than cut */
    /* wrong types and absurd numbers: the key is left out, the channel kept */
    json_t *c = channel("{\"id\":\"X\",\"creationTS\":1e300,\"activeTill\":-5,\"trial\":"
                        "99999999999999999,\"server\":\"eu-1\",\"stopped\":\"yes\",\"status\":5,"
                        "\"mode\":[],\"name\":7,\"phone\":5511987654321,\"projectId\":{}}");
    assert_non_null(c);
    assert_null(json_object_get(c, "created"));
    assert_null(json_object_get(c, "active_till"));
    assert_null(json_object_get(c, "trial"));
    assert_null(json_object_get(c, "mode"));
    assert_null(json_object_get(c, "status"));
    assert_null(json_object_get(c, "project_id"));
    assert_string_equal(str(c, "server"), "eu-1");
    assert_string_equal(str(c, "name"), "");
    assert_string_equal(str(c, "phone"), "5511987654321");
    assert_true(json_is_false(json_object_get(c, "stopped"))); /* only true is true */
    assert_true(json_is_false(json_object_get(c, "active")));  /* no status: not active */
    json_decref(c);
    c = channel(
        "{\"id\":\"X\",\"status\":\"active\",\"stopped\":true,\"creationTS\":\"1712598267389\"}");
    assert_true(json_is_false(json_object_get(c, "active"))); /* stopped wins */
    assert_null(json_object_get(c, "created"));
    json_decref(c);
    /* control characters and escapes in names are defused */
    c = channel("{\"id\":\"X\",\"name\":\"\\u001b]0;pwned\\u0007Bot\\u009b31m\",\"ownerId\":"
                "\"\\u001b[2J\",\"phone\":\"+55\\r\\n11\"}");
    assert_clean(str(c, "name"));
    assert_null(strchr(str(c, "name"), 0x1b));
    assert_non_null(strstr(str(c, "name"), "Bot"));
    assert_clean(str(c, "owner_id"));
    assert_clean(str(c, "phone"));
    json_decref(c);
}

static void test_channel_token(void **state)
{
    static const char *const bad[] = {
        "{}",
        "{\"token\":5}",
        "{\"token\":\"\"}",
        "{\"token\":\"a b\"}",
        "{\"token\":\"abc\\r\\nX-Evil: 1\"}",
        "{\"token\":\"t\\u00e9\"}",
        "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *j = J(bad[i]);
        assert_null(whapi_channel_token(j));
        json_decref(j);
    }
    assert_null(whapi_channel_token(NULL));
}

static void test_channel_lists(void **state)
{
    const char *two = "[" SEED ",{\"id\":\"OTHER-1\",\"projectId\":\"p2\"},5,{\"id\":7},null]";
    json_t *all = channels(two, NULL), *mine = channels(two, "kpSv3OFq9PkP1W1Ogv7p");
    assert_int_equal(json_array_size(all), 2); /* the ones without an id are skipped */
    assert_int_equal(json_array_size(mine), 1);
    assert_string_equal(str(json_array_get(mine, 0), "id"), "SHAZAM-3HDYQ");
    assert_null(json_object_get(json_array_get(mine, 0), "token"));
    json_decref(all);
    json_decref(mine);
    json_t *wrapped = channels("{\"channels\":[" SEED "],\"total\":1}", NULL);
    assert_int_equal(json_array_size(wrapped), 1);
    json_decref(wrapped);
    json_t *none = channels("{\"channels\":[" SEED "]}", "nope");
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    json_t *empty = channels("[]", NULL);
    assert_true(json_is_array(empty) && json_array_size(empty) == 0);
    json_decref(empty);
    static const char *const bad[] = {
        "not json", "",  "null",         "{}", "{\"channels\":{}}", "{\"channels\":\"x\"}",
        "\"[]\"",   "5", "{\"data\":[]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(channels(bad[i], NULL));
    assert_null(whapi_decode_channels(NULL, NULL));
}

static void test_projects(void **state)
{
    json_t *p = projects("{\"projects\":[{\"id\":\"kpSv3OFq9PkP1W1Ogv7p\",\"name\":\"Main\"}]}");
    assert_int_equal(json_array_size(p), 1);
    assert_string_equal(str(json_array_get(p, 0), "id"), "kpSv3OFq9PkP1W1Ogv7p");
    assert_string_equal(str(json_array_get(p, 0), "name"), "Main");
    json_decref(p);
    p = projects("[{\"id\":\"a\"},{\"id\":\"b\",\"name\":\"\\u001b[31mRed\\u001b[0m\"},"
                 "{\"name\":\"no id\"},{\"id\":\"c\\u0001d\"},[],\"x\"]");
    assert_int_equal(json_array_size(p), 2); /* bare array; bad items skipped */
    assert_string_equal(str(json_array_get(p, 0), "name"), "");
    assert_clean(str(json_array_get(p, 1), "name"));
    assert_non_null(strstr(str(json_array_get(p, 1), "name"), "Red"));
    json_decref(p);
    static const char *const bad[] = {"not json",         "",    "null", "{}", "{\"projects\":{}}",
                                      "{\"projects\":5}", "true"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(projects(bad[i]));
    assert_null(whapi_decode_projects(NULL));
}

/* ---- errors and paths ------------------------------------------------------------------- */

static void test_error_text(void **state)
{
    char out[200];
    assert_int_equal(error_text("{\"error\":{\"code\":401,\"message\":\"Unauthorized\",\"details\":"
                                "\"missing or invalid partner token\"}}",
                                out, sizeof out),
                     0);
    assert_string_equal(out, "401: Unauthorized (missing or invalid partner token)");
    assert_int_equal(error_text("{\"error\":{\"code\":404,\"message\":\"Not found\",\"details\":"
                                "\"Not found\"}}",
                                out, sizeof out),
                     0);
    assert_string_equal(out, "404: Not found");
    assert_int_equal(error_text("{\"error\":{\"code\":\"E_X\",\"message\":\"m\",\"details\":{}}}",
                                out, sizeof out),
                     0);
    assert_string_equal(out, "E_X: m");
    assert_int_equal(error_text("{\"error\":\"plain words\"}", out, sizeof out), 0);
    assert_string_equal(out, "plain words");
    assert_int_equal(error_text("{\"error\":{\"message\":\"\\u001b[2Jbad\\nline\",\"details\":"
                                "\"\\u0007\"}}",
                                out, sizeof out),
                     0);
    assert_clean(out);
    char small[8];
    assert_int_equal(
        error_text("{\"error\":{\"message\":\"a long message here\"}}", small, sizeof small), 0);
    assert_int_equal(strlen(small), sizeof small - 1);
    static const char *const none[] = {"not json",
                                       "{}",
                                       "{\"error\":{}}",
                                       "{\"error\":5}",
                                       "{\"error\":{\"code\":401}}",
                                       "[]",
                                       "{\"message\":\"m\"}"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        strcpy(out, "untouched");
        assert_int_equal(error_text(none[i], out, sizeof out), -1);
        assert_string_equal(out, "untouched");
    }
}

static void test_channel_path(void **state)
{
    char out[64];
    assert_int_equal(whapi_channel_path(out, sizeof out, "SHAZAM-3HDYQ", "/mode"), 0);
    assert_string_equal(out, "/channels/SHAZAM-3HDYQ/mode");
    assert_int_equal(whapi_channel_path(out, sizeof out, "a.b_c~d", NULL), 0);
    assert_string_equal(out, "/channels/a.b_c~d");
    assert_int_equal(whapi_channel_path(out, sizeof out, "50%+é", NULL), 0);
    assert_string_equal(out, "/channels/50%25%2B%C3%A9");
    static const char *const bad[] = {"",    ".",    "..",    "a/b",     "a?b", "a#b",
                                      "a b", "a\tb", "a\x7f", "\x1b[2J", "a\nb"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(whapi_channel_path(out, sizeof out, bad[i], NULL), -1);
    assert_int_equal(whapi_channel_path(out, sizeof out, NULL, NULL), -1);
    assert_int_equal(whapi_channel_path(out, 16, "SHAZAM-3HDYQ", "/mode"), -1); /* too small */
    char long_id[200];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    char big[1024];
    assert_int_equal(whapi_channel_path(big, sizeof big, long_id, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_health_bad_input),
        cmocka_unit_test(test_health_phases_and_meanings),
        cmocka_unit_test(test_rowdata),
        cmocka_unit_test(test_rowdata_bad_input),
        cmocka_unit_test(test_code_normalise),
        cmocka_unit_test(test_code_any_letter),
        cmocka_unit_test(test_decode_code),
        cmocka_unit_test(test_channel_seed),
        cmocka_unit_test(test_channel_bad_input),
        cmocka_unit_test(test_channel_token),
        cmocka_unit_test(test_channel_lists),
        cmocka_unit_test(test_projects),
        cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_channel_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
