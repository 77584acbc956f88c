/* fuzz_hubmessage_decode.c: libFuzzer target: arbitrary bytes parsed as a HubMessage answer
   into every decoder (created, connected, sent, status, the error envelope's field errors),
   and as a raw string into the id, public-key and status-meaning helpers (and as the name a
   created channel gets). Beyond not crashing: every string that comes out is clean, a created
   channel's id can go into a path as is, field errors name exactly one field, and the id
   check accepts only what it documents. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_check.h"
#include "hubmessage_decode.h"
#include "secret.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    secret_harden_json(); /* as hubdesk runs: jansson wipes what it frees */
    json_t *u = hubmessage_unknown_status();
    CHECK(u && *fuzz_str(u, "meaning"));
    json_decref(u);
    return 0;
}

static void created(const json_t *j, const char *name)
{
    static const char *const keys[] = {"id", "name", "type", "active", NULL};
    json_t *ch = hubmessage_decode_created(j, name);
    if (!ch)
        return;
    CHECK(fuzz_keys_within(ch, keys) && hubmessage_id_ok(fuzz_str(ch, "id")));
    CHECK(!strcmp(fuzz_str(ch, "type"), "META_WHATSAPP"));
    CHECK(json_is_false(json_object_get(ch, "active")));
    fuzz_str(ch, "name");
    fuzz_check_clean(ch);
    json_decref(ch);
}

static void sent(const json_t *j)
{
    static const char *const keys[] = {"status", "message_id", NULL};
    json_t *d = hubmessage_decode_sent(j);
    CHECK(!d == !json_is_object(j));
    if (!d)
        return;
    CHECK(fuzz_keys_within(d, keys) && !strcmp(fuzz_str(d, "status"), "accepted"));
    const char *id = json_string_value(json_object_get(d, "message_id"));
    CHECK(!json_object_get(d, "message_id") || (id && *id && strlen(id) <= HM_ID_MAX));
    fuzz_check_clean(d);
    json_decref(d);
}

static void status(const json_t *j)
{
    static const char *const keys[] = {"code",     "text",        "meaning", "waba_id",
                                       "phone_id", "coexistence", NULL};
    json_t *d = hubmessage_decode_status(j);
    if (!d)
        return;
    CHECK(fuzz_keys_within(d, keys));
    CHECK(json_integer_value(json_object_get(d, "code")) == 0);
    const char *text = fuzz_str(d, "text");
    CHECK(*text && strlen(text) < 32 && *fuzz_str(d, "meaning"));
    CHECK(!json_object_get(d, "waba_id") || json_is_string(json_object_get(d, "waba_id")));
    CHECK(!json_object_get(d, "phone_id") || json_is_string(json_object_get(d, "phone_id")));
    CHECK(!json_object_get(d, "coexistence") || json_is_boolean(json_object_get(d, "coexistence")));
    fuzz_check_clean(d);
    json_decref(d);
}

static void field_errors(const json_t *j)
{
    const char *key;
    json_t *v, *f = hubmessage_field_errors(j);
    if (!f)
        return;
    CHECK(json_object_size(f) == 1);
    json_object_foreach(f, key, v) CHECK(*key && json_is_string(v));
    fuzz_check_clean(f);
    json_decref(f);
}

static void string_helpers(const char *s)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    size_t len = strlen(s);
    if (hubmessage_id_ok(s))
        CHECK(len >= 1 && len <= HM_ID_MAX && strspn(s, ok) == len && strcmp(s, ".") &&
              strcmp(s, ".."));
    if (hubmessage_is_public_key(s))
        CHECK(!strncmp(s, "pk_", 3) || !strncmp(s, "hm_pk_", 6));
    CHECK(*hubmessage_status_meaning(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    created(j, "Loja");
    created(j, s); /* the name is ours, typed by the agent: sanitized on the way in */
    CHECK(hubmessage_decode_connected(j) == !json_is_false(json_object_get(j, "success")));
    sent(j);
    status(j);
    field_errors(j);
    json_decref(j);
    if (s)
        string_helpers(s);
    free(s);
    return 0;
}
