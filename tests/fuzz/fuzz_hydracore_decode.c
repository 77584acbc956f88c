/* fuzz_hydracore_decode.c: libFuzzer target: arbitrary bytes parsed as a HydraCore answer into
   every decoder (channel, status, setup with each kind of verify token we may have sent,
   FastAPI's 422 field errors, the 404 instance test), and as a raw string into the path,
   verify-token and status-meaning helpers. Beyond not crashing: every string that comes out
   is clean, a setup's verify token is one Meta can take and its source says truthfully
   where it came from, and no field error is left under the path's name "instance_id". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_check.h"
#include "hydracore_decode.h"
#include "secret.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    secret_harden_json(); /* as hubdesk runs: jansson wipes what it frees */
    return 0;
}

static const char *const channel_keys[] = {
    "id",      "name",          "type",   "phone",      "active", "phone_number_id",
    "enabled", "display_phone", "status", "webhook_url"};

/* provider.h's HydraCore channel; `extra` more keys allowed (NULL-terminated). */
static void check_channel(const json_t *ch, const char *const *extra)
{
    const char *key;
    json_t *v;
    const size_t nkeys = sizeof channel_keys / sizeof *channel_keys;
    for (size_t i = 0; i < nkeys; i++)
        CHECK(json_object_get(ch, channel_keys[i]) != NULL);
    json_object_foreach((json_t *)ch, key, v)
    {
        int known = 0;
        for (size_t i = 0; i < nkeys; i++)
            known |= !strcmp(key, channel_keys[i]);
        for (const char *const *e = extra; *e; e++)
            known |= !strcmp(key, *e);
        CHECK(known);
    }
    CHECK(!strcmp(fuzz_str(ch, "id"), "whatsapp") && !strcmp(fuzz_str(ch, "type"), "whatsapp"));
    CHECK(json_is_boolean(json_object_get(ch, "active")));
    CHECK(json_equal(json_object_get(ch, "active"), json_object_get(ch, "enabled")));
    fuzz_str(ch, "phone");
    fuzz_str(ch, "phone_number_id");
    fuzz_str(ch, "display_phone");
    fuzz_str(ch, "status");
    fuzz_str(ch, "webhook_url");
    fuzz_check_clean(ch);
}

static void channel_and_status(const json_t *j)
{
    static const char *const none[] = {NULL}, *const st_keys[] = {"code", "text", "meaning", NULL};
    json_t *ch = hydracore_decode_channel(j), *st = hydracore_decode_status(j);
    CHECK(!ch == !st);
    if (!ch)
        return;
    check_channel(ch, none);
    check_channel(st, st_keys);
    CHECK(json_integer_value(json_object_get(st, "code")) == 0);
    CHECK(!strcmp(fuzz_str(st, "text"), fuzz_str(st, "status")) && *fuzz_str(st, "meaning"));
    json_decref(ch);
    json_decref(st);
}

static void setup(const json_t *j, const char *sent)
{
    static const char *const keys[] = {"verify_token", "verify_token_source", NULL};
    json_t *d = hydracore_decode_setup(j, sent);
    if (!d)
        return;
    check_channel(d, keys);
    const char *token = fuzz_str(d, "verify_token"), *source = fuzz_str(d, "verify_token_source");
    int have_sent = sent && *sent;
    if (!strcmp(source, "hub"))
        CHECK(hydracore_verify_token_ok(token) && (!have_sent || strcmp(token, sent)));
    else if (!strcmp(source, "sent"))
        CHECK(have_sent && !strcmp(token, sent));
    else
        CHECK(!strcmp(source, "unknown") && !*token && !have_sent);
    json_decref(d);
}

static void field_errors(const json_t *j)
{
    const char *key;
    json_t *v, *f = hydracore_field_errors(j);
    if (!f)
        return;
    CHECK(json_is_object(f) && !json_object_get(f, "instance_id"));
    json_object_foreach(f, key, v) CHECK(json_is_string(v));
    fuzz_check_clean(f);
    json_decref(f);
}

static void string_helpers(const char *s)
{
    char path[96];
    size_t len = strlen(s);
    if (hydracore_path(path, sizeof path, s) == 0)
        CHECK(strlen(path) == len + strlen("/v1/instances//channels/whatsapp") &&
              !strncmp(path, "/v1/instances/", 14));
    if (hydracore_verify_token_ok(s))
        CHECK(len >= 1 && len <= HC_VERIFY_MAX && secret_is_token_safe(s));
    CHECK(*hydracore_status_meaning(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    channel_and_status(j);
    /* What the driver may have sent: none, or a token it checked first (never another). */
    setup(j, NULL);
    setup(j, "");
    setup(j, "hubdesk-verify-0123");
    const char *echo = json_string_value(json_object_get(j, "verify_token"));
    if (hydracore_verify_token_ok(echo))
        setup(j, echo);
    if (s && hydracore_verify_token_ok(s))
        setup(j, s);
    field_errors(j);
    int missing = hydracore_instance_missing(j);
    CHECK(missing == 0 || missing == 1);
    json_decref(j);
    if (s)
        string_helpers(s);
    free(s);
    return 0;
}
