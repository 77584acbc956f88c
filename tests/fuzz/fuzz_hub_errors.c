/* fuzz_hub_errors.c: libFuzzer target: the error envelopes every hub driver shares. The first
   byte picks an HTTP outcome (a code, or no answer at all), the rest is the answer's body,
   given to provider_error_text (each hub's envelope: {"error":{"code","message"}} with a
   string or an integer code, Chatt2.me's {"errorCode","errorMessage"}, FastAPI's "detail" as
   a string or a list) and, parsed, to provider_field_errors (FastAPI's 422 list). The line and
   the field errors then go through what the drivers do with them: hubform's secret scrubbing,
   provider_error_advice for every operation, hubform_refuse and hubform_text_len. Beyond not
   crashing: the line is clean, never empty and fits; every field error is clean; no scrubbed
   message still quotes the secret; the text length agrees with text_is_clean. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_check.h"
#include "http.h"
#include "hubform.h"
#include "provider.h"
#include "secret.h"
#include "text.h"

#define SECRET "EAAGsecretFuzzToken0123" /* in the corpus and the dictionary */

static const char *const secrets[] = {SECRET, "abc", NULL}; /* "abc": too short to look for */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    secret_harden_json(); /* as hubdesk runs: jansson wipes what it frees */
    return 0;
}

static void error_line(const http_response *r, char *line, size_t n)
{
    char tiny[8];
    provider_error_text(r, line, n);
    CHECK(*line && strlen(line) < n && text_is_clean(line));
    provider_error_text(r, tiny, sizeof tiny);
    CHECK(*tiny && strlen(tiny) < sizeof tiny && text_is_clean(tiny));
    CHECK(hubform_quotes_secret(line, secrets, 3) == (strstr(line, SECRET) != NULL));
    for (int op = 0; op < HUB_OP_COUNT; op++) {
        const char *advice = provider_error_advice((hub_op)op, line);
        CHECK(!advice || *advice);
    }
}

static void field_errors(const json_t *j)
{
    const char *key;
    json_t *v, *f = provider_field_errors(j);
    if (!f)
        return;
    CHECK(json_is_array(json_object_get(j, "detail")) && json_object_size(f) > 0);
    json_object_foreach(f, key, v) CHECK(json_is_string(v));
    fuzz_check_clean(f);
    json_t *before = json_deep_copy(f);
    hubform_scrub_fields(f, secrets, 3);
    json_object_foreach(f, key, v)
    {
        const char *was = json_string_value(json_object_get(before, key));
        CHECK(!strstr(json_string_value(v), SECRET));
        CHECK(strstr(was, SECRET) || !strcmp(was, json_string_value(v)));
    }
    json_decref(before);
    json_decref(f);
}

/* What a driver does with a sentence before sending anything: hubform gathers it per field. */
static void form(const char *line, const char *body)
{
    hubform f = {0};
    const char *key;
    json_t *v;
    CHECK(hubform_refuse(&f, "to", line) == HD_ERR_USAGE);
    hubform_refuse(&f, "", body);
    hubform_refuse(&f, "to", body); /* the first sentence per field stays */
    CHECK(f.failed && json_object_size(f.fields) == 2);
    json_object_foreach(f.fields, key, v) CHECK(json_is_string(v));
    CHECK(strlen(f.message) < sizeof f.message && text_is_clean(f.message));
    fuzz_check_clean(f.fields);
    hubform_clear(&f);
    CHECK(!f.fields && !f.message[0]);
}

static void text_len(const char *s)
{
    long plain = hubform_text_len(s, 0), lines = hubform_text_len(s, 1);
    CHECK((plain >= 0) == text_is_clean(s));
    CHECK(plain < 0 || (lines == plain && (size_t)plain <= strlen(s)));
    CHECK(lines >= -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long codes[] = {0, 401, 400, 403, 404, 409, 422, 429, 500, 502, 200, 418};
    char line[400];
    if (size == 0)
        return 0;
    long code = codes[data[0] % (sizeof codes / sizeof *codes)];
    char *body = fuzz_cstr(data + 1, size - 1);
    if (!body)
        return 0;
    http_response r = {.status = code ? HD_OK : HD_ERR_NETWORK,
                       .code = code,
                       .body = body,
                       .body_len = size - 1,
                       .retry_after_s = -1,
                       .attempts = 1};
    if (!code)
        strcpy(r.error, "could not reach the hub: connection refused");
    error_line(&r, line, sizeof line);
    json_t *j = json_loadb(body, size - 1, 0, NULL);
    field_errors(j);
    json_decref(j);
    form(line, body);
    text_len(body);
    free(body);
    return 0;
}
