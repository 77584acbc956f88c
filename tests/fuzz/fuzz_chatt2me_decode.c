/* fuzz_chatt2me_decode.c: libFuzzer target: arbitrary bytes parsed as a Chatt2.me answer into
   every decoder (send answer, webhook id, the error code's field), and as a raw string into
   the checks the driver makes before sending (channel UUID, recipient for each kind). Beyond
   not crashing: every string that comes out is clean and fits, a send answer always has a
   status, an error names only a field the request has, and a recipient a check lets through
   is clean. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chatt2me_decode.h"
#include "fuzz_check.h"
#include "provider.h"
#include "secret.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    secret_harden_json(); /* as hubdesk runs: jansson wipes what it frees */
    return 0;
}

static void sent(const json_t *j)
{
    static const char *const keys[] = {"message_id", "status", "error_code", "error_message", NULL};
    json_t *d = chatt2me_decode_sent(j);
    int said = json_is_string(json_object_get(j, "messageId")) ||
               json_is_string(json_object_get(j, "status"));
    CHECK(!d == !said);
    if (!d)
        return;
    CHECK(fuzz_keys_within(d, keys));
    fuzz_str(d, "status");
    fuzz_check_clean(d);
    json_decref(d);
}

static void hook_id(const json_t *j)
{
    char id[200], tiny[5];
    const char *a = chatt2me_decode_hook_id(j, id, sizeof id);
    const char *b = chatt2me_decode_hook_id(j, tiny, sizeof tiny);
    CHECK(!a == !json_is_string(json_object_get(j, "id")) && !a == !b);
    if (a)
        CHECK(a == id && b == tiny && text_is_clean(id) && text_is_clean(tiny) &&
              strlen(tiny) < sizeof tiny);
}

static void error_field(const json_t *j)
{
    static const char *const fields[] = {"to", "channel_id", "kind", "url", "events", NULL};
    const char *f = chatt2me_error_field(j);
    const char *const *k = fields;
    while (f && *k && strcmp(*k, f))
        k++;
    CHECK(!f || *k);
}

/* The checks chatt2me.c makes on what the agent typed, before anything is sent. */
static void checks(const char *s)
{
    char why[300];
    if (provider_uuid_check(s, "channel id", why, sizeof why) == HD_OK)
        CHECK(strlen(s) == 36 && text_is_clean(s));
    else
        CHECK(*why && text_is_clean(why));
    for (const char *const *kind = provider_channel_kinds(); *kind; kind++) {
        if (provider_recipient_check(*kind, s, why, sizeof why) == HD_OK)
            CHECK(*s && text_is_clean(s) && !strpbrk(s, " \t"));
        else
            CHECK(*why && text_is_clean(why));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    sent(j);
    hook_id(j);
    error_field(j);
    json_decref(j);
    char *s = fuzz_cstr(data, size);
    if (s)
        checks(s);
    free(s);
    return 0;
}
