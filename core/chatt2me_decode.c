/* chatt2me_decode.c: Chatt2.me JSON to normalised JSON; the seed documents the send answer and
 * the error envelope's names, the rest is taken as found and sanitized. */
#include "chatt2me_decode.h"
#include "text.h"

#include <string.h>

static const char *str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Copies a string member, sanitized, under another name; nothing when absent. */
static void copy_str(json_t *to, const char *key, const json_t *from, const char *from_key)
{
    const char *v = str(from, from_key);
    char clean[400];
    if (v)
        json_object_set_new(to, key, json_string(text_sanitize(v, clean, sizeof clean)));
}

json_t *chatt2me_decode_sent(const json_t *j)
{
    if (!str(j, "messageId") && !str(j, "status"))
        return NULL;
    json_t *d = json_object();
    if (!d)
        return NULL;
    copy_str(d, "message_id", j, "messageId");
    copy_str(d, "status", j, "status");
    if (!json_object_get(d, "status")) /* an id and no word: the hub took it, nothing more */
        json_object_set_new(d, "status", json_string("accepted"));
    copy_str(d, "error_code", j, "errorCode");
    copy_str(d, "error_message", j, "errorMessage");
    return d;
}

const char *chatt2me_decode_hook_id(const json_t *j, char *out, size_t n)
{
    const char *id = str(j, "id");
    return id ? text_sanitize(id, out, n) : NULL;
}

const char *chatt2me_error_field(const json_t *j)
{
    static const char *const map[][2] = {
        {"INVALID_RECIPIENT", "to"},
        {"CHANNEL_NOT_FOUND", "channel_id"},
        {"CHANNEL_KIND_MISMATCH", "kind"},
        {"INVALID_ENDPOINT", "url"},
        {"ENDPOINT_VERIFICATION_FAILED", "url"},
        {"INVALID_EVENT_TYPE", "events"},
    };
    const char *code = str(j, "errorCode");
    for (size_t i = 0; code && i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i][0], code))
            return map[i][1];
    return NULL;
}
