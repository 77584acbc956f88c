/* fuzz_whapi_decode.c: libFuzzer target: arbitrary bytes as a Whapi.Cloud answer into every
   decoder (parsed as JSON, as the driver gets it), and as a raw string into the code, path and
   health-text helpers. Beyond not crashing, what comes out must be safe to draw and to send:
   clean strings, no channel token in a channel, codes shaped "ABCD-EFGH", paths that stay
   under /channels/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"
#include "whapi_decode.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* Every string in a decoded value is clean; a channel never holds a token. */
static void check_clean(const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;
    if (json_is_string(v))
        CHECK(text_is_clean(json_string_value(v)));
    json_object_foreach((json_t *)v, key, item)
    {
        CHECK(strcmp(key, "token") != 0);
        check_clean(item);
    }
    json_array_foreach(v, i, item) check_clean(item);
}

static void check_code(const char *code)
{
    static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"; /* as shown */
    CHECK(strlen(code) == 9 && code[4] == '-');
    for (int i = 0; i < 9; i++)
        CHECK(i == 4 || (code[i] && strchr(alnum, code[i])));
}

static void json_decoders(const json_t *j)
{
    wh_health h;
    wh_rowdata q;
    char code[WH_CODE_SIZE], err[128];
    if (whapi_decode_health(j, &h) == 0) {
        CHECK(text_is_clean(h.text) && text_is_clean(h.name) && *h.text);
        CHECK(strspn(h.phone, "0123456789") == strlen(h.phone));
        CHECK(whapi_health_meaning(h.text) != NULL);
    }
    if (whapi_decode_rowdata(j, &q) == 0)
        CHECK(text_is_clean(q.qr) && text_is_clean(q.status) && q.expires_in_ms >= 0);
    if (whapi_decode_code(j, code) == 0)
        check_code(code);
    if (whapi_decode_error(j, err, sizeof err) == 0)
        CHECK(text_is_clean(err));
    const char *tok = whapi_channel_token(j);
    CHECK(!tok || (*tok && !strpbrk(tok, " \r\n")));
    json_t *v[] = {whapi_decode_channel(j), whapi_decode_channels(j, NULL),
                   whapi_decode_channels(j, "p"), whapi_decode_projects(j)};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        check_clean(v[i]);
        json_decref(v[i]);
    }
}

static void string_helpers(const char *s)
{
    char code[WH_CODE_SIZE], path[512];
    if (whapi_code_normalise(s, code) == 0)
        check_code(code);
    if (whapi_channel_path(path, sizeof path, s, "/mode") == 0) {
        CHECK(strncmp(path, "/channels/", 10) == 0);
        CHECK(!strpbrk(path + 10, "?# ") && strchr(path + 10, '/') == strrchr(path, '/'));
        for (const char *p = path; *p; p++)
            CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
    }
    whapi_health_phase(s);
    CHECK(whapi_health_meaning(s) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    json_decoders(j);
    json_decref(j);
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    string_helpers(s);
    free(s);
    return 0;
}
